"""The scoring, appeal, disclosure and meeting-pack pages: who may open what, and what each does."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accountability import services as acc
from accountability.choices import AppealStatus, RuleCode, RunKind
from accountability.models import Appeal, Disclosure, ScoreEntry, ScoreRule, ScoringRun
from tasks.choices import UnitKind
from tests.factories import UnitFactory, UserFactory
from tests.scenarios import D, approving_leader, at, file_report, issued, link, score


@pytest.fixture
def ledger(erin, alice, bob, carol, dave, unit_a, unit_b):
    """Unit A filed June late; unit B never filed: scored to 31 July, with A's appeal and a draft disclosure."""
    target = issued(erin, unit_a, [unit_b])
    file_report(link(target, unit_a), alice, D(2018, 7, 1), period="2018-06")
    score(D(2018, 7, 31), erin)
    with at(D(2018, 8, 2)):
        entry = ScoreEntry.objects.get(rule__code=RuleCode.REPORT_LATE)
        acc.file_appeal(
            entry, reason="系统故障", acting_user=alice,
            evidence=SimpleUploadedFile("截图.png", b"\x89PNG\r\n\x1a\n data", content_type="image/png"),
        )  # fmt: skip
        acc.prepare_disclosure(month=D(2018, 7, 1), acting_user=erin)
    return target


def _urls(unit_a, unit_b):
    a_entry = ScoreEntry.objects.filter(unit=unit_a).first()
    b_entry = ScoreEntry.objects.filter(unit=unit_b).first()
    appeal = Appeal.objects.get()
    disclosure = Disclosure.objects.get()
    return {
        "ranking": reverse("scores:ranking"),
        "ranking_xlsx": reverse("scores:ranking-xlsx"),
        "ledger_a": reverse("scores:ledger", args=[unit_a.pk]),
        "ledger_b": reverse("scores:ledger", args=[unit_b.pk]),
        "appeal_new_a": reverse("scores:appeal-new", args=[a_entry.pk]),
        "appeal_new_b": reverse("scores:appeal-new", args=[b_entry.pk]),
        "appeals": reverse("scores:appeals"),
        "appeal_a": reverse("scores:appeal", args=[appeal.pk]),
        "evidence_a": reverse("scores:appeal-evidence", args=[appeal.pk]),
        "rules": reverse("scores:rules"),
        "runs": reverse("scores:runs"),
        "disclosures": reverse("disclosures:list"),
        "disclosure": reverse("disclosures:detail", args=[disclosure.pk]),
        "meeting_pack": reverse("meeting-pack"),
    }


# Expected status per page × person: alice (staff A), bob (staff B), carol (head A), dave (leader), erin (office).
MATRIX = {
    "ranking": {"alice": 200, "bob": 200, "carol": 200, "dave": 200, "erin": 200},
    "ranking_xlsx": {"alice": 200, "bob": 200, "carol": 200, "dave": 200, "erin": 200},
    "ledger_a": {"alice": 200, "bob": 404, "carol": 200, "dave": 200, "erin": 200},
    "ledger_b": {"alice": 404, "bob": 200, "carol": 404, "dave": 200, "erin": 200},
    "appeal_new_a": {"alice": 200, "bob": 404, "carol": 404, "dave": 404, "erin": 404},
    "appeal_new_b": {"alice": 404, "bob": 200, "carol": 404, "dave": 404, "erin": 404},
    "appeals": {"alice": 200, "bob": 200, "carol": 200, "dave": 200, "erin": 200},
    "appeal_a": {"alice": 200, "bob": 404, "carol": 200, "dave": 200, "erin": 200},
    "evidence_a": {"alice": 200, "bob": 404, "carol": 200, "dave": 200, "erin": 200},
    "rules": {"alice": 200, "bob": 200, "carol": 200, "dave": 200, "erin": 200},
    "runs": {"alice": 403, "bob": 403, "carol": 403, "dave": 403, "erin": 200},
    "disclosures": {"alice": 404, "bob": 404, "carol": 404, "dave": 200, "erin": 200},
    "disclosure": {"alice": 404, "bob": 404, "carol": 404, "dave": 200, "erin": 200},
    "meeting_pack": {"alice": 403, "bob": 403, "carol": 403, "dave": 200, "erin": 200},
}
PEOPLE = ["alice", "bob", "carol", "dave", "erin"]


