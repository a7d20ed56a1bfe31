"""The list kit (core.lists): one pager on every list page, whose links keep every filter.

Each list page is opened on page 2 with a filter (or, where the list has none, any parameter), as a
person who may see it, with one row a page (``ZMD_PAGE_SIZE``); the pager's links must carry the
filter and a page number, and nothing else changes.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal
from urllib.parse import parse_qs

import pytest
from django.http import QueryDict
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accountability import services as accountability
from accountability.models import (
    Appeal,
    Disclosure,
    InboxMessage,
    Notice,
    PublicFeedback,
    ScoreEntry,
    ScoreRule,
    ScoringRun,
)
from accounts.models import LoginEvent
from core.lists import FilterForm, OpenEndedPage, page_query, query_without_page
from tasks import services
from tasks.choices import TargetType
from tasks.models import Proposal, User
from tests.factories import TargetFactory
from tests.workspace_data import D, at, filed_report, issued_target_of, jpeg

TODAY = D(2018, 6, 27)


def test_a_page_link_keeps_repeated_parameters_and_replaces_the_page():
    params = QueryDict("unit=1&unit=2&page=3&q=a%26b")
    assert parse_qs(page_query(params, 4)[1:]) == {"unit": ["1", "2"], "q": ["a&b"], "page": ["4"]}
    assert parse_qs(query_without_page(params)) == {"unit": ["1", "2"], "q": ["a&b"]}
    assert params.getlist("page") == ["3"]  # the request's own parameters are left alone


def test_the_page_url_tag_escapes_what_the_visitor_typed():
    request = RequestFactory().get("/x/", {"q": '"><script>alert(1)</script>', "kind": "npc", "page": "2"})
    rendered = Template('{% load lists %}<a href="{% page_url 3 %}">').render(Context({"request": request}))
    assert "<script>" not in rendered and "&quot;" not in rendered.replace("%22", "")
    href = html.unescape(re.search(r'href="([^"]*)"', rendered).group(1))
    assert parse_qs(href[1:]) == {"q": ['"><script>alert(1)</script>'], "kind": ["npc"], "page": ["3"]}


def test_an_open_ended_page_knows_its_neighbours():
    page = OpenEndedPage(["a"], 2, more=True)
    assert page.has_previous() and page.has_next() and page.has_other_pages()
    assert (page.previous_page_number(), page.next_page_number(), list(page), page.paginator) == (1, 3, ["a"], None)
    assert not OpenEndedPage([], 1, more=False).has_other_pages()


def test_a_filter_form_filters_by_its_lookups_and_methods_and_ignores_blanks(db, erin):
    class PeopleFilter(FilterForm):
        from django import forms

        name = forms.CharField(required=False)
        active = forms.NullBooleanField(required=False)
        lookups = {"name": "username__icontains"}

        def filter_active(self, rows, value):
            return rows.filter(is_active=value)

    people = User.objects.all()
    assert list(PeopleFilter({"name": "eri"}).apply(people)) == [erin]
    assert list(PeopleFilter({"name": "zz"}).apply(people)) == []
    assert list(PeopleFilter({"name": ""}).apply(people)) == list(people)
    assert list(PeopleFilter({"active": "false"}).apply(people)) == []


def _pager_links(content: str) -> list[str]:
    pager = re.search(r'<nav class="pager no-print"[^>]*>(.*?)</nav>', content, re.S)
    assert pager, "no pager on the page"
    return [html.unescape(href) for href in re.findall(r'href="([^"]*)"', pager.group(1))]


def _walk(client, url: str, params: dict) -> None:
    response = client.get(url, {**params, "page": "2"})
    assert response.status_code == 200, url
    page = response.context["page"]
    assert page.number == 2, f"{url}: only {page.paginator.count if page.paginator else '?'} row(s)"
    links = _pager_links(response.content.decode())
    assert links, url
    for link in links:
        assert link.startswith("?"), link
        query = parse_qs(link[1:])
        assert query.pop("page") in (["1"], ["3"]), link
        assert query == {key: [str(value)] for key, value in params.items()}, f"{url}: {link}"


@pytest.fixture
def world(settings, unit_a, unit_b, alice, carol, erin, leader):
    """Two rows (at least) on every list of the site, for the people who see them."""
    settings.ZMD_PAGE_SIZE = 1
    targets = [issued_target_of(unit_a, office=erin, leader=leader, co_units=[unit_b]) for _ in range(6)]
    assignments = [target.assignments.get(unit=unit_a) for target in targets]
    for assignment in assignments[:2]:
        filed_report(assignment, alice, evidence=False)
    unit_a.requires_head_approval = True
    unit_a.save()
    for assignment in assignments[2:4]:
        filed_report(assignment, alice, evidence=False)
    unit_a.requires_head_approval = False
    unit_a.save()
    with at(D(2018, 6, 26)):
        for assignment in assignments[4:]:
            services.claim_completion(
                assignment, acting_user=alice, final_percent=100, statement="已全部完成", evidence=[jpeg()]
            )
    for number in (1, 2):
        proposal_target = TargetFactory(leader=leader, target_type=TargetType.PROPOSAL)
        Proposal.objects.create(
            target=proposal_target,
            kind="npc",
            number=f"{number}",
            session="2018",
            proposers="代表",
            handling_mode="separate",
            assigned_on=D(2018, 3, 1),
            reply_deadline=D(2018, 6, 1),
        )
    now = timezone.now()
    for number in (1, 2):
        InboxMessage.objects.create(
            recipient=alice,
            kind="digest",
            day=TODAY - dt.timedelta(days=number),
            subject=f"提醒{number}",
            created_at=now,
        )
        LoginEvent.objects.create(kind="failure", username="alice", user_agent="test", at=now)
        ScoringRun.objects.create(kind="manual", up_to=TODAY, requested_by=erin, requested_at=now)
    for assignment in assignments[:2]:
        Notice.objects.create(
            kind="task",
            cause="issued",
            year=2018,
            title="任务告知",
            assignment=assignment,
            target=assignment.target,
            unit=unit_a,
            body="请按期完成",
            issued_by=erin,
            created_at=now,
        )
    accountability.ensure_default_rules()
    rule = ScoreRule.objects.first()
    disclosures = [
        Disclosure.objects.create(
            title=f"公示{n}",
            period_label="6月",
            as_of=TODAY,
            prepared_by=erin,
            prepared_at=now,
            status="published",
            published_at=now,
        )
        for n in (1, 2)
    ]
    for n, disclosure in enumerate(disclosures):
        PublicFeedback.objects.create(disclosure=disclosure, text=f"意见{n}", received_at=now, changed_at=now)
        entry = ScoreEntry.objects.create(
            unit=unit_a,
            rule=rule,
            assignment=assignments[n],
            amount=Decimal(1),
            occurred_on=D(2018, 6, 1),
            reason="测试",
            cause_key=f"test:{n}",
            created_at=now,
        )
        Appeal.objects.create(entry=entry, reason="不服", filed_by=alice, filed_at=now)
    return {"unit_a": unit_a, "unit_b": unit_b}


def _lists(world):
    unit = world["unit_a"].pk
    return [
        # who, URL, a filter of the list
        ("erin", reverse("target_ledger"), {"unit": unit}),
        ("alice", reverse("unit_workspace"), {"status": "open"}),
        ("erin", reverse("assignment_list"), {"unit": unit}),
        ("alice", reverse("report_list"), {"status": "submitted"}),
        ("carol", reverse("approvals"), {"kept": "yes"}),
        ("erin", reverse("review_queue"), {"unit": unit}),
        ("erin", reverse("follow_up_list"), {"state": "open"}),
        ("erin", reverse("battle_map"), {"year": 2018, "by": "unit"}),
        ("erin", reverse("proposals:list"), {"kind": "npc"}),
        ("erin", reverse("notices:register"), {"kind": "task"}),
        ("alice", reverse("notices:inbox"), {"show": "unread"}),
        ("erin", reverse("notices:close_outs"), {"kept": "yes"}),
        ("erin", reverse("notices:problems"), {"state": "open"}),
        ("erin", reverse("public_feedback:queue"), {"status": "new"}),
        ("erin", reverse("disclosures:list"), {"kept": "yes"}),
        ("erin", reverse("scores:ledger", args=[unit]), {"as_of": TODAY.isoformat()}),
        ("erin", reverse("scores:appeals"), {"status": "pending"}),
        ("erin", reverse("scores:runs"), {"kept": "yes"}),
        ("erin", reverse("accounts:user_list"), {"active": "yes"}),
        ("erin", reverse("accounts:login_log"), {"kind": "failure"}),
        ("erin", reverse("accounts:audit"), {"kind": "~"}),
    ]


def test_every_list_keeps_its_filters_on_page_two(client, world, alice, carol, erin):
    people = {"alice": alice, "carol": carol, "erin": erin}
    with at(TODAY):
        for who, url, params in _lists(world):
            client.force_login(people[who])
            _walk(client, url, params)


def test_the_proposals_pager_keeps_the_kind_it_was_filtered_by(client, world, erin):
    client.force_login(erin)
    with at(TODAY):
        links = _pager_links(client.get(reverse("proposals:list"), {"kind": "npc", "page": 2}).content.decode())
    assert links and all("kind=npc" in link for link in links)


def test_pages_are_as_long_as_the_setting_says(client, settings, erin, unit_a, leader):
    settings.ZMD_PAGE_SIZE = 2
    for _ in range(3):
        TargetFactory(leader=leader)
    client.force_login(erin)
    page = client.get(reverse("target_ledger")).context["page"]
    assert (len(page.object_list), page.paginator.num_pages) == (2, 2)
