"""The rules of ``tasks.permissions.can`` for accountability's records (letters, notices).

Registered when the app is ready (``tasks`` depends on nothing of ours, so they live here)."""

from __future__ import annotations

from core.access import Action
from core.permissions import rule

from .choices import (
    ANSWERED_KINDS,
    SIGN_ONLY_KINDS,
    CaseStatus,
    CoordinationStatus,
    DecisionStatus,
    DisclosureStatus,
    NoticeStatus,
)

# --- Responsibility letters (目标责任书) ----------------------------------------------------------


@rule("letter.prepare", "letter.sign_city", "letter.decide_change")
def _letter_office(access, user, letter) -> bool:
    return access.office


@rule("letter.sign_unit")
def _letter_sign_unit(access, user, letter) -> bool:
    return access.office or letter.unit_id in access.head_unit_ids


@rule("letter.request_change")
def _letter_request_change(access, user, letter) -> bool:
    return letter.is_signed and (access.office or letter.unit_id in access.unit_ids)


# --- Notices (五单) ------------------------------------------------------------------------------


def _reports_for(user, notice) -> bool:
    return type(notice).objects.for_user(user, Action.REPORT).filter(pk=notice.pk).exists()


@rule("notice.sign")
def _notice_sign(access, user, notice) -> bool:
    return notice.status == NoticeStatus.ISSUED and _reports_for(user, notice)


@rule("notice.answer")
def _notice_answer(access, user, notice) -> bool:
    open_ = notice.status in (NoticeStatus.ISSUED, NoticeStatus.SIGNED)
    return open_ and notice.kind not in SIGN_ONLY_KINDS and _reports_for(user, notice)


@rule("notice.verify")
def _notice_verify(access, user, notice) -> bool:
    return access.office and notice.kind in ANSWERED_KINDS and notice.status == NoticeStatus.ANSWERED


@rule("notice.decide")
def _notice_decide(access, user, notice) -> bool:
    """Turning an exposure candidate down: the office withdraws it or a leader rejects it."""
    return (access.office or access.is_leader) and notice.status == NoticeStatus.PROPOSED


@rule("notice.approve")
def _notice_approve(access, user, notice) -> bool:
    """Separation of duties: a city leader approves an exposure, never the person who put it forward."""
    return access.is_leader and notice.status == NoticeStatus.PROPOSED and notice.issued_by_id != user.pk


@rule("disclosure.approve")
def _disclosure_approve(access, user, disclosure) -> bool:
    return access.is_leader and disclosure.status == DisclosureStatus.DRAFT and disclosure.prepared_by_id != user.pk


# --- Accountability cases (问责): the office proposes, the approving leader decides -------------


@rule("case.propose")
def _case_propose(access, user, obj=None) -> bool:
    return access.office


@rule("case.decide")
def _case_decide(access, user, case) -> bool:
    # Separation of duties: the approving leader decides, never the person who proposed it.
    return (
        case.status == CaseStatus.PROPOSED and case.approver_id in access.leader_ids and case.proposed_by_id != user.pk
    )


# --- Year-end assessment (年度考核) and rewards and penalties (奖惩) ------------------------------


@rule("assessment.prepare", "reward.propose")
def _assessment_office(access, user, obj=None) -> bool:
    return access.office


@rule("assessment.approve")
def _assessment_approve(access, user, assessment) -> bool:
    # Separation of duties: a city leader approves, never the person who prepared the version.
    return access.is_leader and assessment.is_draft and assessment.prepared_by_id != user.pk


@rule("reward.approve")
def _reward_approve(access, user, assessment) -> bool:
    return access.is_leader and assessment.is_approved


@rule("assessment.see_all_units")
def _assessment_all_units(access, user, obj=None) -> bool:
    """The office and the leaders read every unit's line; a unit only its own."""
    return access.sees_everything


# --- 常态问政 (evaluation rounds): the office runs them, evaluators fill their own sheets -----------


@rule("evaluation.open")
def _evaluation_open(access, user, obj=None) -> bool:
    return access.office


