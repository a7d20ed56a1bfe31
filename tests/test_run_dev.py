"""scripts/run-dev (``make run``): Ctrl-C stops the web server, the worker and beat within 10 seconds.

The script runs for real on a throwaway SQLite database and filesystem broker under tmp_path; the
server answering on its port says it is up. Ctrl-C is SIGINT to the script's whole process group,
as a terminal sends it.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STOP_WITHIN_SECONDS = 10


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _until(condition, *, seconds: float, step: float = 0.1) -> bool:
    """True as soon as condition() is; False if it is still false after `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(step)
    return True


def _answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
    except OSError:
        return False
    return True


def _group_gone(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return True
    return False


def _members(group: int) -> list[str]:
    ps = subprocess.run(["ps", "-o", "pid=,args=", "-g", str(group)], capture_output=True, text=True)
    return ps.stdout.splitlines()


@pytest.fixture
def run_dev(tmp_path):
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "ZMD_SITE_URL"}}
    env.update(
        BIN=str(Path(sys.executable).parent),
        HOST="127.0.0.1",
        PORT=str(port),
        ZMD_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'run-dev.sqlite3'}",
        ZMD_TODAY="2018-09-30",
        ZMD_DEMO_RECEIVER_PORT=str(_free_port()),
        DJANGO_SETTINGS_MODULE="zmd_targets.settings",
    )
    log = (tmp_path / "run-dev.log").open("w")
    script = subprocess.Popen(
        [str(ROOT / "scripts" / "run-dev")],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, like a terminal's foreground job
    )
    yield script, port, tmp_path / "run-dev.log"
    if not _group_gone(script.pid):  # the test failed: leave nothing behind
        os.killpg(script.pid, signal.SIGKILL)
    script.wait()
    log.close()


def test_ctrl_c_stops_the_web_server_the_worker_beat_and_the_receiver_within_ten_seconds(run_dev):
    script, port, log = run_dev
    assert _until(lambda: _answers(port) or script.poll() is not None, seconds=60)
    assert script.poll() is None, log.read_text()
    members = _members(script.pid)
    assert any("runserver" in line for line in members), members
    assert any("worker" in line for line in members), members
    assert any("beat" in line for line in members), members
    assert any("demo_receiver" in line for line in members), members

    started = time.monotonic()
    os.killpg(script.pid, signal.SIGINT)
    script.wait(timeout=STOP_WITHIN_SECONDS)
    assert _until(lambda: _group_gone(script.pid), seconds=STOP_WITHIN_SECONDS - (time.monotonic() - started)), (
        _members(script.pid)
    )
    assert not _answers(port)
