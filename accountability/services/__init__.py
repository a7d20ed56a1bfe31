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
from .instructions import answer_instruction, issue_instruction
from .letters import (
    decide_letter_change,
    letter_assignments,
    letter_content,
    prepare_letters,
    request_letter_change,
    sign_for_city,
    sign_for_unit,
)
from .notices import (
    answer_notice,
    approve_exposure,
    dismiss_exposure,
    issue_close_out_notices,
    issue_supervision,
    issue_task_notices,
    propose_exposure,
    sign_for_notice,
    verify_and_close_out,
    verify_answer,
)
from .problems import merge_problem, resolve_problem
from .redo import reverse_completion_points
from .rules import ensure_default_rules, update_grade_bands, update_rule
from .scoring import (
    execute_run,
    queued_run_ids,
    request_scoring,
    run_scoring_now,
    schedule_nightly_run,
    score_completion,
    score_events,
)
from .year_end import close_year, year_state

__all__ = [
    "answer_instruction",
    "answer_notice",
    "approve_disclosure",
    "approve_exposure",
    "close_year",
    "decide_appeal",
    "decide_letter_change",
    "discard_disclosure",
    "dismiss_exposure",
    "ensure_default_rules",
    "execute_run",
    "file_appeal",
    "issue_close_out_notices",
    "issue_instruction",
    "issue_supervision",
    "issue_task_notices",
    "letter_assignments",
    "letter_content",
    "merge_problem",
    "prepare_correction",
    "prepare_disclosure",
    "prepare_letters",
    "propose_exposure",
    "publish_disclosure",
    "queued_run_ids",
    "record_check",
    "refresh_disclosure",
    "reopen_disclosure",
    "request_letter_change",
    "request_scoring",
    "resolve_problem",
    "reverse_completion_points",
    "run_scoring_now",
    "schedule_nightly_run",
    "score_completion",
    "score_events",
    "sign_for_city",
    "sign_for_notice",
    "sign_for_unit",
    "update_grade_bands",
    "update_rule",
    "verify_and_close_out",
    "verify_answer",
    "year_state",
]
