"""HTTP under an open-loop load: the staff workspace ``/unit/`` served by gunicorn started with the
Dockerfile's own command line (its CMD, bound to loopback) and production settings, loaded at
constant arrival rates by ``bench.open_loop`` with a real session of the busiest unit's staff member.

Lines: the unloaded time (one request at a time); p50/p95/p99 at each rate, p95 judged against twice
the unloaded time; the highest rate whose p95 stays within that (a bisection between the rates
measured, a few short runs); pages per second per core at saturation; and the database's share of
the page's server time (in-process, from the queries' own times), which says where adding web
machines stops helping (docs/PERFORMANCE.md, "What one machine carries").

This replaces wrk's closed loop of 50 connections: two or three sync workers behind 50 connections
that each wait for their answer before asking again always have ~48 requests queued, so its p95 was
the queue's length times the page's time, whatever the software did.
"""

from __future__ import annotations

import asyncio
import json
import os
import runpy
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from tasks.models import User

from .measure import Result
from .open_loop import Endpoint, Run, _fetch, highest_passing_rate, run_at_rate, unloaded_seconds
from .pages import _staff_of, busiest_unit
from .scales import TODAY

RATES = (20, 50, 100)  # requests per second
SECONDS = 10  # at each rate
SEARCH_STEPS = 4  # short runs bisecting for the highest rate within the target
SEARCH_SECONDS = 6
P95_RATIO_TARGET = 2.0
CITY_PEAK_RATE = 2  # a city's due-day peak, requests per second (docs/PERFORMANCE.md)
PROVINCE_PEAK_RATE = 40  # twenty cities on one deployment
WORKSPACE_PATH = "/unit/"
STATIC_PATH = "/static/css/site.css"
DOCKERFILE = Path(settings.BASE_DIR) / "Dockerfile"


class HttpUnavailable(Exception):
    """gunicorn cannot run here, or the session is not accepted."""


def dockerfile_command(dockerfile: Path = DOCKERFILE) -> list[str]:
    """The Dockerfile's CMD (its exec form), as production starts the web server."""
    lines = [line for line in dockerfile.read_text().splitlines() if line.startswith("CMD ")]
    if not lines:
        raise HttpUnavailable(f"{dockerfile} has no CMD line")
    command = json.loads(lines[-1].removeprefix("CMD "))
    if command[0] != "gunicorn":
        raise HttpUnavailable(f"the Dockerfile's CMD does not start gunicorn: {command}")
    return command


def loopback_command(command: list[str], port: int) -> list[str]:
    """The same command bound to loopback on ``port``, run by this interpreter's gunicorn."""
    bound = list(command)
    for flag in ("--bind", "-b"):
        if flag in bound:
            bound[bound.index(flag) + 1] = f"127.0.0.1:{port}"
            break
    else:
        bound += ["--bind", f"127.0.0.1:{port}"]
    return [sys.executable, "-m", *bound]


def option(command: list[str], name: str, default: int) -> int:
    return int(command[command.index(name) + 1]) if name in command else default


