"""Breakdown workbooks written by LibreOffice (see build.py): the importer's real-writer fixtures."""

from pathlib import Path

from .build import FORMATS

OFFICE = Path(__file__).parent
__all__ = ["FORMATS", "OFFICE", "office_file"]


def office_file(name: str, fmt: str) -> Path:
    return OFFICE / f"{name}.{fmt}"