@pytest.mark.parametrize("page", MATRIX)
def test_who_may_open_each_page(page, ledger, client, unit_a, unit_b, request):
    url = _urls(unit_a, unit_b)[page]
    response = client.get(url)
    assert response.status_code == 302 and reverse("login") in response["Location"]  # anonymous
    for name in PEOPLE:
        client.force_login(request.getfixturevalue(name))
        assert (name, client.get(url).status_code) == (name, MATRIX[page][name])
    client.force_login(UserFactory(username="norole"))
    assert client.get(url).status_code in (403, 404)


def test_staff_appeal_an_entry_and_the_office_reverses_it_in_the_browser(ledger, client, bob, erin, unit_b):
    entry = ScoreEntry.objects.filter(unit=unit_b).first()
    client.force_login(bob)
    with at(D(2018, 8, 3)):
        response = client.post(reverse("scores:appeal-new", args=[entry.pk]), {"reason": "已于6月28日线下报送"})
    appeal = Appeal.objects.get(entry=entry)
    assert response.status_code == 302 and response["Location"] == reverse("scores:appeal", args=[appeal.pk])
    client.force_login(erin)
    with at(D(2018, 8, 5)):
        client.post(reverse("scores:appeal", args=[appeal.pk]), {"decision": "reverse", "note": "核实属实"})
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.REVERSED
    page = client.get(reverse("scores:ledger", args=[unit_b.pk]) + "?as_of=2018-08-05").content.decode()
    assert "撤销记分" in page and "已撤销" in page
    assert f"{entry.occurred_on:%Y-%m-%d}的记录" in page  # the reversal names the entry it takes back


def test_each_ledger_line_names_what_caused_it_and_its_appeal(ledger, client, alice, unit_a):
    client.force_login(alice)
    appeal = Appeal.objects.get()
    with at(D(2018, 8, 3)):
        page = client.get(reverse("scores:ledger", args=[unit_a.pk])).content.decode()
    assert "2018-06进度报告" in page
    assert reverse("scores:appeal", args=[appeal.pk]) in page and appeal.get_status_display() in page


def test_an_empty_appeal_is_refused_in_chinese_and_nothing_is_stored(ledger, client, bob, unit_b):
    entry = ScoreEntry.objects.filter(unit=unit_b).first()
    client.force_login(bob)
    response = client.post(reverse("scores:appeal-new", args=[entry.pk]), {"reason": ""})
    assert response.status_code == 200 and "这个字段是必填项" in response.content.decode()
    assert not Appeal.objects.filter(entry=entry).exists()


def test_only_the_office_decides_an_appeal(ledger, client, carol, dave):
    appeal = Appeal.objects.get()
    for person in (carol, dave):
        client.force_login(person)
        response = client.post(reverse("scores:appeal", args=[appeal.pk]), {"decision": "reverse", "note": "x"})
        assert response.status_code == 404
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.PENDING


def test_the_office_runs_a_months_scoring_from_the_browser(
    erin, alice, unit_a, client, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from zmd_targets.celery import app

    app.conf.task_always_eager = True
    try:
        target = issued(erin, unit_a)
        file_report(link(target, unit_a), alice, D(2018, 7, 1), period="2018-06")
        client.force_login(erin)
        with at(D(2018, 7, 31)), django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("scores:run-month"), {"month": "2018-07"})
        assert response.status_code == 302
        run = ScoringRun.objects.get(kind=RunKind.MANUAL)
        assert run.state == "done" and run.added == {"report_late": 1}
        page = client.get(reverse("scores:runs")).content.decode()
        assert "已完成" in page and "逾期报送进度 1" in page
    finally:
        app.conf.task_always_eager = False


def test_a_bad_month_gets_a_chinese_message_and_queues_nothing(erin, client):
    client.force_login(erin)
    response = client.post(reverse("scores:run-month"), {"month": "2018-13"})
    assert response.status_code == 400 and "请按“年-月”填写月份" in response.content.decode()
    assert not ScoringRun.objects.exists()


def test_the_office_edits_a_rule_and_a_bad_amount_changes_nothing(erin, client):
    client.force_login(erin)
    client.get(reverse("scores:rules"))
    form = client.get(reverse("scores:rules")).context["form"]
    data = {name: form[name].value() for name in form.fields}
    # "is not": a rule of 0 points (负责人审批超时) equals False and must be posted too.
    data = {
        key: ("on" if value is True else value)
        for key, value in data.items()
        if value is not False and value is not None
    }
    data["amount_report_late"] = "-0.2"
    assert client.post(reverse("scores:rules"), data).status_code == 302
    assert ScoreRule.objects.get(code=RuleCode.REPORT_LATE).amount == Decimal("-0.2")
    data["amount_report_late"] = "abc"
    response = client.post(reverse("scores:rules"), data)
    html = response.content.decode()
    assert response.status_code == 200 and 'id="id_amount_report_late_error"' in html and "数字" in html
    assert ScoreRule.objects.get(code=RuleCode.REPORT_LATE).amount == Decimal("-0.2")


