"""The five lists in the browser: inbox, register, the notice as a document, the office's forms;
who may open what; Chinese messages for bad input; query counts that do not grow with the rows."""

from __future__ import annotations

import io
import zipfile
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accountability import services
from accountability.choices import MessageKind, NoticeKind, NoticeStatus
from accountability.models import InboxMessage, Notice
from core.access import access_for
from tasks import services as ledger
from tasks.choices import AssignmentRole, AssignmentStatus, UnitKind
from tasks.models import Assignment
from tests.factories import TargetFactory, UnitFactory, named
from tests.notice_helpers import D, at, co_assignment, file_report, scan
from tests.scenarios import approving_leader

__all__ = ["co_assignment"]


@pytest.fixture
def notices(erin, issued_target):
    """The two task notices of the issued target (unit A's first)."""
    with at(D(2018, 1, 2), 11):
        issued = services.issue_task_notices(
            issued_target.assignments.order_by("role").reverse().values_list("pk", flat=True), acting_user=erin
        )
    return {notice.unit.name: notice for notice in issued}


@pytest.fixture
def supervision(erin, alice, lead_assignment):
    report = file_report(lead_assignment, alice, D(2018, 3, 25), 20, problems="资金不到位")
    with at(D(2018, 3, 26)):
        return services.issue_supervision(
            lead_assignment, report=report, acting_user=erin, problem="资金不到位", required_action="落实资金",
            due_date=D(2018, 4, 30),
        )  # fmt: skip


def _page(client, user, url, **params):
    client.force_login(user)
    response = client.get(url, params)
    return response, response.content.decode()


# --- Who may open what -------------------------------------------------------------------------

NOTICE_PAGES = ["notices:detail", "notices:download"]
OFFICE_PAGES = ["notices:problems", "notices:close_outs"]


@pytest.mark.parametrize("name", NOTICE_PAGES)
@pytest.mark.parametrize(
    ("who", "expected"), [("alice", 200), ("carol", 200), ("bob", 404), ("dave", 200), ("erin", 200), (None, 302)]
)
def test_a_notice_of_unit_a_opens_for_its_unit_leaders_and_the_office_only(
    client, request, notices, name, who, expected, alice, bob, carol, dave, erin
):
    if who:
        client.force_login(request.getfixturevalue(who))
    response = client.get(reverse(name, args=[notices["甲县"].pk]))
    assert response.status_code == expected


@pytest.mark.parametrize("name", OFFICE_PAGES)
@pytest.mark.parametrize(("who", "expected"), [("alice", 403), ("carol", 403), ("dave", 403), ("erin", 200)])
def test_office_pages_are_for_the_office(client, request, issued_target, name, who, expected, alice, carol, dave, erin):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse(name)).status_code == expected


def test_the_register_lists_only_the_units_own_notices(client, alice, bob, notices):
    _response, content = _page(client, alice, reverse("notices:register"))
    assert notices["甲县"].number in content and notices["乙局"].number not in content


def test_staff_cannot_sign_another_units_notice_by_a_crafted_post(client, bob, notices):
    client.force_login(bob)
    response = client.post(reverse("notices:sign", args=[notices["甲县"].pk]))
    assert response.status_code == 404
    assert Notice.objects.get(pk=notices["甲县"].pk).status == NoticeStatus.ISSUED


def test_a_leader_reads_but_cannot_sign_or_verify(client, dave, notices, supervision):
    client.force_login(dave)
    assert client.post(reverse("notices:sign", args=[notices["甲县"].pk])).status_code == 404
    assert client.post(reverse("notices:verify", args=[supervision.pk]), {"decision": "accept"}).status_code == 404


def test_candidates_stay_hidden_from_the_unit_until_approved(client, alice, erin, lead_assignment):
    with at(D(2018, 6, 1)):
        candidate = services.propose_exposure(lead_assignment, acting_user=erin, reason="落实不力")
    client.force_login(alice)
    assert client.get(reverse("notices:detail", args=[candidate.pk])).status_code == 404
    client.force_login(erin)  # who put it forward never approves it
    response = client.post(reverse("notices:approve", args=[candidate.pk]), follow=True)
    assert "不能审批自己提出的事项" in response.content.decode()
    client.force_login(approving_leader())
    response = client.post(reverse("notices:approve", args=[candidate.pk]), follow=True)
    assert "已批准、下发并公开" in response.content.decode()
    client.force_login(alice)
    assert client.get(reverse("notices:detail", args=[candidate.pk])).status_code == 200


