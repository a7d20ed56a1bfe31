"""Backups: the database and the stored files, with a manifest to check a restore against.

A backup is a folder ``<dest>/zmd-<UTC time>/`` holding
- ``database.dump``: ``pg_dump --format=custom`` of PostgreSQL (restored with ``pg_restore``); on
  SQLite (a laptop) ``database.sqlite3``, a consistent copy by SQLite's own backup API;
- ``media.tar``: every stored file (evidence, imported sheets, clue photos), read through Django's
  storage, so the same command backs up the local folder and an S3/MinIO bucket;
- ``manifest.json``: when, what engine, and the row count of every table, which
  ``restore_check`` compares with a restored copy.

PostgreSQL's tools come from Debian's postgresql-client (the Dockerfile and .ci/run install it); the
dump runs with the site's own connection settings.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connection, connections

from core.stored_files import walk

MANIFEST = "manifest.json"
PG_DUMP_FILE = "database.dump"
SQLITE_FILE = "database.sqlite3"
MEDIA_FILE = "media.tar"
PREFIX = "zmd-"


class BackupError(Exception):
    """A backup or a restore check could not be done (a tool missing or failing)."""


def table_counts(conn=None) -> dict[str, int]:
    """Rows in every table of the database the connection points at."""
    conn = conn or connection
    with conn.cursor() as cursor:
        tables = sorted(conn.introspection.table_names(cursor))
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {conn.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def _pg_environment(settings_dict: dict, name: str | None = None) -> dict[str, str]:
    """libpq's variables for these connection settings (the password never on a command line)."""
    env = dict(os.environ)
    values = {
        "PGDATABASE": name or settings_dict["NAME"],
        "PGUSER": settings_dict.get("USER") or "",
        "PGPASSWORD": settings_dict.get("PASSWORD") or "",
        "PGHOST": settings_dict.get("HOST") or "",
        "PGPORT": str(settings_dict.get("PORT") or ""),
    }
    env.update({key: value for key, value in values.items() if value})
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (apt-get install postgresql-client)")
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[:500]}")


@dataclass(frozen=True)
class Backup:
    folder: Path
    manifest: dict


def make_backup(dest: Path) -> Backup:
    """Write a new backup folder under ``dest``; return it and its manifest."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S.%fZ")  # sorts by time, to the microsecond
    folder = Path(dest) / f"{PREFIX}{stamp}-{uuid.uuid4().hex[:6]}"
    folder.mkdir(parents=True)
    # The counts first, the dump after: a row written between the two is in the dump but not in
    # the manifest, which restore_check reports as "more rows", never as rows lost.
    counts = table_counts()
    if connection.vendor == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={folder / PG_DUMP_FILE}"],
             _pg_environment(connection.settings_dict))  # fmt: skip
        database_file = PG_DUMP_FILE
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(folder / SQLITE_FILE) as copy:
            connection.connection.backup(copy)
        copy.close()
        database_file = SQLITE_FILE
    else:
        raise BackupError(f"no backup for the database engine {connection.vendor}")
    files = _archive_media(folder / MEDIA_FILE)
    manifest = {
        "made_at": dt.datetime.now(dt.UTC).isoformat(),
        "engine": connection.vendor,
        "database_file": database_file,
        "media_file": MEDIA_FILE,
        "media_files": files,
        "tables": counts,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    return Backup(folder, manifest)


def _archive_media(target: Path) -> int:
    """Every stored file into one tar, read through the storage (a folder or a bucket)."""
    count = 0
    with tarfile.open(target, "w") as archive:
        for name in walk(default_storage):
            with default_storage.open(name, "rb") as source:
                info = tarfile.TarInfo(name)
                info.size = default_storage.size(name)
                archive.addfile(info, source)
            count += 1
    return count


def prune_backups(dest: Path, keep: int) -> list[Path]:
    """Remove all but the newest ``keep`` backup folders; return those removed."""
    folders = sorted(path for path in Path(dest).glob(f"{PREFIX}*") if (path / MANIFEST).exists())
    removed = folders[:-keep] if keep else folders
    for folder in removed:
        shutil.rmtree(folder)
    return removed


@dataclass(frozen=True)
class RestoreCheck:
    expected: dict[str, int]
    restored: dict[str, int]
    media_files: int

    @property
    def differences(self) -> dict[str, tuple[int | None, int | None]]:
        names = set(self.expected) | set(self.restored)
        return {
            name: (self.expected.get(name), self.restored.get(name))
            for name in sorted(names)
            if self.expected.get(name) != self.restored.get(name)
        }

    @property
    def ok(self) -> bool:
        return not self.differences


def check_restore(folder: Path) -> RestoreCheck:
    """Restore the backup into a fresh, throw-away database and count its rows against the manifest;
    open the media archive and count its files. The live database is never touched."""
    folder = Path(folder)
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    with tarfile.open(folder / manifest["media_file"]) as archive:
        media_files = sum(1 for member in archive if member.isfile())
    if manifest["engine"] == "postgresql":
        restored = _restore_postgresql(folder / manifest["database_file"])
    else:
        with sqlite3.connect(folder / manifest["database_file"]) as copy:
            tables = [row[0] for row in copy.execute("SELECT name FROM sqlite_master WHERE type='table'")]
            restored = {
                table: copy.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
                for table in tables
                if not table.startswith("sqlite_")
            }
        copy.close()
    return RestoreCheck(manifest["tables"], restored, media_files)


def _restore_postgresql(dump: Path) -> dict[str, int]:
    settings_dict = connection.settings_dict
    name = f"zmd_restore_check_{uuid.uuid4().hex[:10]}"
    with _fresh_database(name):
        _run(["pg_restore", "--no-owner", "--single-transaction", "--exit-on-error", f"--dbname={name}", str(dump)],
             _pg_environment(settings_dict, name))  # fmt: skip
        restored = type(connections[DEFAULT_DB_ALIAS])({**settings_dict, "NAME": name}, alias="restore_check")
        try:
            return table_counts(restored)
        finally:
            restored.close()


@contextmanager
def _fresh_database(name: str):
    # CREATE and DROP DATABASE cannot run in a transaction: Django's own connection to the
    # "postgres" database (what its test runner creates databases with), in autocommit.
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield
    finally:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