def worker_count(command: list[str], environment: dict[str, str]) -> int:
    """The sync workers ``command`` starts: its ``--workers``, else its ``--config`` file's ``workers``
    as that file computes it in ``environment``, else gunicorn's default of one."""
    if "--workers" in command or "-w" in command:
        return option(command, "--workers", option(command, "-w", 1))
    for flag in ("--config", "-c"):
        if flag in command:
            config = Path(settings.BASE_DIR) / command[command.index(flag) + 1]
            with mock.patch.dict(os.environ, environment, clear=True):
                return int(runpy.run_path(str(config)).get("workers", 1))
    return 1


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _session_cookie(username: str, secret_key: str) -> str:
    """A session as logging in leaves it, signed and hashed with the server's secret key (production
    refuses the development one)."""
    user = User.objects.get(username=username)
    with override_settings(SECRET_KEY=secret_key):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class _Server:
    """gunicorn as the Dockerfile runs it, with the settings docker-compose gives it."""

    def __init__(self, command: list[str], environment: dict[str, str], endpoint: Endpoint, log: Path):
        self.command, self.environment, self.endpoint, self.log = command, environment, endpoint, log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("a") as log:  # gunicorn's own messages, shown if it fails to start
            self.process = subprocess.Popen(
                self.command,
                env=self.environment,
                cwd=settings.BASE_DIR,
                stdout=subprocess.DEVNULL,  # the access log
                stderr=log,
            )
        self._wait_until_up()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def restart(self) -> None:
        """A fresh server: the requests an overloaded run gave up on wait in the listen queue, and
        the workers would work them off during the next run."""
        self.stop()
        self.start()

    def _wait_until_up(self, seconds: float = 60) -> None:
        static = Endpoint(self.endpoint.host, self.endpoint.port, STATIC_PATH, self.endpoint.headers)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise HttpUnavailable(
                    f"gunicorn exited with {self.process.returncode}: {' '.join(self.command)}\n"
                    + self.log.read_text()[-2000:]
                )
            try:
                asyncio.run(_fetch(static, static.request_bytes()))
                return
            except OSError:
                time.sleep(0.2)
        raise HttpUnavailable(f"gunicorn did not answer within {seconds} s")


@contextmanager
def _production_server(cookie_user: str):
    secret_key = secrets.token_urlsafe(48)
    cookie = _session_cookie(cookie_user, secret_key)
    port = _free_port()
    # As nginx passes a request on: the TLS it ended, the client it saw (docker-compose: one proxy).
    headers = {"Host": "127.0.0.1", "Cookie": cookie, "X-Forwarded-Proto": "https", "X-Forwarded-For": "10.0.0.7"}
    endpoint = Endpoint("127.0.0.1", port, WORKSPACE_PATH, headers)
    command = dockerfile_command()
    with tempfile.TemporaryDirectory() as folder:
        environment = {
            **os.environ,
            "ZMD_MODE": "production",
            "SECRET_KEY": secret_key,
            "ALLOWED_HOSTS": "127.0.0.1",
            "ZMD_PROXY_COUNT": "1",
            "DATABASE_URL": _database_url(),
            "ZMD_TODAY": TODAY.isoformat(),
            "STATIC_ROOT": str(Path(folder) / "static"),
            "ZMD_VAR_DIR": folder,
            "MEDIA_ROOT": str(Path(folder) / "media"),
        }
        environment.pop("DEBUG", None)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            env=environment,
            check=True,
            cwd=settings.BASE_DIR,
        )
        server = _Server(loopback_command(command, port), environment, endpoint, Path(folder) / "gunicorn.log")
        server.start()
        try:
            status = asyncio.run(_fetch(endpoint, endpoint.request_bytes()))
            if status != 200:
                raise HttpUnavailable(f"{WORKSPACE_PATH} answered {status} to the session, not the page")
            yield server, worker_count(command, environment)
        finally:
            server.stop()


def _database_share(username: str, *, repeat: int = 9) -> float:
    """The median share of the page's in-process server time spent waiting for its queries."""
    client = Client()
    client.force_login(User.objects.get(username=username))
    shares = []
    with override_settings(ZMD_TODAY=TODAY, DEBUG=False), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="No directory at")  # static files are not collected here
        client.get(WORKSPACE_PATH)
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                client.get(WORKSPACE_PATH)
                total = time.perf_counter() - started
            shares.append(sum(float(query["time"]) for query in captured.captured_queries) / total)
    return statistics.median(shares)


def _load(server: _Server, rate: float, seconds: float, give_up_after: float) -> Run:
    run = asyncio.run(run_at_rate(server.endpoint, rate, seconds, give_up_after=give_up_after))
    if run.unfinished or run.errors:
        server.restart()
        asyncio.run(unloaded_seconds(server.endpoint, repeat=1, warmup=4))  # each worker warm again
    return run


