"""Every state change of supervision and accountability goes through these functions."""

from .checks import record_check
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

__all__ = [
    "answer_notice",
    "approve_exposure",
    "dismiss_exposure",
    "issue_close_out_notices",
    "issue_supervision",
    "issue_task_notices",
    "propose_exposure",
    "record_check",
    "sign_for_notice",
    "verify_and_close_out",
    "verify_answer",
]
