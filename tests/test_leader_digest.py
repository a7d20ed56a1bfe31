"""The leaders' digest (领导摘要): the home page's figures over the leader's scope, sent on the days
the leader chose, once a day at most, through the inbox and the message's other ways out."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accountability.choices import DigestFrequency, MessageKind
from accountability.models import InboxMessage, LeaderDigestPreference
from accountability.selectors.leader_today import overdue_instructions, waiting_querysets
from accountability.services import delivery
from accountability.services.instructions import issue_instruction
from accountability.services.leader_digest import ITEM_PREFIX, compose_leader_digest, send_leader_digests
from core.access import RoleKind
from tasks.choices import WarningLevel
from tasks.models import Assignment
from tasks.selectors.home import leader_today
from tasks.selectors.scope import user_scope
from tests import test_leader_scope
from tests.factories import LeaderFactory, RoleFactory, UserFactory
from tests.judgment.helpers import warn
from tests.workspace_data import at

D = dt.date
DAY = D(2018, 6, 27)  # a Wednesday
MONDAY = D(2018, 6, 25)
scoped = test_leader_scope.scoped  # the fixture: targets in and out of dave's scope


def _nothing_new() -> str:
    from django.utils import translation
    from django.utils.translation import gettext

    with translation.override(settings.LANGUAGE_CODE):
        return gettext("Nothing new here")


@pytest.fixture
def reds(scoped, erin):
    """A new red in dave's field (the night's scan of the day), an old red he leads, a new red outside
    his scope, and one from four days ago (new in the week, not since yesterday)."""
    warn(Assignment.objects.filter(target=scoped["of_field"]), WarningLevel.RED, on=DAY, by=erin)
    warn(Assignment.objects.filter(target=scoped["led"]), WarningLevel.RED, on=D(2018, 6, 1), by=erin)
    warn(Assignment.objects.filter(target=scoped["outside"]), WarningLevel.RED, on=DAY, by=erin)
    warn(Assignment.objects.filter(target=scoped["of_unit"]), WarningLevel.RED, on=D(2018, 6, 23), by=erin)
    return scoped


@pytest.fixture
def mayor(db):
    post = LeaderFactory(post="市长（测试）", whole_city=True)
    return RoleFactory(user=UserFactory(username="mayor-t", email="mayor@example.org"), kind=RoleKind.LEADER,
                       unit=None, leader=post).user  # fmt: skip


def _prefer(user, frequency=DigestFrequency.DAILY, weekday=0):
    return LeaderDigestPreference.objects.create(user=user, frequency=frequency, weekday=weekday)


def _section(digest, heading):
    return next(section for section in digest.sections if section.heading == heading)


def test_the_digest_counts_what_the_leaders_home_counts(dave, reds):
    with at(DAY):
        daily = compose_leader_digest(dave, DAY)
        weekly = compose_leader_digest(dave, DAY, weekly=True)
        home = leader_today(dave, user_scope(dave), DAY)
    assert daily.sections[0].count == home["red_yesterday"] == 1
    assert weekly.sections[0].count == home["red_week"] == 2
    named = "\n".join(daily.lines)
    assert reds["of_field"].title in named
    assert reds["outside"].title not in named and reds["led"].title not in named  # outside, or not new
    assert "red_since=1" in named and "scope=mine" in named
    assert f"{settings.ZMD_SITE_URL}/assignments/?" in named  # absolute links, for the email too


def test_the_mayor_s_digest_covers_the_city(mayor, reds):
    with at(DAY):
        digest = compose_leader_digest(mayor, DAY)
        home = leader_today(mayor, user_scope(mayor), DAY)
    assert digest.sections[0].count == home["red_yesterday"] == 2  # the field's and the one outside
    text = "\n".join(digest.lines)
    assert reds["outside"].title in text and "scope=city" in text


def test_overdue_instructions_and_approvals_are_the_home_page_s(dave, scoped, unit_a):
    with at(D(2018, 6, 1)):
        issue_instruction(
            target=scoped["led"], text="请加快进度", due_date=D(2018, 6, 10), units=[unit_a], acting_user=dave
        )
    with at(DAY):
        digest = compose_leader_digest(dave, DAY)
        overdue = overdue_instructions(dave, DAY).count()
        waiting = sum(rows.count() for rows in waiting_querysets(dave).values())
        home = leader_today(dave, user_scope(dave), DAY)
    assert digest.sections[1].count == overdue == 1
    assert scoped["led"].title in "\n".join(digest.lines)
    assert digest.sections[2].count == waiting + home["waiting"]


def test_the_week_s_trend_compares_this_week_with_the_last(dave, reds):
    with at(DAY):
        digest = compose_leader_digest(dave, DAY, weekly=True)
    trend = digest.sections[3]
    assert len(trend.lines) == 3
    assert "/dashboard/?year=2018&scope=mine" in trend.link
    # Red in force now: the field's, the led one and the unit's (three assignments); a week ago only the led one.
    in_force_now = Assignment.objects.filter(target__in=[reds["led"], reds["of_field"]]).count() + 1
    assert f"{in_force_now}" in trend.lines[2]


def test_a_daily_digest_is_sent_once_a_day_with_its_email_after_commit(dave, reds, django_capture_on_commit_callbacks):
    dave.email = "dave@example.org"
    dave.save()
    _prefer(dave)
    with at(DAY), django_capture_on_commit_callbacks() as callbacks:
        first = send_leader_digests(DAY)
        second = send_leader_digests(DAY)
    assert first["sent"] == 1 and second == {"sent": 0, "skipped": 0}
    message = InboxMessage.objects.get(recipient=dave, kind=MessageKind.LEADER_DIGEST)
    assert message.day == DAY and message.email_status == "pending"
    assert len(callbacks) == 1  # the email (and the person's channel) go after commit


def test_a_weekly_digest_comes_on_the_chosen_weekday_only(dave, reds):
    _prefer(dave, DigestFrequency.WEEKLY, weekday=MONDAY.weekday())
    with at(DAY):
        assert send_leader_digests(DAY)["sent"] == 0  # a Wednesday
        assert send_leader_digests(MONDAY)["sent"] == 1
    assert InboxMessage.objects.get(recipient=dave, kind=MessageKind.LEADER_DIGEST).day == MONDAY


def test_an_empty_daily_digest_is_skipped_and_an_empty_weekly_one_sent(dave, scoped, mayor):
    _prefer(dave)
    _prefer(mayor, DigestFrequency.WEEKLY, weekday=DAY.weekday())
    with at(DAY):
        result = send_leader_digests(DAY)
    assert result == {"sent": 1, "skipped": 1}
    weekly = InboxMessage.objects.get(kind=MessageKind.LEADER_DIGEST)
    assert weekly.recipient == mayor
    assert weekly.body.count(ITEM_PREFIX + _nothing_new()) == 3  # reds, instructions, approvals: none


def test_no_digest_for_a_leader_who_did_not_ask_who_said_no_or_whose_login_is_off(dave, mayor, reds, alice):
    _prefer(mayor, DigestFrequency.OFF)
    _prefer(alice)  # not a leader: no digest, whatever the row says
    dave.is_active = False
    dave.save()
    _prefer(dave)
    with at(DAY):
        assert send_leader_digests(DAY) == {"sent": 0, "skipped": 0}
    assert not InboxMessage.objects.filter(kind=MessageKind.LEADER_DIGEST).exists()


def test_the_command_sends_the_digests_of_the_day_it_names(dave, reds, capsys):
    _prefer(dave)
    with at(DAY):
        call_command("send_leader_digests", "--day", "2018-06-27")
    assert InboxMessage.objects.filter(recipient=dave, kind=MessageKind.LEADER_DIGEST, day=DAY).count() == 1
    assert "2018-06-27" in capsys.readouterr().out


def test_composing_runs_a_fixed_number_of_queries(dave, reds, erin, unit_a, unit_b, leader):
    def count() -> int:
        with at(DAY), CaptureQueriesContext(connection) as queries:
            compose_leader_digest(UserFactory._meta.model.objects.get(pk=dave.pk), DAY, weekly=True)
        return len(queries)

    count()  # the first read keeps the leader's trend days (LeaderProgressDay), once
    few = count()
    from tests.workspace_data import issued_target_of

    more = [issued_target_of(unit_a, office=erin, leader=leader, co_units=[unit_b]) for _ in range(4)]
    warn(Assignment.objects.filter(target__in=more), WarningLevel.RED, on=DAY, by=erin)
    assert count() == few


def test_the_digest_reads_in_the_inbox_with_its_links(client, dave, reds):
    _prefer(dave)
    with at(DAY):
        send_leader_digests(DAY)
    message = InboxMessage.objects.get(recipient=dave)
    client.force_login(dave)
    with at(DAY):
        page = client.get(reverse("notices:message", args=[message.pk])).content.decode()
    assert "项昨日以来新增红色预警" in page  # the home page's words for the figure
    assert 'href="http' in page and "打开页面</a>" in page  # the links are links, named in words
    assert reds["of_field"].title in page


def test_delivery_sends_the_digest_through_send_after_commit(dave, reds, monkeypatch):
    sent: list[list[int]] = []
    monkeypatch.setattr(delivery, "send_after_commit", sent.append)
    dave.email = "dave@example.org"
    dave.save()
    _prefer(dave)
    with at(DAY):
        send_leader_digests(DAY)
    assert sent == [[InboxMessage.objects.get(recipient=dave).pk]]


# --- The profile's section ---------------------------------------------------------------------


def test_only_a_leader_sees_the_digest_section_of_the_profile(client, dave, alice):
    client.force_login(dave)
    assert 'id="leader-digest"' in client.get(reverse("profile")).content.decode()
    client.force_login(alice)
    assert 'id="leader-digest"' not in client.get(reverse("profile")).content.decode()
    assert client.post(reverse("leader_digest_save"), {"frequency": "daily"}).status_code == 403
    assert not LeaderDigestPreference.objects.exists()


def test_a_leader_chooses_a_weekly_digest_on_a_weekday(client, dave):
    client.force_login(dave)
    response = client.post(reverse("leader_digest_save"), {"frequency": "weekly", "weekday": "4"})
    assert response.status_code == 302 and response.url.endswith("#leader-digest")
    preference = LeaderDigestPreference.objects.get(user=dave)
    assert (preference.frequency, preference.weekday) == ("weekly", 4)


@pytest.mark.parametrize(
    ("data", "field"),
    [({"frequency": "weekly", "weekday": "9"}, "weekday"), ({"frequency": "hourly"}, "frequency"),
     ({"frequency": "weekly", "weekday": "周五"}, "weekday"), ({}, "frequency")],
)  # fmt: skip
def test_a_bad_choice_is_refused_with_a_message_and_the_stored_one_kept(client, dave, data, field):
    _prefer(dave, DigestFrequency.WEEKLY, weekday=0)
    client.force_login(dave)
    response = client.post(reverse("leader_digest_save"), data, follow=True)
    said = [str(message) for message in response.context["messages"]]
    assert said and all("saved" not in text and "已保存" not in text for text in said)
    preference = LeaderDigestPreference.objects.get(user=dave)
    assert (preference.frequency, preference.weekday) == ("weekly", 0)


def test_the_preview_shows_today_s_digest_and_sends_nothing(client, dave, reds):
    client.force_login(dave)
    with at(DAY):
        page = client.get(reverse("leader_digest_preview")).content.decode()
    assert reds["of_field"].title in page and reds["outside"].title not in page
    assert not InboxMessage.objects.filter(kind=MessageKind.LEADER_DIGEST).exists()


# --- The demo ----------------------------------------------------------------------------------


def test_a_vice_mayor_s_trend_is_his_scope_s_on_the_dashboard_and_in_the_digest(client, dave, scoped):
    """The city's kept sums divided by his count are not his average: a page showing his scope
    computes the trend from his assignments, and the digest reads the same rule."""
    from decimal import Decimal

    from tasks.models import YearProgressDay
    from tasks.selectors import dashboard as figures

    YearProgressDay.objects.create(
        year=2018, day=D(2018, 6, 18), planned_increase=Decimal("5000"), actual_increase=Decimal("4000")
    )
    client.force_login(dave)
    with at(DAY):
        trend = client.get(reverse("dashboard") + "?scope=mine").context["trend"]
        digest = compose_leader_digest(dave, DAY, weekly=True)
    mine = user_scope(dave).assignments(figures.issued(Assignment.objects.filter(target__year=2018)))
    expected = figures.weekly_trend(mine, 2018, DAY)
    assert (trend["planned"], trend["actual"]) == (expected["planned"], expected["actual"])
    assert max(trend["actual"]) == 0  # none of his assignments has reported anything
    # The digest's "average completion now (a week before)": the same figures.
    from tasks.numbers import percent_text

    assert percent_text(expected["actual"][-1]) in digest.sections[3].lines[0]


# Last in the file: the demo fixture keeps the demo loaded until the module ends (its fields and units stay).


@pytest.mark.django_db
def test_the_demo_leaders_find_their_digests_in_the_inbox(demo, client):
    from tasks.demo import DEMO_DATE
    from tasks.models import User

    mayor, vice = User.objects.get(username="mayor"), User.objects.get(username="vmayor_industry")
    daily = InboxMessage.objects.filter(recipient=mayor, kind=MessageKind.LEADER_DIGEST)
    weekly = InboxMessage.objects.filter(recipient=vice, kind=MessageKind.LEADER_DIGEST)
    assert daily.filter(day=DEMO_DATE).exists()
    assert list(weekly.values_list("day", flat=True)) == [D(2018, 9, 24)]  # his Monday
    assert not InboxMessage.objects.filter(kind=MessageKind.LEADER_DIGEST, recipient__username="secretary_industry")
    call_command("load_demo", verbosity=0)  # run again: nothing more
    assert weekly.count() == 1 and daily.filter(day=DEMO_DATE).count() == 1
    client.force_login(vice)
    with at(DEMO_DATE):
        inbox = client.get(reverse("notices:inbox")).content.decode()
    assert weekly.get().subject in inbox