def test_the_office_prepares_approves_and_publishes_a_disclosure_that_a_visitor_reads(erin, alice, unit_a, client):
    target = issued(erin, unit_a)
    file_report(link(target, unit_a), alice, D(2018, 7, 1), period="2018-06")
    score(D(2018, 7, 31), erin)
    client.force_login(erin)
    with at(D(2018, 8, 2)):
        response = client.post(reverse("disclosures:list"), {"month": "2018-07", "note": "接受社会监督"})
        disclosure = Disclosure.objects.get()
        assert response["Location"] == reverse("disclosures:detail", args=[disclosure.pk])
        client.force_login(approving_leader())  # the office prepares, a leader approves
        client.post(reverse("disclosures:action", args=[disclosure.pk, "approve"]))
        client.force_login(erin)
        client.post(reverse("disclosures:action", args=[disclosure.pk, "publish"]))
    client.logout()
    page = client.get(reverse("public:detail", args=[disclosure.pk])).content.decode()
    assert "2018年7月目标任务落实情况公示" in page and "甲县" in page and "接受社会监督" in page


def test_a_leader_reads_and_approves_disclosures_but_cannot_publish(ledger, client, dave):
    disclosure = Disclosure.objects.get()
    client.force_login(dave)
    assert client.post(reverse("disclosures:action", args=[disclosure.pk, "publish"])).status_code == 404
    assert client.post(reverse("disclosures:action", args=[disclosure.pk, "approve"])).status_code == 302
    disclosure.refresh_from_db()
    assert disclosure.status == "approved"
    assert client.post(reverse("disclosures:action", args=[disclosure.pk, "publish"])).status_code == 404


def _many(erin, count, prefix):
    units = [UnitFactory(name=f"{prefix}{n}县", kind=UnitKind.COUNTY) for n in range(count)]
    return issued(erin, units[0], units[1:], code=f"T-{prefix}")


def test_the_ranking_page_takes_the_same_queries_for_few_or_many_units(erin, client, django_assert_num_queries):
    client.force_login(erin)
    _many(erin, 2, "小")
    score(D(2018, 8, 31), erin)
    with at(D(2018, 9, 1)):
        client.get(reverse("scores:ranking"))  # warm the session and the units' kept completion
        with CaptureQueriesContext(connection) as computed:
            client.get(reverse("scores:ranking"))  # computed and kept in the cache
        with django_assert_num_queries(5) as small:  # + the inbox badge; the ranking read from the cache
            client.get(reverse("scores:ranking"))
        _many(erin, 25, "大")
    score(D(2018, 8, 31), erin)
    with at(D(2018, 9, 1)), CaptureQueriesContext(connection) as stale:
        client.get(reverse("scores:ranking"))  # 25 units changed: judged again, in a fixed number of queries
    # + the stale units' assignments' kept judgments read, judged afresh and kept (savepoint, old days
    # forgotten, upsert) and their completion kept: a fixed number however many units changed.
    assert len(stale.captured_queries) <= len(computed.captured_queries) + 10
    with at(D(2018, 9, 1)), django_assert_num_queries(len(computed.captured_queries)):
        client.get(reverse("scores:ranking"))  # computed again (new figures: a new key) and kept
    with at(D(2018, 9, 1)), django_assert_num_queries(len(small.captured_queries)):
        response = client.get(reverse("scores:ranking"))
    assert response.content.decode().count('class="spark"') == 27


def test_the_ledger_page_takes_the_same_queries_for_few_or_many_entries(
    erin, alice, unit_a, client, django_assert_num_queries
):
    client.force_login(alice)
    target = issued(erin, unit_a, code="T-A")
    score(D(2018, 7, 31), erin)
    url = reverse("scores:ledger", args=[unit_a.pk]) + "?as_of=2018-12-31"
    client.get(url)
    # + the inbox badge; the entries' count with the quarters, the reversals and appeals with the lines
    with django_assert_num_queries(13) as few:
        client.get(url)
    for month in range(6, 12):
        file_report(link(target, unit_a), alice, D(2018, month + 1, 1), period=f"2018-{month:02d}")
    for n in range(8):
        issued(erin, unit_a, code=f"T-A{n}")
    score(D(2018, 12, 31), erin)
    assert ScoreEntry.objects.filter(unit=unit_a).count() > 40
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)