# --- The unit: inbox, sign for, answer ---------------------------------------------------------


def test_the_header_shows_the_unread_count_and_opening_the_notice_reads_it(client, alice, notices):
    _response, content = _page(client, alice, reverse("home"))
    assert 'class="badge"' in content and ">1</span>" in content
    client.get(reverse("notices:detail", args=[notices["甲县"].pk]))
    _response, content = _page(client, alice, reverse("home"))
    assert 'class="badge"' not in content
    assert InboxMessage.objects.get(recipient=alice).read_at is not None


def test_staff_sign_for_a_notice_from_the_inbox(client, alice, notices):
    _response, content = _page(client, alice, reverse("notices:inbox"))
    assert "任务告知单" in content and "签收" in content
    response = client.post(
        reverse("notices:sign", args=[notices["甲县"].pk]), {"next": reverse("notices:inbox")}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("notices:inbox")
    assert "已签收" in response.content.decode()
    assert Notice.objects.get(pk=notices["甲县"].pk).status == NoticeStatus.CLOSED


def test_the_sign_form_never_sends_a_person_to_another_site(client, alice, notices):
    client.force_login(alice)
    response = client.post(reverse("notices:sign", args=[notices["甲县"].pk]), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("notices:detail", args=[notices["甲县"].pk])


def test_an_empty_answer_is_refused_in_chinese_and_nothing_changes(client, alice, supervision):
    client.force_login(alice)
    response = client.post(reverse("notices:answer", args=[supervision.pk]), {"response": "  "}, follow=True)
    assert "请先填写反馈内容" in response.content.decode()
    supervision.refresh_from_db()
    assert supervision.status == NoticeStatus.ISSUED and supervision.response == ""


def test_the_unit_answers_and_the_office_verifies_in_the_browser(client, alice, erin, supervision):
    client.force_login(alice)
    client.post(reverse("notices:answer", args=[supervision.pk]), {"response": "资金已落实到位。"})
    client.force_login(erin)
    response = client.post(
        reverse("notices:verify", args=[supervision.pk]), {"decision": "refuse", "note": ""}, follow=True
    )
    assert "请填写退回理由" in response.content.decode()
    response = client.post(
        reverse("notices:verify", args=[supervision.pk]), {"decision": "accept", "note": "核实无误"}, follow=True
    )
    assert "反馈已通过核验" in response.content.decode()
    supervision.refresh_from_db()
    assert supervision.status == NoticeStatus.CLOSED
    assert Assignment.objects.get(pk=supervision.assignment_id).status == AssignmentStatus.IN_PROGRESS


def test_a_digest_opens_as_a_list_of_reminders(client, alice, lead_assignment):

    scan(D(2018, 1, 29))  # January's report is overdue
    digest = InboxMessage.objects.get(recipient=alice, kind=MessageKind.DIGEST)
    _response, content = _page(client, alice, reverse("notices:message", args=[digest.pk]))
    assert "进度报告已逾期未报" in content


# --- The office: forms -------------------------------------------------------------------------


def test_the_office_issues_supervision_from_a_reported_problem(client, erin, alice, lead_assignment):
    report = file_report(lead_assignment, alice, D(2018, 3, 25), 20, problems="征地拆迁滞后")
    _response, content = _page(client, erin, reverse("notices:problems"))
    assert "征地拆迁滞后" in content
    url = reverse("notices:new_supervision")
    _response, content = _page(client, erin, url, report=report.pk)
    assert "征地拆迁滞后" in content  # the form starts from the unit's own words
    with at(D(2018, 3, 27)):
        response = client.post(
            url, {"report": report.pk, "problem": "征地拆迁滞后", "required_action": "", "due_date": "2018-03-01"}
        )
        content = response.content.decode()
        assert "整改时限须晚于今天" in content and "这个字段是必填项" in content
        assert not Notice.objects.exists()
        form = {
            "report": report.pk,
            "problem": "征地拆迁滞后",
            "required_action": "4月底前完成",
            "due_date": "2018-04-30",
        }
        response = client.post(url, form)
    notice = Notice.objects.get(kind=NoticeKind.SUPERVISION)
    assert response["Location"] == reverse("notices:detail", args=[notice.pk])
    _response, content = _page(client, erin, reverse("notices:problems"))
    assert "征地拆迁滞后" not in content  # supervised now


def test_the_office_verifies_a_claimed_completion_and_closes_it_out(client, erin, alice, lead_assignment):
    Assignment.objects.filter(pk=lead_assignment.pk).update(status=AssignmentStatus.CLAIMED, progress_percent=100)
    _response, content = _page(client, erin, reverse("notices:close_outs"))
    assert lead_assignment.target.title in content
    with at(D(2018, 7, 1)):
        url = reverse("notices:close_out", args=[lead_assignment.pk])
        response = client.post(url, {"note": "现场核验"}, follow=True)
    assert "驻督销〔2018〕1号" in response.content.decode()
    response = client.post(reverse("notices:close_out", args=[lead_assignment.pk]), follow=True)
    assert "只有已申请销号的任务才能核验" in response.content.decode()


def test_the_office_puts_an_exposure_forward_by_hand(client, erin, lead_assignment):
    url = reverse("notices:new_exposure")
    client.force_login(erin)
    response = client.post(url, {"assignment": lead_assignment.pk, "reason": ""})
    assert "这个字段是必填项" in response.content.decode()
    response = client.post(url, {"assignment": lead_assignment.pk, "reason": "多次督办仍未落实"}, follow=True)
    assert "已提出拟曝光" in response.content.decode()
    candidate = Notice.objects.get(kind=NoticeKind.EXPOSURE)
    response = client.post(reverse("notices:dismiss", args=[candidate.pk]), {"reason": ""}, follow=True)
    assert "请填写不予曝光的理由" in response.content.decode()
    assert Notice.objects.get(pk=candidate.pk).status == NoticeStatus.PROPOSED


def test_the_office_starts_the_scan_from_its_console(client, erin, issued_target, monkeypatch):
    queued = []
    monkeypatch.setattr("accountability.tasks.enqueue", lambda task, *args: queued.append((task.name, args)) or True)
    client.force_login(erin)
    response = client.post(reverse("notices:run_scan"), follow=True)
    assert queued == [("accountability.run_supervision_scan", (None, erin.pk))]
    assert "督办扫描已开始" in response.content.decode()


def test_staff_cannot_start_the_scan(client, alice):
    client.force_login(alice)
    assert client.post(reverse("notices:run_scan")).status_code == 403


# --- The document ------------------------------------------------------------------------------


def test_a_notice_prints_as_an_official_document(client, erin, notices):
    notice = notices["甲县"]
    _response, content = _page(client, erin, reverse("notices:detail", args=[notice.pk]))
    for part in ("驻马店市人民政府督查室", notice.number, "任务告知单", "甲县：", "2018年1月2日", "data-print"):
        assert part in content
    assert "<script>" not in content and "onclick" not in content  # the CSP forbids inline scripts


def test_a_notice_downloads_as_a_word_document(client, erin, notices):
    notice = notices["甲县"]
    client.force_login(erin)
    response = client.get(reverse("notices:download", args=[notice.pk]))
    assert response["Content-Type"].endswith("wordprocessingml.document")
    assert "attachment" in response["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as package:
        assert {"[Content_Types].xml", "_rels/.rels", "word/document.xml"} <= set(package.namelist())
        document = package.read("word/document.xml").decode()
    ElementTree.fromstring(document)  # well-formed
    for part in (notice.number, "任务告知单", "甲县：", "驻马店市人民政府督查室", "签收人"):
        assert part in document


# --- Filters and query counts ------------------------------------------------------------------


def _many_notices(erin, count: int) -> None:
    """``count`` units on one target, each with its task notice in erin's inbox."""
    target = TargetFactory(start_date=D(2018, 1, 1), deadline=D(2018, 12, 31))
    for index in range(count):
        unit = UnitFactory(name=f"批量县{count}-{index}", kind=UnitKind.COUNTY)
        role = AssignmentRole.LEAD if index == 0 else AssignmentRole.CO
        ledger.add_assignment(target, unit=unit, **named(unit), role=role, acting_user=erin)
    with at(D(2018, 1, 2), 9):
        ledger.issue_target(target, acting_user=erin)
        issued = services.issue_task_notices(target.assignments.values_list("pk", flat=True), acting_user=erin)
    InboxMessage.objects.bulk_create(
        InboxMessage(recipient=erin, kind=MessageKind.NOTICE, notice=notice, day=D(2018, 1, 2), subject=notice.number,
                     created_at=notice.created_at)
        for notice in issued
    )  # fmt: skip


@pytest.mark.parametrize("url_name", ["notices:register", "notices:inbox"])
def test_list_pages_take_the_same_queries_for_5_or_40_notices(client, erin, url_name):
    client.force_login(erin)
    _many_notices(erin, 5)
    client.get(reverse(url_name))  # warm up: the session and the rules row
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse(url_name)).status_code == 200
    _many_notices(erin, 40)
    with CaptureQueriesContext(connection) as large:
        response = client.get(reverse(url_name))
    print(f"QUERIES {url_name}: {len(small)} with 5 notices, {len(large)} with 45")
    assert Notice.objects.count() == 45 and Notice.objects.latest("pk").number in response.content.decode()
    assert len(large) == len(small), [query["sql"] for query in large.captured_queries]
    assert len(small) <= 14


def test_the_register_filters_by_kind_level_unit_and_state(client, erin, alice, lead_assignment, co_assignment):

    file_report(lead_assignment, alice, D(2018, 2, 25), 2, accept_by=erin)
    scan(D(2018, 3, 1))
    client.force_login(erin)
    yellow = Notice.objects.get(kind=NoticeKind.WARNING, unit=lead_assignment.unit)
    filters = {"kind": "warning", "level": 1, "unit": lead_assignment.unit_id}
    content = client.get(reverse("notices:register"), filters).content.decode()
    assert yellow.number in content and "驻督告" not in content
    content = client.get(reverse("notices:register"), {"state": "unsigned", "kind": "task"}).content.decode()
    assert content.count("驻督告〔2018〕") == 2
    content = client.get(reverse("notices:register"), {"level": "not-a-level"}).content.decode()
    assert "部分筛选条件无法识别" in content


def test_the_dashboard_panel_counts_warnings_by_colour_in_one_query(
    rf: RequestFactory, erin, alice, lead_assignment, django_assert_num_queries
):

    file_report(lead_assignment, alice, D(2018, 2, 25), 2, accept_by=erin)
    scan(D(2018, 3, 1))
    request = rf.get("/")
    request.user = erin
    access_for(erin)  # the roles are read once per request, before the panel
    template = Template("{% load notices %}{% notice_panel 2018 %}")
    with django_assert_num_queries(1):
        html = template.render(Context({"request": request}))
    assert "Five lists, 2018" in html and "?kind=warning&amp;level=1&amp;state=open" in html
    assert ">2</strong>" in html  # two yellows: unit A behind, unit B without its report


def test_the_office_does_not_sign_or_answer_on_a_units_behalf(client, erin, notices, supervision):
    client.force_login(erin)
    _response, content = _page(client, erin, reverse("notices:detail", args=[supervision.pk]))
    assert f'action="/notices/{supervision.pk}/answer/"' not in content
    assert client.post(reverse("notices:sign", args=[notices["甲县"].pk])).status_code == 404
    assert client.post(reverse("notices:answer", args=[supervision.pk]), {"response": "代答"}).status_code == 404


def test_the_document_reads_in_chinese_whatever_the_pages_language(client, erin, notices):
    erin.language = "en"
    erin.save(update_fields=["language"])
    client.force_login(erin)
    content = client.get(reverse("notices:detail", args=[notices["甲县"].pk])).content.decode()
    assert "All notices" in content  # the page speaks English (erin's profile says so)
    assert "目标任务" in content and "办理时限" in content  # the document does not


def test_the_leader_dashboard_and_the_home_pages_carry_the_five_lists(client, dave, erin, alice, lead_assignment):
    file_report(lead_assignment, alice, D(2018, 2, 25), 2, accept_by=erin)
    scan(D(2018, 3, 1))
    with at(D(2018, 3, 2)):
        _response, content = _page(client, dave, reverse("dashboard"), year=2018)
    assert "2018年五单管理" in content and "/notices/?kind=warning&amp;level=1&amp;state=open" in content
    _response, content = _page(client, erin, reverse("home"))
    assert "/notices/close-outs/" in content and "/notices/problems/" in content
    _response, content = _page(client, alice, reverse("home"))
    assert "/notices/?state=unsigned" in content
