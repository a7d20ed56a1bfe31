"""Issue 14, item 2: a signed letter stays as signed; later changes are numbered revisions."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from accountability import services
from accountability.models import ResponsibilityLetter
from core.errors import RuleViolation
from tasks import services as ledger

SIGNED_AT = dt.datetime(2018, 4, 20, 2, 30, tzinfo=dt.UTC)  # 10:30 in Zhumadian


@pytest.fixture
def letter(issued_target, erin, unit_a, carol):
    with time_machine.travel(SIGNED_AT, tick=False):
        services.prepare_letters(2018, acting_user=erin)
        letter = ResponsibilityLetter.objects.get(unit=unit_a)
        services.sign_for_unit(letter, signatory="甲县县长", signed_on=dt.date(2018, 4, 16), acting_user=carol)
        services.sign_for_city(letter, signatory="市长", signed_on=dt.date(2018, 4, 18), acting_user=erin)
    letter.refresh_from_db()
    return letter


def _article(client, letter) -> str:
    page = client.get(reverse("letters:detail", args=[letter.pk])).content.decode()
    return re.search(r'<article class="letter">.*</article>', page, re.S).group(0)


def test_signing_keeps_the_paper_date_and_who_entered_it_when(letter, carol, erin, client):
    assert letter.unit_signed_on == dt.date(2018, 4, 16) and letter.city_signed_on == dt.date(2018, 4, 18)
    assert letter.unit_signature_recorded_by == carol and letter.city_signature_recorded_by == erin
    assert letter.unit_signature_recorded_at == SIGNED_AT == letter.city_signature_recorded_at
    assert letter.signed_content and letter.signed_content[0]["deadline"]
    client.force_login(erin)
    article = _article(client, letter)
    assert "2018年4月16日" in article and "2018年4月18日" in article
    assert "erin" in article and "2018-04-20 10:30" in article


def test_a_signed_letters_page_is_unchanged_after_a_plan_regeneration(letter, client, erin, alice):
    assignment = letter.unit.assignments.get()
    client.force_login(alice)
    before = _article(client, letter)
    with time_machine.travel(dt.datetime(2018, 5, 2, 2, tzinfo=dt.UTC), tick=False):
        with pytest.raises(RuleViolation, match="甲县已签署2018年度目标责任书，此项修改须提交变更申请并经督查室批准"):
            ledger.generate_milestones(assignment, granularity="quarter", acting_user=erin)
        client.force_login(erin)  # the office regenerates the plan on its page: refused, with the reason
        response = client.post(
            reverse("plan_edit", args=[assignment.pk]), {"action": "generate", "granularity": "quarter"}
        )
    assert response.status_code == 200 and "变更申请" in response.content.decode()
    client.force_login(alice)
    assert _article(client, letter) == before
    # Even if the plan changes underneath (as the ledger's own bookkeeping might), the page shows what was signed.
    assignment.milestones.update(description="改过的节点")
    assert _article(client, letter) == before


def test_editing_a_signed_letters_plan_needs_an_approved_request(letter, erin):
    assignment = letter.unit.assignments.get()
    rows = [{"due_date": assignment.deadline, "planned_percent": 100}]
    with pytest.raises(RuleViolation, match=r"变更申请|change request"):
        ledger.set_milestones(assignment, rows, acting_user=erin)
    assert assignment.milestones.count() > 1


def test_a_granted_extension_is_a_numbered_revision_and_the_signed_version_stays(letter, client, alice, erin):
    assignment = letter.unit.assignments.get()
    old_deadline = assignment.deadline
    with time_machine.travel(dt.datetime(2018, 6, 1, 2, tzinfo=dt.UTC), tick=False):
        request = ledger.request_extension(
            assignment, new_deadline=old_deadline + dt.timedelta(days=30), reason="汛期影响", acting_user=alice
        )
        ledger.decide_extension(request, grant=True, acting_user=erin)
    letter.refresh_from_db()
    assert letter.revision == 1
    client.force_login(alice)
    article = _article(client, letter)
    signed_table = article.split('<section class="letter__revisions">')[0]
    assert old_deadline.isoformat() in signed_table
    assert (old_deadline + dt.timedelta(days=30)).isoformat() not in signed_table
    assert "第1次修订" in article
