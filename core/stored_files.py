"""Files kept through Django's storage (the local folder, or S3-compatible object storage such as
MinIO when ``ZMD_STORAGE=s3``): code never asks a stored file for its ``.path``, which an object
store does not have. What must read a real file on disk (the Excel reader's child process) gets a
temporary copy from ``local_copy()``, removed once it is done.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from django.core.files.storage import Storage, default_storage

COPY_CHUNK = 1024 * 1024


@contextmanager
def local_copy(stored_file) -> Iterator[Path]:
    """A temporary file on this machine holding a stored file's bytes (a ``FieldFile`` or a name in
    the default storage); its suffix is kept (a reader may look at it). Deleted on leaving."""
    if isinstance(stored_file, str):
        storage, name = default_storage, stored_file
    else:
        storage, name = stored_file.storage, stored_file.name
    suffix = PurePosixPath(name).suffix
    with tempfile.NamedTemporaryFile(prefix="zmd-", suffix=suffix) as copy:
        with storage.open(name, "rb") as source:
            shutil.copyfileobj(source, copy, COPY_CHUNK)
        copy.flush()
        yield Path(copy.name)


def walk(storage: Storage | None = None, folder: str = "") -> Iterator[str]:
    """Every file's name under ``folder`` of a storage, folders first-level down (``listdir`` is
    what both the local folder and the S3 backend answer)."""
    storage = storage or default_storage
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # the local folder before anything was uploaded
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(folders):
        yield from walk(storage, f"{folder}/{sub}" if folder else sub)
