"""The demo's scoring: the office scored each month end (and mid-September), one appeal was
reversed, one waits for the office, and August's figures were published on 5 September.

Replayed through the services at the dates they happened, after the ledger, the notices and the
proposals of the demo exist. Idempotent: a run, an appeal or a publication already there is kept.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from core import clock
from tasks.models import User

from . import services
from .choices import DisclosureStatus, RuleCode, RunKind
from .models import Appeal, Disclosure, ScoreEntry, ScoringRun

RUN_DAYS = ["2018-04-30", "2018-05-31", "2018-06-30", "2018-07-31", "2018-08-31", "2018-09-15", "2018-09-30"]
DISCLOSED_MONTH = dt.date(2018, 8, 1)


def _at(day: str, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour)))


def build_scoring_demo() -> None:
    office = User.objects.get(username="office")
    steps = [(day, 22, _run(day, office)) for day in RUN_DAYS] + [
        ("2018-08-03", 9, _reversed_appeal(office)),
        ("2018-09-03", 9, _published_disclosure(office)),
        ("2018-09-20", 9, _pending_appeal()),
    ]
    with transaction.atomic():
        for day, hour, step in sorted(steps, key=lambda item: (item[0], item[1])):
            step(day, hour)


def _run(up_to: str, office):
    def step(day, hour):
        if ScoringRun.objects.filter(kind=RunKind.MANUAL, up_to=day).exists():
            return
        with clock.replaying_at(_at(day, hour)):
            services.run_scoring_now(up_to=dt.date.fromisoformat(day), acting_user=office)

    return step


def _entry(unit_name: str, code: str, **filters) -> ScoreEntry | None:
    entries = ScoreEntry.objects.filter(unit__name=unit_name, rule__code=code, **filters)
    return entries.order_by("target__code", "pk").first()


def _reversed_appeal(office):
    """平舆县 says July's late report was the system's fault; the office checks and reverses it."""

    def step(day, hour):
        entry = _entry("平舆县", RuleCode.REPORT_LATE, report__period="2018-07")
        if entry is None or Appeal.objects.filter(entry=entry).exists():
            return
        with clock.replaying_at(_at(day, hour)):
            appeal = services.file_appeal(
                entry, acting_user=User.objects.get(username="staff_pingyu"),
                reason="7月28日系统升级期间无法登录填报，已于当日电话向督查室报备，恢复后第一时间补报。",
            )  # fmt: skip
        with clock.replaying_at(_at("2018-08-07", 15)):
            services.decide_appeal(
                appeal, reverse=True, acting_user=office,
                note="经核实，7月28日系统升级属实，该单位已电话报备，撤销本次逾期扣分。",
            )  # fmt: skip

    return step


def _pending_appeal():
    """市商务局 disputes the point for the unsatisfied reply; the office has not decided yet."""

    def step(day, hour):
        entry = _entry("市商务局", RuleCode.PROPOSAL_UNSATISFIED)
        if entry is None or Appeal.objects.filter(entry=entry).exists():
            return
        with clock.replaying_at(_at(day, hour)):
            services.file_appeal(
                entry, acting_user=User.objects.get(username="staff_swj"),
                reason="委员不满意的涉企收费事项属省级审批权限，我局已书面说明并转报省商务厅，请予核减。",
            )  # fmt: skip

    return step


def _published_disclosure(office):
    """August's figures: prepared on 3 September, approved on the 4th, published on the 5th."""

    def step(day, hour):
        if Disclosure.objects.filter(as_of=dt.date(2018, 8, 31), status=DisclosureStatus.PUBLISHED).exists():
            return
        with clock.replaying_at(_at(day, hour)):
            disclosure = services.prepare_disclosure(
                month=DISCLOSED_MONTH, acting_user=office,
                note="现将截至2018年8月31日各县区、市直有关部门目标任务落实情况予以公示，接受社会监督。",
            )  # fmt: skip
        with clock.replaying_at(_at("2018-09-04", 10)):
            services.approve_disclosure(disclosure, acting_user=User.objects.get(username="mayor"))
        with clock.replaying_at(_at("2018-09-05", 9)):
            services.publish_disclosure(disclosure, acting_user=office)

    return step
