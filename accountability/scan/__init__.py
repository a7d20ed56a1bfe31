"""The daily supervision scan (warnings, escalation, exposure candidates, reminders), set-based."""

from .conditions import as_of
from .runner import ScanResult, last_scanned_day, run_scan

__all__ = ["ScanResult", "as_of", "last_scanned_day", "run_scan"]
