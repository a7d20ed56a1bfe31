"""One judgment of how work stands, for every page, download and job.

``state`` (an assignment's, a target's, a unit's state as of a date) and ``lateness`` (when a report
counts as late, and who is late: the clerk or the head) live in modules of this package; pages ask
them instead of deciding colours or "late" themselves. The rules in words: docs/JUDGMENT.md and
docs/LATENESS.md.
"""
