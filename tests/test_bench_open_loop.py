"""The open-loop client: requests are due at a constant rate whatever the server does, latencies count
from when a request was due (a server falling behind shows its queue), percentiles by nearest rank,
the bisection for the highest passing rate; against a tiny local server that answers one request at
a time."""

import asyncio
import itertools
import socketserver
import threading
import time
from pathlib import Path

import pytest

from bench.http_load import dockerfile_command, loopback_command, option, worker_count
from bench.open_loop import Endpoint, due_times, highest_passing_rate, percentile, run_at_rate, unloaded_seconds


class _OneAtATime(socketserver.TCPServer):
    """Serves requests one after another, each taking ``delay`` seconds: a single sync worker."""

    allow_reuse_address = True
    request_queue_size = 256  # the queue is the point: no refused connections

    def __init__(self, delay: float):
        self.delay = delay
        self.seen_cookies: list[str] = []
        super().__init__(("127.0.0.1", 0), _Handler)


class _Handler(socketserver.StreamRequestHandler):
    def handle(self):
        head = b""
        while not head.endswith(b"\r\n\r\n"):
            chunk = self.rfile.readline()
            if not chunk:
                return
            head += chunk
        cookie = [line for line in head.decode().split("\r\n") if line.lower().startswith("cookie:")]
        self.server.seen_cookies += cookie
        time.sleep(self.server.delay)
        body = b"ok"
        self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n" + body)


@pytest.fixture
def server(request):
    delay = getattr(request, "param", 0.02)
    one = _OneAtATime(delay)
    thread = threading.Thread(target=one.serve_forever, daemon=True)
    thread.start()
    yield one
    one.shutdown()
    one.server_close()


def _endpoint(server) -> Endpoint:
    return Endpoint("127.0.0.1", server.server_address[1], "/unit/", {"Cookie": "sessionid=abc"})


def test_requests_are_due_at_a_constant_rate():
    due = due_times(100.0, 20, 1.5)
    assert len(due) == 30
    assert due[0] == 100.0
    assert all(abs((b - a) - 0.05) < 1e-9 for a, b in itertools.pairwise(due))
    with pytest.raises(ValueError):
        due_times(0, 0, 1)


def test_percentiles_are_nearest_rank():
    values = [float(n) for n in range(100, 0, -1)]  # unsorted on purpose
    assert [percentile(values, p) for p in (50, 95, 99, 100)] == [50.0, 95.0, 99.0, 100.0]
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0], 95) == 10.0
    assert percentile([0.3], 50) == 0.3
    with pytest.raises(ValueError):
        percentile([], 95)


@pytest.mark.parametrize("server", [0.02], indirect=True)
def test_under_capacity_the_latency_is_the_service_time_and_the_session_is_sent(server):
    run = asyncio.run(run_at_rate(_endpoint(server), 10, 1.0))
    assert run.sent == 10 and run.failed == 0
    assert run.statuses == {200: 10}
    assert 0.02 <= run.percentile(50) < 0.1
    assert server.seen_cookies == ["Cookie: sessionid=abc"] * 10
    assert 0.015 < asyncio.run(unloaded_seconds(_endpoint(server), repeat=3, warmup=1)) < 0.1


@pytest.mark.parametrize("server", [0.05], indirect=True)
def test_over_capacity_the_queue_shows_in_the_latency(server):
    # 40 requests due over one second, 20 served per second: the last waits about a second more.
    # A closed loop of one connection would have measured 50 ms for every request.
    started = time.monotonic()
    run = asyncio.run(run_at_rate(_endpoint(server), 40, 1.0))
    assert run.sent == 40 and run.failed == 0
    assert run.percentile(99) > 0.8
    assert run.percentile(50) > 0.3
    assert run.throughput <= 21  # the server's capacity, not the rate asked for
    assert time.monotonic() - started < 3.5


@pytest.mark.parametrize("server", [0.3], indirect=True)
def test_what_is_unanswered_when_the_run_gives_up_counts_as_a_lower_bound(server):
    run = asyncio.run(run_at_rate(_endpoint(server), 20, 0.5, give_up_after=0.2))
    assert run.sent == 10
    assert len(run.unfinished) >= 5
    assert run.failed == len(run.unfinished)
    assert min(run.unfinished) >= 0.2  # the last was due at 0.45 s and waited until 0.7 s at least
    assert run.percentile(95) >= max(run.latencies)


def test_the_highest_passing_rate_is_found_by_bisection_within_its_steps():
    tried = []

    def passes(rate):
        tried.append(rate)
        return rate <= 37

    assert highest_passing_rate(passes, 20, 50, steps=10) == 37
    assert tried == [35, 42, 38, 36, 37]
    tried.clear()
    found = highest_passing_rate(passes, 20, 50, steps=2)
    assert found == 35 and len(tried) == 2
    assert highest_passing_rate(passes, 0, 1, steps=5) == 0  # nothing between


def test_the_server_runs_as_the_dockerfile_says_bound_to_loopback(tmp_path: Path):
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(
        'FROM python\nCMD ["gunicorn", "zmd_targets.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]\n'
    )
    command = dockerfile_command(dockerfile)
    served = loopback_command(command, 8123)
    assert served[1:] == ["-m", "gunicorn", "zmd_targets.wsgi", "--bind", "127.0.0.1:8123", "--workers", "3"]
    assert option(command, "--workers", 1) == 3
    assert dockerfile_command()[0] == "gunicorn"  # the project's own Dockerfile


def test_the_worker_count_is_the_one_gunicorn_starts(tmp_path: Path):
    """The line's note names the workers gunicorn runs: the command line's, else its config file's as
    computed in the server's environment (the project's Dockerfile reads WEB_WORKERS there)."""
    assert worker_count(["gunicorn", "app", "--workers", "4"], {}) == 4
    assert worker_count(["gunicorn", "app", "-w", "2"], {}) == 2
    assert worker_count(["gunicorn", "app"], {}) == 1
    config = tmp_path / "gunicorn.conf.py"
    config.write_text('import os\nworkers = int(os.environ.get("N", "7"))\n')
    assert worker_count(["gunicorn", "app", "-c", str(config)], {}) == 7
    assert worker_count(["gunicorn", "app", "-c", str(config)], {"N": "2"}) == 2
    command = dockerfile_command()
    assert "--config" in command
    assert worker_count(command, {}) == 3
    assert worker_count(command, {"WEB_WORKERS": "5"}) == 5
