"""A local HTTP receiver for the delivery tests: the demo's own (scripts/demo_receiver.py) in a thread
on a free port, so the tests read exactly what a work group or webhook would have received."""

from __future__ import annotations

import importlib.util
import io
import socket
import threading
from contextlib import contextmanager
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "demo_receiver", Path(__file__).resolve().parent.parent / "scripts" / "demo_receiver.py"
)
demo_receiver = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(demo_receiver)


@contextmanager
def running_receiver():
    server = demo_receiver.Receiver(("127.0.0.1", 0), out=io.StringIO())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def url_of(server, path: str = "/") -> str:
    return f"http://127.0.0.1:{server.server_address[1]}{path}"


def closed_port_url() -> str:
    """An address where nothing listens: the connection is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/hook"
