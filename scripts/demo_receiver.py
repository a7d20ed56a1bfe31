#!/usr/bin/env python3
"""The demo's stand-in for every work group: prints one line for each message the system posts to it.

`make run` (scripts/run-dev) starts it on 127.0.0.1:8025 (ZMD_DEMO_RECEIVER_PORT); the demo's units
have work-group channels pointing here, so a newcomer sees messages leave without an account anywhere.
It answers like a 企业微信 / 钉钉 robot (``{"errcode": 0}``) and takes the signed webhook's JSON too.
A post whose ``X-ZMD-Idempotency-Key`` it has seen before is printed as a duplicate and not counted:
that is how a receiver drops the copy a retry sends after a worker died mid-send (docs/DELIVERY.md).

Standard library only: it runs before (and without) Django.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

KEY_HEADER = "X-ZMD-Idempotency-Key"


def describe(path: str, payload: dict) -> tuple[str, str]:
    """(who, subject) from a webhook's JSON or a robot's markdown."""
    if "subject" in payload:
        return payload.get("unit") or "-", payload["subject"]
    markdown = payload.get("markdown") or {}
    text = markdown.get("content") or markdown.get("text") or (payload.get("text") or {}).get("content") or ""
    query = parse_qs(urlparse(path).query)
    who = (query.get("key") or query.get("access_token") or ["-"])[0]
    lines = [line.strip("*> ") for line in text.splitlines() if line.strip()]
    if len(lines) > 1 and lines[1]:
        who = lines[1]
    return who, (lines[0] if lines else "")


class Receiver(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, *, out=sys.stdout):
        super().__init__(address, Handler)
        self.out = out
        self.seen: set[str] = set()
        self.received: list[dict] = []  # every post, duplicates included (tests read it)
        self.lock = threading.Lock()
        self.answer: tuple[int, dict] = (200, {"errcode": 0, "errmsg": "ok"})  # tests make it refuse


class Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        try:
            payload = json.loads(raw or b"{}")
        except ValueError:
            payload = {}
        key = self.headers.get(KEY_HEADER) or payload.get("idempotency_key") or ""
        who, subject = describe(self.path, payload if isinstance(payload, dict) else {})
        with self.server.lock:
            duplicate = bool(key) and key in self.server.seen
            self.server.seen.add(key)
            headers = {name.lower(): value for name, value in self.headers.items()}
            self.server.received.append(
                {"path": self.path, "headers": headers, "body": raw, "key": key, "duplicate": duplicate}
            )
        mark = "duplicate, dropped: " if duplicate else ""
        print(f"[work group] {mark}{who} · {subject}", file=self.server.out, flush=True)
        status, body = self.server.answer
        answer = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):  # the one line above is the log
        pass


def main() -> None:
    port = int(os.environ.get("ZMD_DEMO_RECEIVER_PORT", "8025"))
    try:
        server = Receiver(("127.0.0.1", port))
    except OSError as error:  # another receiver (another make run) holds the port: not fatal to run-dev
        print(f"Demo work-group receiver not started on port {port}: {error}", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            return
    print(f"Demo work-group receiver on http://127.0.0.1:{port}/ (prints every message posted to it)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
