"""The scan's rule for meeting decisions (议定事项): remind the owner unit before the deadline, and
once the deadline has passed without the item closed, issue one issue supervision notice
(问题督查单) naming the decision. Set-based and idempotent: the reminder day is written with a
compare-and-set, and the notice has its natural key (item × cause) under a unique constraint."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from core import clock

from ..choices import DecisionStatus, MessageKind, NoticeCause, NoticeKind
from ..models import DecisionItem, Notice, SupervisionRules
from ..services import delivery, notice_texts
from ..services.coordination import decision_notice_exists
from ..services.notices import save_issued
from ..services.numbering import lock_counter
from .conditions import AsOf

# How many days before its deadline the owner of an open decision is reminded (our reading).
REMIND_DAYS_BEFORE = 3


def apply_decision_rules(asof: AsOf, *, acting_user) -> tuple[int, list[Notice]]:
    """(owners reminded, notices issued) for the day; inside the scan step's transaction."""
    return _remind(asof.day), _warn_overdue(asof, acting_user=acting_user)


def _remind(day: dt.date) -> int:
    due_soon = DecisionItem.objects.filter(
        status=DecisionStatus.OPEN,
        reminded_on__isnull=True,
        deadline__gte=day,
        deadline__lte=day + dt.timedelta(days=REMIND_DAYS_BEFORE),
        created_at__date__lt=day,  # not on the day it was recorded: the owner has just been told
    )
    # Under the scan lock; the compare-and-set (reminded_on still empty) keeps a rerun from reminding again.
    claimed = list(due_soon.values_list("pk", flat=True))
    DecisionItem.objects.filter(pk__in=claimed, reminded_on__isnull=True).update(reminded_on=day)
    items = DecisionItem.objects.filter(pk__in=claimed).select_related("owner")
    people = delivery.unit_people(item.owner_id for item in items)
    for item in items:
        subject = _reminder_subject(item)
        delivery.deliver_plain(people[item.owner_id], kind=MessageKind.COORDINATION, subject=subject, body=item.text)
    return len(claimed)


@notice_texts.in_site_language
def _reminder_subject(item: DecisionItem) -> str:
    return (_("Meeting decision due on %(deadline)s: %(text)s") % {
        "deadline": item.deadline.isoformat(), "text": item.text})[:200]  # fmt: skip


def _warn_overdue(asof: AsOf, *, acting_user) -> list[Notice]:
    counter = lock_counter(NoticeKind.SUPERVISION, asof.day.year)
    warned = decision_notice_exists().filter(decision_item=OuterRef("pk"))
    overdue = (
        DecisionItem.objects.filter(status=DecisionStatus.OPEN, deadline__lt=asof.day)
        .exclude(Exists(warned))
        .select_related("owner", "coordination__leader")
        .order_by("deadline", "pk")
    )
    due = asof.day + dt.timedelta(days=SupervisionRules.current().red_response_days)
    drafts = [_draft(item, due=due, acting_user=acting_user) for item in overdue]
    return save_issued(drafts, counter=counter, acting_user=acting_user, reason=_("Meeting decision overdue"))


@notice_texts.in_site_language
def _draft(item: DecisionItem, *, due: dt.date, acting_user) -> Notice:
    coordination = item.coordination
    if coordination.is_progress_meeting:
        wording = _(
            "The decision of the progress meeting of %(leader)s (%(meeting)s) is past its deadline "
            "%(deadline)s and not completed: %(text)s"
        )
    else:
        wording = _(
            "The decision of the coordination meeting of %(leader)s (%(meeting)s) is past its deadline "
            "%(deadline)s and not completed: %(text)s"
        )
    body = wording % {
        "leader": coordination.leader.post,
        "meeting": notice_texts.day_text(timezone.localdate(coordination.meeting_at))
        if coordination.meeting_at
        else "",
        "deadline": notice_texts.day_text(item.deadline),
        "text": item.text,
    }
    action = _("Complete the decision and report on it by %(due)s.") % {"due": notice_texts.day_text(due)}
    return Notice(
        kind=NoticeKind.SUPERVISION,
        year=clock.today().year,
        title=notice_texts.kind_title(NoticeKind.SUPERVISION),
        decision_item=item,
        unit=item.owner,
        cause=NoticeCause.DECISION_OVERDUE,
        period=item.deadline.isoformat(),
        body=body,
        required_action=action,
        due_date=due,
        issued_by=acting_user,
        created_at=clock.now(),
    )
