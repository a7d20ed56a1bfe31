"""HTTP under load: p50/p95 of the staff workspace with 50 concurrent connections (wrk) against
gunicorn on loopback (two workers, production-like: DEBUG off), beside a static file served by
the same gunicorn (WhiteNoise) under the same load. The session cookie is a real session of the
busiest unit's staff member, sent by a small Lua script that also prints the percentiles."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection

from tasks.models import User

from .measure import Result
from .pages import _staff_of, busiest_unit
from .scales import TODAY

CONNECTIONS = 50
DURATION_SECONDS = 10
WORKERS = 2
P95_RATIO_TARGET = 2.0
STATIC_PATH = "/static/css/site.css"
WORKSPACE_PATH = "/unit/"

LUA = """
wrk.headers["Cookie"] = "%(cookie)s"
done = function(summary, latency, requests)
  io.write(string.format("BENCH p50=%%d p95=%%d requests=%%d non2xx=%%d errors=%%d\\n",
    latency:percentile(50), latency:percentile(95), summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


class HttpUnavailable(Exception):
    """wrk or gunicorn cannot run here."""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _session_cookie(username: str) -> str:
    user = User.objects.get(username=username)
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


def _wait_until_up(base: str, process: subprocess.Popen, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise HttpUnavailable(f"gunicorn exited with {process.returncode}")
        try:
            urllib.request.urlopen(base + STATIC_PATH, timeout=1).read()
            return
        except OSError:
            time.sleep(0.2)
    raise HttpUnavailable("gunicorn did not answer within 20 s")


def _check_logged_in(url: str, cookie: str) -> None:
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=30) as response:
        if response.status != 200 or response.url != url:
            raise HttpUnavailable(f"{url} did not answer the session with the page (got {response.url})")


def _wrk(url: str, script: Path, duration: int) -> dict[str, float]:
    output = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{CONNECTIONS}",
            f"-d{duration}s",
            f"--timeout={duration}s",
            "--latency",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        timeout=duration + 30,
        check=True,
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    figures = dict(part.split("=") for part in line.split()[1:])
    return {name: float(value) for name, value in figures.items()}


def measure_http(scale: str, *, duration: int = DURATION_SECONDS) -> list[Result]:
    if not shutil.which("wrk"):
        raise HttpUnavailable("wrk is not installed")
    cookie = _session_cookie(_staff_of(busiest_unit()))
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as folder:
        static_root = Path(folder) / "static"
        environment = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "ZMD_TODAY": TODAY.isoformat(),
            "DEBUG": "0",
            "STATIC_ROOT": str(static_root),
        }
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            env=environment,
            check=True,
            cwd=settings.BASE_DIR,
        )
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "zmd_targets.wsgi",
                "-w",
                str(WORKERS),
                "-b",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],
            env=environment,
            cwd=settings.BASE_DIR,
            stdout=subprocess.DEVNULL,
        )
        try:
            _wait_until_up(base, server)
            _check_logged_in(base + WORKSPACE_PATH, cookie)
            script = Path(folder) / "session.lua"
            script.write_text(LUA % {"cookie": cookie})
            # The static file first, on an idle server: after the page's run the workers are still
            # working off the requests wrk gave up on, and the static file would wait behind them.
            static = _wrk(base + STATIC_PATH, script, duration)
            page = _wrk(base + WORKSPACE_PATH, script, duration)
        finally:
            server.terminate()
            server.wait(timeout=30)
    note = (
        f"{CONNECTIONS} connections, {duration} s each, gunicorn {WORKERS} workers; "
        f"{int(page['requests']):,} page and {int(static['requests']):,} static requests"
    )
    if page["non2xx"] or page["errors"]:
        note += f"; page: {int(page['non2xx'])} non-2xx, {int(page['errors'])} socket errors (timeouts)"
    return [
        Result(
            "HTTP staff workspace p50",
            scale,
            round(page["p50"] / 1000, 1),
            "ms",
            "static file, same server and load",
            round(static["p50"] / 1000, 1),
            note=note,
        ),
        Result(
            "HTTP staff workspace p95",
            scale,
            round(page["p95"] / 1000, 1),
            "ms",
            "static file, same server and load",
            round(static["p95"] / 1000, 1),
            target=f"≤ {P95_RATIO_TARGET}× static",
            met=page["p95"] <= P95_RATIO_TARGET * static["p95"] and not page["non2xx"],
        ),
    ]
