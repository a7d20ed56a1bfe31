"""LibreOffice Calc, headless, as the writer of the sheets the importer is measured and tested on:
an office's own software stores a sheet (shared strings, styles) unlike openpyxl, which the importer
itself uses. From Debian: apt-get install -y libreoffice-calc-nogui (``make bench`` and CI install it)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(source: Path, fmt: str, outdir: Path) -> Path:
    """LibreOffice opens ``source`` and saves it as ``fmt`` (xlsx, xls, ods) into ``outdir``.

    Each call has a profile folder of its own, so parallel test processes do not trip over one another's
    LibreOffice lock file."""
    program = soffice()
    if program is None:
        raise RuntimeError("LibreOffice is not installed (apt-get install -y libreoffice-calc-nogui)")
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        subprocess.run(
            [program, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
             "--convert-to", fmt, "--outdir", str(outdir), str(source)],
            check=True, capture_output=True, timeout=300, env={**os.environ, "HOME": profile},
        )  # fmt: skip
    result = outdir / f"{source.stem}.{fmt}"
    if not result.exists():
        raise RuntimeError(f"LibreOffice did not write {result}")
    return result
