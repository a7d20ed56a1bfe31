"""Breakdown workbooks written by LibreOffice (see build.py): the importer's real-writer fixtures."""

from pathlib import Path

OFFICE = Path(__file__).parent
FORMATS = ("xlsx", "xls", "ods")


def office_file(name: str, fmt: str) -> Path:
    return OFFICE / f"{name}.{fmt}"
