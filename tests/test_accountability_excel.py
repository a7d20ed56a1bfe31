"""Excel downloads of the five-list register and the unit rankings: the rows the page shows, within
the reader's scope and filters, formulas neutralised, streamed from a write-only workbook."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accountability import services as acc
from accountability.choices import NoticeKind
from accountability.models import Notice
from tasks.choices import RankingGroup, UnitKind
from tests.factories import TargetFactory, UnitFactory, named
from tests.notice_helpers import D, at, co_assignment, file_report, issue_single, scan
from tests.scenarios import file_report as file_scored_report
from tests.scenarios import issued, link, score

__all__ = ["co_assignment"]  # a fixture

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _sheet(response):
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert response.streaming  # a FileResponse over the temporary file, not a page held in memory
    return load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


def _rows(response) -> list[tuple]:
    return list(_sheet(response).iter_rows(values_only=True))


@pytest.fixture
def register(erin, alice, bob, leader, unit_a, unit_b, lead_assignment, co_assignment):
    """Task notices for A and B, a red warning for A and an exposure candidate awaiting approval."""
    with at(D(2018, 1, 2), 11):
        acc.issue_task_notices([lead_assignment.pk, co_assignment.pk], acting_user=erin)
    short = issue_single(unit_a, erin, leader, deadline=D(2018, 3, 31))
    file_report(short, alice, D(2018, 2, 25), 1, accept_by=erin)
    file_report(lead_assignment, alice, D(2018, 2, 25), 16, accept_by=erin)
    file_report(co_assignment, bob, D(2018, 2, 25), 16, accept_by=erin)
    scan(D(2018, 3, 1))  # the short task: red
    scan(D(2018, 4, 1))  # and now an exposure candidate
    return short


def _numbers(rows) -> set:
    return {row[0] for row in rows[2:]}


def test_the_office_downloads_the_whole_register_with_a_title_and_headers(client, erin, register):
    client.force_login(erin)
    response = client.get(reverse("notices:register_xlsx"))
    assert "attachment" in response["Content-Disposition"] and ".xlsx" in response["Content-Disposition"]
    rows = _rows(response)
    assert "五单台账" in rows[0][0]
    assert rows[1][:4] == ("文号", "类别", "预警等级", "责任单位")
    visible = Notice.objects.for_user(erin)
    assert len(rows) - 2 == visible.count() >= 5
    red = Notice.objects.get(kind=NoticeKind.WARNING, assignment=register)
    [line] = [row for row in rows if row[0] == red.number]
    assert line[1:4] == ("进度预警单", "红色预警", "甲县") and line[5] == register.target.title
    assert line[7].date() == D(2018, 3, 1)


def test_a_unit_downloads_only_its_own_notices_and_no_candidate(client, alice, bob, register):
    client.force_login(alice)
    alices = _rows(client.get(reverse("notices:register_xlsx")))
    assert {row[3] for row in alices[2:]} == {"甲县"}
    assert "（未编号）" not in _numbers(alices)  # the exposure candidate stays with the office
    assert _numbers(alices) == set(Notice.objects.for_user(alice).values_list("number", flat=True))
    client.force_login(bob)
    assert {row[3] for row in _rows(client.get(reverse("notices:register_xlsx")))[2:]} == {"乙局"}


def test_the_download_keeps_the_register_s_filters(client, erin, register, unit_b):
    client.force_login(erin)
    warnings = _rows(client.get(reverse("notices:register_xlsx"), {"kind": "warning"}))
    assert {row[1] for row in warnings[2:]} == {"进度预警单"}
    assert len(warnings) - 2 == Notice.objects.filter(kind=NoticeKind.WARNING).count()
    b_only = _rows(client.get(reverse("notices:register_xlsx"), {"unit": unit_b.pk, "kind": "task"}))
    assert [(row[1], row[3]) for row in b_only[2:]] == [("任务告知单", "乙局")]
    page = client.get(reverse("notices:register"), {"kind": "warning"}).content.decode()
    assert reverse("notices:register_xlsx") + "?kind=warning" in page


def test_a_title_that_looks_like_a_formula_stays_text(client, erin, leader, unit_a):
    target = TargetFactory(title='=HYPERLINK("http://x","点我")', leader=leader)
    from tasks import services
    from tasks.choices import AssignmentRole

    services.add_assignment(target, unit=unit_a, **named(unit_a), role=AssignmentRole.LEAD, acting_user=erin)
    with at(D(2018, 1, 2), 9):
        [assignment] = services.issue_target(target, acting_user=erin)
        acc.issue_task_notices([assignment.pk], acting_user=erin)
    client.force_login(erin)
    sheet = _sheet(client.get(reverse("notices:register_xlsx")))
    [cell] = [row[5] for row in sheet.iter_rows(min_row=3) if str(row[5].value).startswith("=")]
    assert cell.data_type == "s" and cell.quotePrefix


def test_the_register_download_takes_the_same_queries_for_few_or_many(client, erin, leader, django_assert_num_queries):
    def notices(count, prefix):
        for n in range(count):
            unit = UnitFactory(name=f"{prefix}{n}县", kind=UnitKind.COUNTY)
            assignment = issue_single(unit, erin, leader, deadline=D(2018, 12, 31))
            with at(D(2018, 1, 2), 11):
                acc.issue_task_notices([assignment.pk], acting_user=erin)

    client.force_login(erin)
    notices(2, "少")
    url = reverse("notices:register_xlsx")
    client.get(url)
    with _counting() as few:
        assert len(_rows(client.get(url))) == 4
    notices(12, "多")
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(_rows(client.get(url))) == 16


def _counting():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    return CaptureQueriesContext(connection)


# --- Rankings ----------------------------------------------------------------------------------


@pytest.fixture
def ranked(erin, alice, bob, unit_a, unit_b):
    """Unit A (a county) filed June three days late, then nothing; unit B (a department) never filed.
    Scored to 10-05: the September reports went missing on 10-04, in the fourth quarter."""
    target = issued(erin, unit_a, [unit_b])
    file_scored_report(link(target, unit_a), alice, D(2018, 7, 1), period="2018-06")
    score(D(2018, 10, 5), erin)
    return target


def test_the_ranking_download_has_both_groups_as_the_page_shows_them(client, dave, ranked):
    client.force_login(dave)
    with at(D(2018, 10, 6)):
        rows = _rows(client.get(reverse("scores:ranking-xlsx"), {"as_of": "2018-10-05", "period": "year"}))
    assert "2018-01-01" in rows[0][0] and "2018-10-05" in rows[0][0]
    assert rows[1][:4] == ("分组", "名次", "责任单位", "得分")
    lines = {row[2]: row for row in rows[2:]}
    assert set(lines) == {"甲县", "乙局"}
    county, department = lines["甲县"], lines["乙局"]
    assert (county[0], county[1], county[6]) == (str(RankingGroup.COUNTIES.label), 1, "优秀")
    assert county[3:6] == pytest.approx((98.4, 0, -1.6))  # June late −0.1; July, August, September missing
    assert (department[0], department[1]) == (str(RankingGroup.DEPARTMENTS.label), 1)
    assert department[3] == pytest.approx(98)  # four missing reports


def test_the_ranking_download_takes_one_group_and_the_quarter(client, alice, ranked):
    client.force_login(alice)
    with at(D(2018, 10, 6)):
        url = reverse("scores:ranking-xlsx")
        counties = _rows(client.get(url, {"as_of": "2018-10-05", "period": "quarter", "group": "counties"}))
        nonsense = _rows(client.get(url, {"as_of": "2018-10-05", "group": "<script>"}))
    assert [row[2] for row in counties[2:]] == ["甲县"]
    assert "2018-10-01" in counties[0][0]
    assert counties[2][3] == pytest.approx(99.5)  # only September's missing report falls in the quarter
    assert {row[2] for row in nonsense[2:]} == {"甲县", "乙局"}  # an unknown group: both


def test_the_ranking_page_links_to_its_downloads(client, erin, ranked):
    client.force_login(erin)
    with at(D(2018, 10, 6)):
        page = client.get(reverse("scores:ranking"), {"as_of": "2018-10-05", "period": "quarter"}).content.decode()
    assert reverse("scores:ranking-xlsx") + "?as_of=2018-10-05&amp;period=quarter" in page
    assert "group=counties" in page


# Like the pages they come from: the register is every signed-in person's (scoped to what they may
# see: nothing, without a role); the ranking is for anyone who holds a role.
DOWNLOADS = {
    "notices:register_xlsx": {None: 302, "alice": 200, "carol": 200, "dave": 200, "erin": 200, "norole": 200},
    "scores:ranking-xlsx": {None: 302, "alice": 200, "carol": 200, "dave": 200, "erin": 200, "norole": 403},
}


@pytest.mark.parametrize("who", [None, "alice", "carol", "dave", "erin", "norole"])
@pytest.mark.parametrize("name", DOWNLOADS)
def test_who_may_download(client, request, name, who, unit_a, alice, carol, dave, erin):
    from tests.factories import UserFactory

    expected = DOWNLOADS[name][who]
    if who == "norole":
        client.force_login(UserFactory(username="norole"))
    elif who:
        client.force_login(request.getfixturevalue(who))
    response = client.get(reverse(name))
    assert response.status_code == expected
