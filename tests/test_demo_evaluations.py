"""The demo's 常态问政: the deputy's and the member's logins, 2018 Q2 published with results and points,
2018 Q3 open with some sheets in; building it again changes nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from accountability.choices import RoundStatus, SheetStatus
from accountability.demo_evaluations import build_evaluations_demo
from accountability.management.commands.load_demo import demo_logins
from accountability.models import EvaluationRound, EvaluationSheet, ScoreEntry
from accountability.selectors.evaluations import round_results
from core.access import access_for
from tasks.demo import DEMO_PASSWORD
from tasks.models import User


@pytest.mark.django_db
def test_the_demo_has_a_published_and_an_open_round_and_the_evaluators_log_in(demo):
    q2 = EvaluationRound.objects.get(name="2018年第二季度问政")
    q3 = EvaluationRound.objects.get(name="2018年第三季度问政")
    assert q2.status == RoundStatus.PUBLISHED and q3.status == RoundStatus.OPEN
    assert not q2.sheets.exclude(status=SheetStatus.SUBMITTED).exists() and q2.sheets.filter(evaluator=None).exists()
    statuses = list(q3.sheets.values_list("status", flat=True))
    assert statuses.count(SheetStatus.SUBMITTED) == 3 and SheetStatus.DRAFT in statuses
    results = {(r.subject.unit.name, r.subject.target_id): r for r in round_results(q2)}
    assert results[("开发区", None)].band == "good" and results[("正阳县", None)].band == "poor"
    assert results[("开发区", None)].count == 5 and results[("开发区", None)].comments
    points = ScoreEntry.objects.filter(evaluation_subject__round=q2)
    assert {(entry.unit.name, entry.amount) for entry in points if entry.target_id is None} >= {
        ("开发区", 1),
        ("正阳县", -1),
    }
    for username in ("npc_deputy", "cppcc_member"):
        user = User.objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD) and access_for(user).evaluator
    listed = {username for _heading, logins in demo_logins() for username, _who in logins}
    assert {"npc_deputy", "cppcc_member"} <= listed
    before = (EvaluationRound.objects.count(), EvaluationSheet.objects.count(), ScoreEntry.objects.count())
    assert build_evaluations_demo() == 0
    assert (EvaluationRound.objects.count(), EvaluationSheet.objects.count(), ScoreEntry.objects.count()) == before


@pytest.mark.django_db
def test_the_demo_deputy_sees_the_round_and_the_unit_its_results(demo):
    q2 = EvaluationRound.objects.get(name="2018年第二季度问政")
    deputy, client = User.objects.get(username="npc_deputy"), Client()
    client.force_login(deputy)
    response = client.get(reverse("evaluations:list"))
    page = response.content.decode()
    assert response.status_code == 200, page[page.find("<main") : page.find("<main") + 600]
    assert "2018年第三季度问政" in page and "提交评议表" not in page
    client.force_login(User.objects.get(username="cppcc_member"))  # keeps a draft
    assert "填写评议表" in client.get(reverse("evaluations:list")).content.decode()
    staff = User.objects.get(username="staff_yicheng")
    client.force_login(staff)
    page = client.get(reverse("evaluations:detail", args=[q2.pk])).content.decode()
    assert "驿城区" in page and "重点项目推进较快" in page and "王建华" not in page and "开发区" not in page
