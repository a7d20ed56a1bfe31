"""Files chosen on a form that failed, kept on the server until the form is sent again.

A browser never fills a file input back in, so a form that fails (a missing figure, a stale edit,
a rule broken) would silently drop the evidence a person had chosen while keeping what they typed.
Instead the chosen file is stored under ``MEDIA_ROOT/staged/`` and the page carries a signed token
naming it: the token says whose file it is (only that login may claim it), where it lies and what
it was called, and it expires after a day; ``remove_expired()`` (the ``clear_staged_uploads``
command and an hourly job) deletes what was never claimed. Nothing here is a record: a staged
file is the person's unsent input, not evidence yet.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from pathlib import PurePath

from django.core import signing
from django.core.files import File
from django.core.files.storage import default_storage
from django.utils import timezone

FOLDER = "staged"
# A day to fix the form and send it again; older tokens are refused and their files deleted.
MAX_AGE = dt.timedelta(days=1)
_SALT = "core.staged_uploads"


@dataclass(frozen=True)
class Staged:
    """A staged file as the page shows it: the token to send back and the name the person chose."""

    token: str
    name: str
    size: int


class StagedFile(File):
    """A staged file claimed by its owner, read like an upload (name, size, content type)."""

    def __init__(self, handle, *, staged: Staged, path: str, content_type: str):
        super().__init__(handle, name=staged.name)
        self.staged = staged
        self.path = path
        self.content_type = content_type
        self.size = staged.size


def stage(uploaded, *, owner) -> Staged | None:
    """Store ``uploaded`` for ``owner``; None when it can no longer be read (moved by a save)."""
    name = PurePath(uploaded.name or "").name[:200]
    try:
        uploaded.seek(0)
        path = default_storage.save(f"{FOLDER}/{uuid.uuid4().hex}", uploaded)
    except (OSError, ValueError):
        return None
    size = default_storage.size(path)
    content_type = (getattr(uploaded, "content_type", "") or "")[:100]
    token = signing.dumps({"o": owner.pk, "p": path, "n": name, "t": content_type}, salt=_SALT, compress=True)
    return Staged(token=token, name=name, size=size)


def claim(token: str, *, owner) -> StagedFile | None:
    """The staged file ``token`` names, if ``owner`` staged it within the day and it is still there."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=MAX_AGE)
    except signing.BadSignature:  # forged, altered or expired
        return None
    path = data.get("p", "")
    if owner is None or data.get("o") != owner.pk or not path.startswith(f"{FOLDER}/"):
        return None
    if not default_storage.exists(path):
        return None
    size = default_storage.size(path)
    staged = Staged(token=token, name=data.get("n") or "upload", size=size)
    return StagedFile(default_storage.open(path, "rb"), staged=staged, path=path, content_type=data.get("t", ""))


def discard(staged_file: StagedFile) -> None:
    """Delete a claimed staged file (sent with the form, or removed by its owner)."""
    staged_file.close()
    default_storage.delete(staged_file.path)


def remove_expired(now: dt.datetime | None = None) -> int:
    """Delete staged files older than a day; their tokens are refused anyway. Returns how many.

    File ages are real time (the files' own modification times), not ``core.clock`` (which the
    demo pins to a day in 2018): a staged file is machinery, not a record of the office's year.
    """
    now = now or timezone.now()
    try:
        _, names = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return 0
    removed = 0
    for name in names:
        path = f"{FOLDER}/{name}"
        try:
            if default_storage.get_modified_time(path) < now - MAX_AGE:
                default_storage.delete(path)
                removed += 1
        except FileNotFoundError:  # removed meanwhile by its owner's submit
            continue
    return removed