@rule("page.evaluations")
def _evaluation_pages(access, user, obj=None) -> bool:
    """The rounds' list: whoever a round may concern (the office, leaders, units, evaluators)."""
    return access.sees_everything or bool(access.unit_ids) or access.evaluator


@rule("evaluation.manage")
def _evaluation_manage(access, user, round_) -> bool:
    """Add evaluators and paper sheets, publish: the office, while the round is open."""
    return access.office and round_.is_open


@rule("evaluation.see_sheets")
def _evaluation_see_sheets(access, user, round_) -> bool:
    """Who gave which marks: the office only (units and leaders read averages and unsigned comments)."""
    return access.office


@rule("evaluation.see_results")
def _evaluation_see_results(access, user, round_) -> bool:
    """The office follows results as sheets come in; the others once they are published (a unit its own)."""
    return access.office or (not round_.is_open and (access.is_leader or bool(access.unit_ids)))


@rule("evaluation.export")
def _evaluation_export(access, user, round_) -> bool:
    return access.office or (access.is_leader and not round_.is_open)


@rule("evaluation.fill")
def _evaluation_fill(access, user, sheet) -> bool:
    """An evaluator fills their own sheet; the office types in a paper one; both only until submitted."""
    if sheet.is_submitted or not sheet.round.is_open:
        return False
    return sheet.evaluator_id == user.pk if sheet.evaluator_id else access.office


# --- 保位争先: the office brings in the province's bulletins and sets the line; everyone with a role reads


@rule("province.manage")
def _province_manage(access, user, obj=None) -> bool:
    return access.office


# --- 现场协调快办: a unit asks, the leader (or the office for them) schedules and records decisions,
# the owner unit reports on a decision, the office closes it (办结) -------------------------------


@rule("coordination.request")
def _coordination_request(access, user, obj=None) -> bool:
    return bool(access.unit_ids)


def _coordination_leader(access, coordination) -> bool:
    return access.office or coordination.leader_id in access.leader_ids


@rule("coordination.hold_meeting")
def _coordination_hold_meeting(access, user, leader=None) -> bool:
    """A progress meeting (推进例会): the office for any leader; a leader (or their secretary) for
    their own post. Without a leader: may the person hold one at all."""
    if access.office:
        return True
    if leader is None:
        return bool(access.leader_ids)
    return leader.pk in access.leader_ids


@rule("coordination.schedule")
def _coordination_schedule(access, user, coordination) -> bool:
    open_ = coordination.status in (CoordinationStatus.REQUESTED, CoordinationStatus.SCHEDULED)
    return open_ and _coordination_leader(access, coordination)


@rule("coordination.record")
def _coordination_record(access, user, coordination) -> bool:
    met = coordination.status in (CoordinationStatus.SCHEDULED, CoordinationStatus.DECIDED)
    return met and _coordination_leader(access, coordination)


@rule("decision.report")
def _decision_report(access, user, item) -> bool:
    return item.status != DecisionStatus.CLOSED and item.owner_id in access.unit_ids


@rule("decision.close")
def _decision_close(access, user, item) -> bool:
    return access.office and item.status != DecisionStatus.CLOSED


# --- The leaders' digest (领导摘要) --------------------------------------------------------------


@rule("leader_digest.choose")
def _leader_digest_choose(access, user, obj=None) -> bool:
    """A leader chooses their own digest; a secretary acting for one does not (it is the leader's)."""
    return access.own_leader


# --- Work groups and text messages (docs/DELIVERY.md) --------------------------------------------


@rule("delivery.manage")
def _delivery_manage(access, user, obj) -> bool:
    """The delivery log, the channels' switches, 恢复通道 and the routing rules (收发规则)."""
    return access.office


@rule("channel.edit")
def _channel_edit(access, user, channel) -> bool:
    """A work group's robot is set by the office, or by its own unit's people."""
    return access.office or (channel is not None and channel.unit_id in access.unit_ids)
