"""manage.py backup and restore_check: the database dumped (pg_dump on PostgreSQL, SQLite's backup
API on a laptop) and the stored files archived; the dump restored into a fresh database whose every
table's row count matches the manifest. CI runs this on PostgreSQL."""

from __future__ import annotations

import json
import tarfile

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from ops.backup import MANIFEST, RestoreCheck, make_backup, prune_backups, table_counts
from tasks.models import Evidence, ProgressReport, Target
from tests.workspace_data import filed_report


@pytest.fixture
def ledger(transactional_db, lead_assignment, alice):
    """A target, its assignments and a report with one evidence file, committed (pg_dump reads from
    a connection of its own)."""
    return filed_report(lead_assignment, alice)


def test_a_backup_restores_with_every_table_s_rows(ledger, tmp_path, capsys):
    # One restore only (it takes seconds): through the commands, as an operator runs them.
    call_command("backup", dest=str(tmp_path))
    first = next(tmp_path.glob("zmd-*"))
    call_command("backup", dest=str(tmp_path), keep=1)
    [kept] = tmp_path.glob("zmd-*")
    assert kept != first  # the newest is kept
    manifest = json.loads((kept / MANIFEST).read_text())
    counts = manifest["tables"]
    assert counts == table_counts() and manifest["engine"] == connection.vendor
    assert counts[Target._meta.db_table] == 1 and counts[ProgressReport._meta.db_table] == 1
    capsys.readouterr()
    call_command("restore_check", str(kept))  # raises CommandError naming any table that differs
    out = capsys.readouterr().out
    assert f"restored {len(counts)} tables, {sum(counts.values())} rows, 1 files" in out, out
    assert sum(counts.values()) > 20  # the rows, their history, the rules seeded …
    assert prune_backups(tmp_path, 1) == []


def test_the_stored_files_are_in_the_archive(ledger, tmp_path):
    backup = make_backup(tmp_path)
    evidence = Evidence.objects.get()
    with tarfile.open(backup.folder / "media.tar") as archive:
        assert archive.getnames() == [evidence.file.name]
        assert archive.extractfile(evidence.file.name).read() == b"\xff\xd8\xff\xe0 jpeg data"
    assert backup.manifest["media_files"] == 1


def test_a_restore_that_differs_from_the_manifest_is_reported(lead_assignment, tmp_path, monkeypatch):
    # Restoring takes seconds: the comparison is checked here on counts, the real restore above.
    counts = table_counts()
    tampered = {**counts, Target._meta.db_table: counts[Target._meta.db_table] + 1}
    result = RestoreCheck(tampered, counts, 1)
    assert not result.ok and result.differences == {Target._meta.db_table: (2, 1)}
    missing = RestoreCheck(counts, {k: v for k, v in counts.items() if k != Target._meta.db_table}, 1)
    assert missing.differences == {Target._meta.db_table: (1, None)}
    from ops.management.commands import restore_check

    monkeypatch.setattr(restore_check, "check_restore", lambda folder: result)
    with pytest.raises(CommandError, match="1 table"):
        call_command("restore_check", str(tmp_path))


def test_the_command_asks_for_a_folder(db, settings):
    settings.ZMD_BACKUP_DIR = ""
    with pytest.raises(CommandError, match="--dest"):
        call_command("backup")
