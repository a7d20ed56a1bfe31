"""The public's channel in the demo: clues left under August's publication (published on 5 September),
one answered, one not adopted, one turned into an issue supervision notice, one awaiting review.

Runs after the scoring demo (which publishes August's figures), through the services at the dates it
happened. Idempotent: a publication that already has clues is left as it is.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from core import clock
from tasks.models import User

from .choices import DisclosureStatus, FeedbackKind
from .models import Disclosure, PublicFeedback
from .services import public_feedback as channel

AUGUST_END = dt.date(2018, 8, 31)


def _at(day: str, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour)))


def _sent(disclosure, day: str, hour: int, **fields) -> PublicFeedback:
    with clock.replaying_at(_at(day, hour)):
        return channel.submit_feedback(disclosure, address=f"198.51.100.{hour}", **fields)


def build_feedback_demo() -> int:
    """The clues of the demo; the number created (0 when they are already there)."""
    disclosure = Disclosure.objects.filter(as_of=AUGUST_END, status=DisclosureStatus.PUBLISHED).order_by("pk").first()
    if disclosure is None or PublicFeedback.objects.filter(disclosure=disclosure).exists():
        return 0
    office = User.objects.get(username="office")
    codes = list(channel.snapshot_targets(disclosure))
    with transaction.atomic():
        answered = _sent(
            disclosure, "2018-09-08", 10, target_code=codes[0] if codes else "", contact="13803960001",
            text="村里的道路说是已经完工，可东头还有一段没有硬化，下雨天没法走。",
        )  # fmt: skip
        with clock.replaying_at(_at("2018-09-12", 15)):
            channel.answer_feedback(
                answered, acting_user=office,
                answer="经督查室现场核实，东头约300米路段属二期工程，已列入10月施工计划，完工后将在下期公示中反映。",
            )  # fmt: skip
        dismissed = _sent(
            disclosure, "2018-09-10", 20, kind=FeedbackKind.COMMENT,
            text="建议公示页面增加各县区的联系电话。",
        )  # fmt: skip
        with clock.replaying_at(_at("2018-09-11", 9)):
            channel.dismiss_feedback(
                dismissed, acting_user=office, reason="属于页面建议，不涉及目标落实；已转信息中心研究。"
            )
        clue = _sent(
            disclosure, "2018-09-14", 11, target_code=codes[1] if len(codes) > 1 else "",
            contact="zmd.citizen@example.cn",
            text="公示说项目进度过半，但工地已停工两周，没有看到施工人员。",
        )  # fmt: skip
        with clock.replaying_at(_at("2018-09-17", 10)):
            assignment = channel.assignments_for(clue).first()
            if assignment is not None:
                channel.turn_into_notice(
                    clue, acting_user=office, assignment=assignment,
                    required_action="查明停工原因，制定复工计划，9月30日前报送督查室。",
                    due_date=dt.date(2018, 9, 30),
                )  # fmt: skip
        _sent(
            disclosure, "2018-09-27", 16, target_code=codes[2] if len(codes) > 2 else "",
            text="希望下期公示能写明每个项目的具体位置。",
        )  # fmt: skip
    return PublicFeedback.objects.filter(disclosure=disclosure).count()
