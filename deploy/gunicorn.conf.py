"""gunicorn for the web containers: Prometheus's multiprocess mode, so /metrics adds up all workers.

Each worker writes its metrics to files in PROMETHEUS_MULTIPROC_DIR (a tmpfs of the container);
django-prometheus's view sums them. The folder is emptied at start and a dead worker's files are
marked, as prometheus_client's documentation asks.
"""

import os
import shutil
from pathlib import Path

bind = "0.0.0.0:8000"
workers = int(os.environ.get("WEB_WORKERS", "3"))
accesslog = "-"


def on_starting(server):
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        Path(folder).mkdir(parents=True, exist_ok=True)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
