"""Accountability cases (问责): the office proposes, the responsible leader decides.

Separation of duties: the person who proposed a case never decides it. An approved case whose
measure carries points writes one entry to the unit's ledger (once per case: the ledger's unique
rule × cause)."""

from __future__ import annotations

from pathlib import PurePath

from django.db import transaction
from django.utils.translation import gettext as _

from core import clock
from core.errors import RuleViolation
from tasks.choices import WarningLevel
from tasks.models import Leader
from tasks.services import check_evidence_file, save_with_history, validate_and_save
from tasks.services.delegation import signed_reason
from tasks.services.years import refuse_closed_assignment

from ..choices import CaseStatus, CheckKind, NoticeKind, RuleCode
from ..models import AccountabilityCase, AccountabilityMeasure, Check, Notice, ScoreEntry, ScoreRule, SupervisionRules
from .duties import refuse_own_approval
from .points import recount_unit_months
from .rules import ensure_default_rules


def notice_may_raise_case(notice: Notice) -> bool:
    return notice.kind == NoticeKind.EXPOSURE or (
        notice.kind == NoticeKind.WARNING and notice.level == WarningLevel.RED
    )


# The measures the office starts with (migration 0015 seeded them; it edits the list and points after).
STARTING_MEASURES = [
    ("约谈", None),
    ("通报批评", "-2"),
    ("诫勉谈话", "-3"),
    ("责令书面检查", "-1"),
    ("移送纪检监察机关", "-5"),
]


def ensure_starting_measures() -> dict:
    """The starting measures by name, made again where a database lost them (a flushed test database)."""
    for order, (name, points) in enumerate(STARTING_MEASURES, start=1):
        AccountabilityMeasure.objects.get_or_create(name=name, defaults={"points": points, "sort_order": order})
    return {measure.name: measure for measure in AccountabilityMeasure.objects.all()}


def approver_for(assignment) -> Leader:
    """The mayor if the office has named one for every case, else the target's leader."""
    rules = SupervisionRules.current()
    leader = rules.case_approver or assignment.target.leader
    if leader is None:
        raise RuleViolation(
            _("The target has no responsible leader and no leader is set to approve cases; set one first.")
        )
    return leader


def propose_case(
    *,
    measure: AccountabilityMeasure,
    facts: str,
    acting_user,
    check: Check | None = None,
    notice: Notice | None = None,
    persons=(),
    evidence=None,
) -> AccountabilityCase:
    if (check is None) == (notice is None):
        raise RuleViolation(_("A case is raised from one check or one notice."))
    if check is not None and check.kind != CheckKind.RESPONSIBILITY:
        raise RuleViolation(_("Only a check of who answers for it (查责任) raises a case."))
    if notice is not None and not notice_may_raise_case(notice):
        raise RuleViolation(_("Only a red warning or an exposure raises a case."))
    if not facts.strip():
        raise RuleViolation({"facts": [_("State the facts of the case.")]})
    if not measure.is_active:
        raise RuleViolation({"measure": [_("This measure is no longer in use.")]})
    assignment = check.assignment if check is not None else notice.assignment
    refuse_closed_assignment(assignment)
    persons = list(persons)
    if any(person.unit_id != assignment.unit_id for person in persons):
        raise RuleViolation({"persons": [_("Name only persons of the unit concerned.")]})
    if evidence is not None:
        check_evidence_file(evidence)
    case = AccountabilityCase(
        unit_id=assignment.unit_id,
        assignment=assignment,
        check_record=check,
        notice=notice,
        measure=measure,
        facts=facts.strip(),
        approver=approver_for(assignment),
        proposed_by=acting_user,
        proposed_at=clock.now(),
    )
    if evidence is not None:
        case.evidence = evidence
        case.evidence_name = PurePath(evidence.name).name[:200]
    with transaction.atomic():
        validate_and_save(case, acting_user=acting_user, reason=_("Accountability proposed"))
        case.persons.set(persons)
    return case


def decide_case(case: AccountabilityCase, *, approve: bool, acting_user, note: str = "") -> AccountabilityCase:
    if not approve and not note.strip():
        raise RuleViolation({"note": [_("Say why the case is rejected.")]})
    with transaction.atomic():
        case = AccountabilityCase.objects.select_for_update().get(pk=case.pk)
        if case.status != CaseStatus.PROPOSED:
            raise RuleViolation(_("This case has already been decided."))
        refuse_own_approval(case.proposed_by_id, acting_user)
        case.status = CaseStatus.APPROVED if approve else CaseStatus.REJECTED
        case.decided_by, case.decided_at, case.decision_note = acting_user, clock.now(), note.strip()
        case.decided_for, reason = signed_reason(
            _("Accountability approved") if approve else _("Accountability rejected"), acting_user
        )
        save_with_history(case, acting_user=acting_user, reason=reason)
        if approve and case.measure.points:
            _score(case)
    return case


def _score(case: AccountabilityCase) -> ScoreEntry:
    ensure_default_rules()
    entry = ScoreEntry(
        unit_id=case.unit_id,
        rule=ScoreRule.objects.get(code=RuleCode.ACCOUNTABILITY),
        amount=case.measure.points,
        occurred_on=clock.today(),
        reason=(_("Accountability: %(measure)s") % {"measure": case.measure.name})[:300],
        cause_key=f"case:{case.pk}",
        target_id=case.assignment.target_id,
        assignment_id=case.assignment_id,
        created_at=clock.now(),
    )
    entry.save()
    recount_unit_months([(entry.unit_id, entry.occurred_on)])
    return entry