@pytest.mark.parametrize(
    "model", ["accountability.scoreentry", "accountability.appeal", "accountability.disclosure", "tasks.proposal"]
)
def test_the_admin_shows_scoring_and_proposals_read_only(model, ledger, client, erin):
    erin.is_staff = erin.is_superuser = True
    erin.save()
    client.force_login(erin)
    app_label, model_name = model.split(".")
    assert client.get(reverse(f"admin:{app_label}_{model_name}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:{app_label}_{model_name}_add")).status_code == 403


def test_the_dashboard_panel_renders_both_groups_with_grades(ledger):
    from django.template.loader import render_to_string

    from accountability.selectors.scores import ranking
    from accountability.views.score_panels import _panel_tables

    table = ranking(as_of=D(2018, 7, 31))
    html = render_to_string(
        "accountability/scores/_ranking_panel.html", {"as_of": table.as_of, "tables": _panel_tables(table)}
    )
    assert "甲县" in html and "乙局" in html and "level--green" in html and "2018-07-31" in html


def _ranking_panel(response) -> str:
    return response.content.decode().split('id="score-ranking"')[1].split("</details>")[0]


def test_the_dashboard_serves_the_panel_rendered_for_the_kept_ranking_without_reading_it_back(
    ledger, client, dave, erin, monkeypatch
):
    from accountability.selectors.scores import ranking
    from accountability.views import score_panels

    client.force_login(dave)
    read_back = []
    with at(D(2018, 8, 2)):
        client.get(reverse("dashboard"))  # the first reading keeps the units' facts, so its key is not kept
        first = client.get(reverse("dashboard"))
        monkeypatch.setattr(score_panels, "ranking", lambda **kw: read_back.append(kw) or ranking(**kw))
        again = client.get(reverse("dashboard"))
    assert read_back == [] and _ranking_panel(first) == _ranking_panel(again)
    assert "2018-08-02" in _ranking_panel(again)
    # A reversed entry changes the kept ranking's key: the panel is computed and rendered afresh.
    appeal = ScoreEntry.objects.get(rule__code=RuleCode.REPORT_LATE).appeal
    with at(D(2018, 8, 2)):
        acc.decide_appeal(appeal, reverse=True, note="系统故障属实", acting_user=erin)
        changed = client.get(reverse("dashboard"))
    assert len(read_back) == 1 and _ranking_panel(changed) != _ranking_panel(again)


def test_the_appeals_list_takes_the_same_queries_for_few_or_many(
    erin, alice, unit_a, client, django_assert_num_queries
):
    def appeals(count, prefix):
        for n in range(count):
            target = issued(erin, unit_a, code=f"{prefix}-{n}")
            file_report(link(target, unit_a), alice, D(2018, 7, 1), period="2018-06")
        score(D(2018, 7, 31), erin)
        with at(D(2018, 8, 2)):
            for entry in ScoreEntry.objects.filter(appeal__isnull=True, rule__code=RuleCode.REPORT_LATE):
                acc.file_appeal(entry, reason="理由", acting_user=alice)

    client.force_login(erin)
    appeals(2, "少")
    client.get(reverse("scores:appeals"))
    with django_assert_num_queries(6) as few:  # + the inbox badge
        client.get(reverse("scores:appeals"))
    appeals(12, "多")
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(reverse("scores:appeals")).content.decode().count("/scores/appeals/") >= 14


def test_the_leader_dashboard_shows_rankings_and_grades(ledger, client, dave):
    client.force_login(dave)
    with at(D(2018, 8, 3)):
        page = client.get(reverse("dashboard")).content.decode()
    assert "积分与等次" in page and "level--green" in page
    assert page.count('href="/scores/?as_of=2018-08-03"') == 1


def test_the_office_home_shows_what_scoring_waits_for(ledger, client, erin, alice):
    client.force_login(erin)
    page = client.get(reverse("home")).content.decode()
    assert "件申诉待审核" in page
    assert reverse("scores:runs") in page
    client.force_login(alice)
    assert reverse("scores:runs") not in client.get(reverse("home")).content.decode()