def measure_http(
    scale: str,
    *,
    rates: tuple[float, ...] = RATES,
    seconds: float = SECONDS,
    search_steps: int = SEARCH_STEPS,
    search_seconds: float = SEARCH_SECONDS,
) -> list[Result]:
    staff = _staff_of(busiest_unit())
    share = _database_share(staff)
    with _production_server(staff) as (server, workers):
        unloaded = asyncio.run(unloaded_seconds(server.endpoint))
        limit = P95_RATIO_TARGET * unloaded
        runs = {rate: _load(server, rate, seconds, give_up_after=5) for rate in sorted(rates)}

        def within(run: Run) -> bool:
            return run.failed == 0 and run.percentile(95) <= limit

        failing = [rate for rate, run in runs.items() if not within(run)]
        searched: list[Run] = []

        def passes(rate: float) -> bool:
            searched.append(_load(server, rate, search_seconds, give_up_after=2))
            return within(searched[-1])

        if failing:
            good = max((rate for rate, run in runs.items() if rate < failing[0] and within(run)), default=0)
            highest = highest_passing_rate(passes, good, failing[0], steps=search_steps)
        else:
            highest = max(runs)
    cores = _cores()
    capacity = max(run.throughput for run in [*runs.values(), *searched])
    server_note = (
        f"gunicorn as the Dockerfile's CMD ({workers} sync workers), production settings, on {cores} cores "
        f"shared with PostgreSQL, Redis and this client"
    )
    results = [
        Result(
            "HTTP staff workspace: unloaded (one request at a time)",
            scale,
            _ms(unloaded),
            "ms",
            note=server_note,
        )
    ]
    for rate, run in runs.items():
        results += _rate_lines(scale, rate, run, unloaded, limit)
    results += [
        Result(
            f"HTTP staff workspace: highest rate with p95 ≤ {P95_RATIO_TARGET:g}× unloaded",
            scale,
            highest,
            "req/s",
            "a 20-city province's due-day peak",
            PROVINCE_PEAK_RATE,
            note=(
                f"{'at least: every rate measured passed' if not failing else 'bisection over'} "
                f"{', '.join(f'{run.rate:g}' for run in searched) or 'no further rates'}; "
                f"a city's due-day peak is about {CITY_PEAK_RATE} req/s"
            ),
        ),
        Result(
            "HTTP staff workspace: pages per second per core at saturation",
            scale,
            round(capacity / cores, 1),
            "pages/s",
            "1 / unloaded time (one core's worth)",
            round(1 / unloaded, 1),
            note=f"{capacity:.1f} pages/s on {cores} cores, {workers} workers",
        ),
        Result(
            "HTTP staff workspace: database share of server time",
            scale,
            round(share * 100, 1),
            "%",
            note="in-process, the queries' own times over the page's; the rest is Python in the web worker",
        ),
    ]
    return results


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _rate_lines(scale: str, rate: float, run: Run, unloaded: float, limit: float) -> list[Result]:
    name = f"HTTP staff workspace at {rate:g} req/s"
    note = f"{run.sent} sent, {run.sent - run.failed} answered 200, {run.throughput:.1f} answers/s"
    if run.failed:
        note += (
            f"; {len(run.unfinished)} unanswered after the load (counted at the time waited: lower bounds), "
            f"{run.errors} socket errors, {run.failed - len(run.unfinished) - run.errors} not 200"
        )
    if run.late_sends:
        note += f"; the client sent {run.late_sends} requests over 10 ms late (counted from when they were due)"
    bound = "a lower bound (requests left unanswered); " if run.unfinished else ""
    lines = []
    for p in (50, 95, 99):
        line = Result(f"{name}: p{p}", scale, _ms(run.percentile(p)), "ms", "unloaded time", _ms(unloaded))
        if p == 95:
            line.target = f"≤ {P95_RATIO_TARGET:g}× unloaded"
            line.met = run.failed == 0 and run.percentile(95) <= limit
            line.note = bound + note
        lines.append(line)
    return lines
