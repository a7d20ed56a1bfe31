"""An open-loop HTTP load: requests arrive at a constant rate whether or not earlier ones are done.

Request ``i`` of a run is due at ``t0 + i / rate``; it is sent then on a connection of its own (gunicorn's
sync workers close each connection after its response, and nginx talks to its upstream the same way)
and its latency is counted from the time it was due, not from when it was sent. A server that falls
behind therefore shows its queue in the figures instead of slowing the client down (wrk's closed
loop of N connections waits for each answer before asking again, so its percentiles measure the
queue length it sets itself: coordinated omission). Requests still unanswered when the run gives up
count at the time waited so far, a lower bound, and are reported apart.

Plain asyncio streams and HTTP/1.1, no Django: ``tests/test_bench_open_loop.py`` runs it against a
tiny local server.
"""

from __future__ import annotations

import asyncio
import math
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field

GIVE_UP_AFTER_SECONDS = 5.0  # after the last request is due: what is still unanswered then is unfinished
MAX_OPEN_CONNECTIONS = 800  # below the usual 1,024 open files; a request waiting for one waits on the clock


@dataclass(frozen=True)
class Endpoint:
    host: str
    port: int
    path: str
    headers: dict[str, str] = field(default_factory=dict)

    def request_bytes(self) -> bytes:
        lines = [f"GET {self.path} HTTP/1.1", f"Host: {self.headers.get('Host', self.host)}"]
        lines += [f"{name}: {value}" for name, value in self.headers.items() if name.lower() != "host"]
        lines += ["Connection: close", "", ""]
        return "\r\n".join(lines).encode("latin-1")


@dataclass
class Run:
    """One run at one rate: every request's latency in seconds, from the time it was due."""

    rate: float
    seconds: float
    latencies: list[float] = field(default_factory=list)  # answered (any status)
    unfinished: list[float] = field(default_factory=list)  # lower bounds: the time waited when given up
    statuses: Counter = field(default_factory=Counter)
    errors: int = 0  # refused, reset or unreadable
    answered_in_window: int = 0  # answers that arrived while requests were still being sent
    late_sends: int = 0  # requests the client itself sent over 10 ms after they were due

    @property
    def sent(self) -> int:
        return len(self.latencies) + len(self.unfinished) + self.errors

    @property
    def failed(self) -> int:
        """Requests not answered 200: errors, other statuses, unfinished."""
        return self.errors + len(self.unfinished) + sum(n for status, n in self.statuses.items() if status != 200)

    def percentile(self, p: float) -> float:
        """Nearest-rank percentile of every request's latency, the unfinished at their lower bounds."""
        return percentile(self.latencies + self.unfinished, p)

    @property
    def throughput(self) -> float:
        """Answers per second while the load lasted: the server's capacity when it is saturated."""
        return self.answered_in_window / self.seconds


def percentile(values: list[float], p: float) -> float:
    """The smallest value with at least p% of the values at or below it (nearest rank, as HdrHistogram)."""
    if not values:
        raise ValueError("no values")
    if not 0 < p <= 100:
        raise ValueError("p must be in (0, 100]")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def due_times(start: float, rate: float, seconds: float) -> list[float]:
    """When each request of a run is due: a constant arrival rate, ``rate * seconds`` requests."""
    if rate <= 0 or seconds <= 0:
        raise ValueError("rate and seconds must be positive")
    return [start + i / rate for i in range(round(rate * seconds))]


async def _fetch(endpoint: Endpoint, request: bytes) -> int:
    """Send one request on a new connection and read the answer to its end; its status code."""
    reader, writer = await asyncio.open_connection(endpoint.host, endpoint.port)
    try:
        writer.write(request)
        await writer.drain()
        answer = await reader.read()  # Connection: close, so the answer ends with the connection
    finally:
        writer.close()
    status_line = answer.split(b"\r\n", 1)[0].split()
    if len(status_line) < 2 or not status_line[0].startswith(b"HTTP/"):
        raise ConnectionError(f"not an HTTP answer: {answer[:40]!r}")
    return int(status_line[1])


async def run_at_rate(
    endpoint: Endpoint, rate: float, seconds: float, *, give_up_after: float = GIVE_UP_AFTER_SECONDS
) -> Run:
    loop = asyncio.get_running_loop()
    run = Run(rate, seconds)
    request = endpoint.request_bytes()
    slots = asyncio.Semaphore(MAX_OPEN_CONNECTIONS)
    start = loop.time() + 0.05
    window_end = start + seconds

    async def one(due: float) -> None:
        async with slots:
            try:
                status = await _fetch(endpoint, request)
            except (OSError, ConnectionError, ValueError, IndexError):
                run.errors += 1
                return
        done = loop.time()
        run.latencies.append(done - due)
        run.statuses[status] += 1
        if done <= window_end:
            run.answered_in_window += 1

    pending: dict[asyncio.Task, float] = {}
    for due in due_times(start, rate, seconds):
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        elif delay < -0.01:
            run.late_sends += 1
        task = asyncio.ensure_future(one(due))
        pending[task] = due
        task.add_done_callback(lambda finished: pending.pop(finished, None))
    if pending:
        await asyncio.wait(list(pending), timeout=max(0.0, window_end + give_up_after - loop.time()))
    given_up = loop.time()
    for task, due in list(pending.items()):
        task.cancel()
        run.unfinished.append(given_up - due)
    await asyncio.gather(*pending, return_exceptions=True)
    return run


async def unloaded_seconds(endpoint: Endpoint, *, repeat: int = 9, warmup: int = 3) -> float:
    """The median time of one request at a time on an idle server (after warm-up requests)."""
    request = endpoint.request_bytes()
    for _ in range(warmup):
        await _fetch(endpoint, request)
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        status = await _fetch(endpoint, request)
        samples.append(time.perf_counter() - started)
        if status != 200:
            raise ConnectionError(f"{endpoint.path} answered {status} on an idle server")
    return statistics.median(samples)


def highest_passing_rate(passes, known_good: float, known_bad: float, *, steps: int) -> float:
    """Bisection in whole requests per second between a rate known to pass (0: none) and one known
    to fail: the highest rate seen to pass after at most ``steps`` runs of ``passes(rate)``."""
    good, bad = known_good, known_bad
    for _ in range(steps):
        middle = math.floor((good + bad) / 2)
        if middle <= good or middle >= bad:
            break
        if passes(middle):
            good = middle
        else:
            bad = middle
    return good
