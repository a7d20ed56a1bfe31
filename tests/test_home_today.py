"""The home page opens on what needs the person today: counts with links to the lists behind them."""

import re

from django.urls import reverse

from tests.scenarios import D, at, issued


def _figure(page: str, label: str) -> int:
    """The count shown just before ``label`` in the "needs me today" block."""
    block = page[page.index('id="needs-me-today"') :]
    return int(re.search(r'<strong class="count[^"]*">(\d+)</strong>\s*(?:<span>)?' + label, block).group(1))


def test_a_leaders_home_opens_on_what_is_in_his_charge(client, dave, erin, unit_a, unit_b, leader):
    # Due at the end of May and not done by late June: both units' assignments are behind.
    issued(erin, unit_a, [unit_b], start=D(2018, 3, 1), deadline=D(2018, 5, 31), leader=leader, code="T-LATE")
    client.force_login(dave)
    with at(D(2018, 6, 27)):
        page = client.get(reverse("home")).content.decode()
        behind_list = client.get(
            reverse("assignment_list"), {"year": 2018, "leader": leader.pk, "status": "open", "lagging": "on"}
        ).content.decode()
    assert "我分管的" in page
    assert _figure(page, "项分管目标任务") == 1
    assert _figure(page, "项分解任务进度滞后") == 2
    assert behind_list.count('href="/assignments/') >= 2  # the list behind the figure holds both
    assert "status=open&amp;lagging=on&amp;scope=mine" in page


def test_a_leaders_waiting_extension_requests_link_to_the_assignments_that_asked(
    client, dave, erin, alice, unit_a, unit_b, leader
):
    from tasks.services.extensions import request_extension

    target = issued(erin, unit_a, [unit_b], start=D(2018, 3, 1), deadline=D(2018, 10, 31), leader=leader, code="T-EXT")
    client.force_login(dave)
    with at(D(2018, 6, 27)):
        asking = target.assignments.get(unit=unit_a)
        request_extension(asking, new_deadline=D(2018, 12, 15), reason="征迁未完成", acting_user=alice)
        page = client.get(reverse("home")).content.decode()
        listed = client.get(reverse("assignment_list"), {"year": 2018, "extension": "on", "scope": "mine"})
    assert _figure(page, "项延期申请待决定") == 1
    assert "extension=on&amp;scope=mine" in page
    assert [row.pk for row in listed.context["page"]] == [asking.pk]


def test_a_clerks_home_opens_on_the_reports_to_file(client, alice, erin, unit_a, unit_b):
    issued(erin, unit_a, [unit_b], code="T-DUE")
    client.force_login(alice)
    with at(D(2018, 7, 20)):  # June's report is missing
        page = client.get(reverse("home")).content.decode()
        workspace = client.get(reverse("unit_workspace")).content.decode()
    missing = _figure(page, "项逾期未报")
    assert missing >= 1
    tab = re.search(r'report=missing"[^>]*>[^<]*<span class="tab-count">(\d+)</span>', workspace)
    assert int(tab.group(1)) == missing
    assert page.index('id="needs-me-today"') < page.index('id="workspaces"')  # first, the rest folded
