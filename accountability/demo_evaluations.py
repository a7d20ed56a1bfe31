"""The demo's 常态问政: the logins of an NPC deputy and a CPPCC member, the 2018 Q2 round published
(with points for results 好 and 差, the rules switched on for the demo), and the Q3 round open on the
demo date with some sheets submitted, one still a draft, one not started and a paper sheet typed in.
The marks follow how each unit keeps pace in the demo (正阳县 lags, 开发区 is ahead)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from core import clock
from core.access import RoleKind
from tasks.demo import DEMO_PASSWORD
from tasks.models import Role, Target, Unit, User
from tasks.services import save_with_history, system_user

from .choices import EvaluatorKind, RuleCode
from .models import EvaluationRound, ScoreRule
from .services.evaluations import add_paper_sheet, open_round, publish_round, save_sheet
from .services.rules import ensure_default_rules, update_rule

EVALUATOR_LOGINS = [
    ("npc_deputy", "王建华（市人大代表）", RoleKind.NPC_DEPUTY),
    ("cppcc_member", "刘玉梅（市政协委员）", RoleKind.CPPCC_MEMBER),
]
UNITS = ["驿城区", "正阳县", "平舆县", "开发区", "市发改委", "市商务局"]
TARGET_CODES = ["2018-002", "2018-004"]
LEADER_LOGINS = ["mayor", "vmayor_industry"]
# Each unit's marks (progress, effect) and what the evaluators said of it; the target lines take their lead unit's.
MARKS = {
    "驿城区": (4, 4, "重点项目推进较快，个别项目手续办理偏慢。"),
    "正阳县": (2, 2, "进度明显滞后于计划，整改措施不够有力。"),
    "平舆县": (3, 3, "总体按计划推进，报送进度偶有迟延。"),
    "开发区": (5, 5, "项目落地快，成效明显，走在全市前列。"),
    "市发改委": (4, 5, "统筹协调有力，投资项目储备充足。"),
    "市商务局": (3, 4, "消费促进活动有成效，外贸稳增长仍需加力。"),
    "市工信委": (4, 4, "工业稳增长措施落实较好。"),
}


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _evaluator_logins() -> list[User]:
    password_hash = make_password(DEMO_PASSWORD)
    users = []
    for username, display_name, kind in EVALUATOR_LOGINS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, display_name=display_name, password=password_hash)
            user.save()
        if not Role.objects.filter(user=user, kind=kind).exists():
            save_with_history(Role(user=user, kind=kind), acting_user=system_user(), reason="演示数据")
        users.append(user)
    return users


def _deputy_says(progress: int) -> str:
    return "建议进一步加快进度，加强跟踪督促。" if progress <= 3 else "群众反映较好，希望保持势头。"


def _marks(round_, shift: int = 0, *, voice: str = "") -> dict:
    """Each subject's marks from its unit's, moved by ``shift`` (the deputy is stricter) within 1–5;
    the comments are the leaders' (``voice="leader"``), the deputy's, or none."""
    marks = {}
    for subject in round_.subjects.select_related("unit"):
        progress, effect, comment = MARKS[subject.unit.name]
        progress, effect = min(5, max(1, progress + shift)), min(5, max(1, effect + shift))
        said = {"leader": comment, "deputy": _deputy_says(progress)}.get(voice, "")
        marks[subject.pk] = (progress, effect, said)
    return marks


def _switch_on_points(office, day: dt.date) -> None:
    """The demo shows the results' points: 好 earns one, 差 costs one (both are 0, off, by default)."""
    ensure_default_rules()
    amounts = {RuleCode.EVALUATION_GOOD: Decimal("1"), RuleCode.EVALUATION_POOR: Decimal("-1")}
    with clock.replaying_at(_at(day, 9)):
        for rule in ScoreRule.objects.filter(code__in=amounts):
            if not rule.amount:
                update_rule(
                    rule, amount=amounts[rule.code], description=rule.description, is_active=True, acting_user=office
                )


def build_evaluations_demo() -> int:
    """Build the two rounds once; returns how many rounds it made (0 when they exist)."""
    deputy, member = _evaluator_logins()
    if EvaluationRound.objects.exists():
        return 0
    office = User.objects.get(username="office")
    leaders = list(User.objects.filter(username__in=LEADER_LOGINS).order_by("username"))
    units = list(Unit.objects.filter(name__in=UNITS))
    targets = list(Target.objects.filter(code__in=TARGET_CODES).order_by("code"))
    evaluators = [*leaders, deputy, member]
    _switch_on_points(office, dt.date(2018, 7, 1))

    # 2018 Q2: every sheet in, one on paper, published on 20 July.
    with clock.replaying_at(_at(dt.date(2018, 7, 5), 10)):
        q2 = open_round(
            name="2018年第二季度问政",
            period_start=dt.date(2018, 4, 1),
            period_end=dt.date(2018, 6, 30),
            units=units,
            targets=targets,
            evaluators=evaluators,
            acting_user=office,
        )
        paper = add_paper_sheet(q2, name="陈国强（市人大代表）", kind=EvaluatorKind.NPC_DEPUTY, acting_user=office)
    q2_sheets = {
        sheet.evaluator.username: sheet for sheet in q2.sheets.exclude(evaluator=None).select_related("evaluator")
    }
    q2_marks = [
        ("mayor", _marks(q2, voice="leader")),
        ("vmayor_industry", _marks(q2)),
        ("npc_deputy", _marks(q2, -1, voice="deputy")),
        ("cppcc_member", _marks(q2)),
    ]
    for day, (username, marks) in enumerate(q2_marks, start=10):
        sheet = q2_sheets[username]
        with clock.replaying_at(_at(dt.date(2018, 7, day), 15)):
            save_sheet(sheet, marks, submit=True, acting_user=sheet.evaluator)
    with clock.replaying_at(_at(dt.date(2018, 7, 16), 15)):
        save_sheet(paper, _marks(q2), submit=True, acting_user=office)
    with clock.replaying_at(_at(dt.date(2018, 7, 20), 10)):
        publish_round(q2, acting_user=office)

    # 2018 Q3: open on the demo date; the mayor and the deputy have submitted, the member keeps a
    # draft, the vice-mayor has not started, and the office has typed in a paper sheet.
    with clock.replaying_at(_at(dt.date(2018, 9, 25), 10)):
        q3 = open_round(
            name="2018年第三季度问政",
            period_start=dt.date(2018, 7, 1),
            period_end=dt.date(2018, 9, 30),
            units=units,
            targets=targets,
            evaluators=evaluators,
            acting_user=office,
        )
        paper = add_paper_sheet(q3, name="赵文博（市政协委员）", kind=EvaluatorKind.CPPCC_MEMBER, acting_user=office)
    sheets = {
        sheet.evaluator.username: sheet for sheet in q3.sheets.exclude(evaluator=None).select_related("evaluator")
    }
    with clock.replaying_at(_at(dt.date(2018, 9, 27), 16)):
        save_sheet(sheets["mayor"], _marks(q3, voice="leader"), submit=True, acting_user=sheets["mayor"].evaluator)
        save_sheet(sheets["npc_deputy"], _marks(q3, -1, voice="deputy"), submit=True, acting_user=deputy)
        save_sheet(paper, _marks(q3), submit=True, acting_user=office)
    with clock.replaying_at(_at(dt.date(2018, 9, 28), 11)):
        first = q3.subjects.first()
        save_sheet(sheets["cppcc_member"], {first.pk: (4, 4, "")}, submit=False, acting_user=member)
    return 2
