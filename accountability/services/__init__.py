"""Every state change of supervision and accountability goes through these functions."""

from .appeals import decide_appeal, file_appeal
from .checks import record_check
from .disclosure import (
    approve_disclosure,
    discard_disclosure,
    prepare_correction,
    prepare_disclosure,
    publish_disclosure,
    refresh_disclosure,
    reopen_disclosure,
)
from .rules import ensure_default_rules, update_grade_bands, update_rule
from .scoring import (
    execute_run,
    queued_run_ids,
    request_scoring,
    run_scoring_now,
    schedule_nightly_run,
    score_events,
)

__all__ = [
    "approve_disclosure",
    "decide_appeal",
    "discard_disclosure",
    "ensure_default_rules",
    "execute_run",
    "file_appeal",
    "prepare_correction",
    "prepare_disclosure",
    "publish_disclosure",
    "queued_run_ids",
    "record_check",
    "refresh_disclosure",
    "reopen_disclosure",
    "request_scoring",
    "run_scoring_now",
    "schedule_nightly_run",
    "score_events",
    "update_grade_bands",
    "update_rule",
]
