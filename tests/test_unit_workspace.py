"""The unit workspace: what is due, late or missing at a glance, and the filters behind the counts."""

from __future__ import annotations

import datetime as dt
import re

from django.urls import reverse

from tests.workspace_data import at, filed_report

D = dt.date


def _page(client, url):
    with at(D(2018, 6, 27)):
        return client.get(url).content.decode()


def _tab_count(page, label) -> int:
    return int(re.search(label + r' <span class="tab-count">(\d+)</span>', page).group(1))


def test_a_missed_period_and_the_current_one_show_with_their_counts(client, alice, lead_assignment):
    client.force_login(alice)
    page = _page(client, reverse("unit_workspace"))
    # On 06-27 May's report (due 05-28) is missing and June's (due 06-28) is due.
    assert _tab_count(page, "逾期未报") == 1 and _tab_count(page, "本期待报") == 1
    assert "2018-05" in page and "2018-06" in page
    assert f"{reverse('report_edit', args=[lead_assignment.pk])}?period=2018-05" in page


def test_a_report_filed_after_its_due_date_shows_as_late(client, alice, lead_assignment):
    filed_report(lead_assignment, alice, day=D(2018, 6, 1), period="2018-05")
    client.force_login(alice)
    page = _page(client, reverse("unit_workspace"))
    assert "迟报" in page and _tab_count(page, "逾期未报") == 0


def test_the_missing_filter_lists_only_assignments_with_a_missing_report(client, alice, lead_assignment):
    client.force_login(alice)
    assert reverse("assignment_detail", args=[lead_assignment.pk]) in _page(
        client, reverse("unit_workspace") + "?report=missing"
    )
    filed_report(lead_assignment, alice, day=D(2018, 5, 25), period="2018-05")
    assert reverse("assignment_detail", args=[lead_assignment.pk]) not in _page(
        client, reverse("unit_workspace") + "?report=missing"
    )


def test_a_returned_report_shows_its_refile_link(client, alice, erin, lead_assignment):
    from tasks import services

    report = filed_report(lead_assignment, alice)
    services.return_report(report, acting_user=erin, reason="数据有误")
    client.force_login(alice)
    page = _page(client, reverse("unit_workspace") + "?report=returned")
    assert "重新报送" in page and _tab_count(page, "已退回") == 1


def test_staff_see_only_their_own_units_assignments(client, alice, bob, issued_target):
    client.force_login(bob)
    page = _page(client, reverse("unit_workspace"))
    assert "乙局" in page and "甲县</td>" not in page
