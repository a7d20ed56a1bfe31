"""The working-day calendar: 2018's holidays and 调休 make-up days, seeded; the office keeps it at /office/calendar/."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tasks.judgment.lateness import WorkingCalendar
from tasks.models import CalendarDay, CalendarDayKind, ReportTimeLimits

D = dt.date


@pytest.fixture
def calendar(db) -> WorkingCalendar:
    return WorkingCalendar.load()


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        (D(2018, 9, 26), 2, D(2018, 9, 28)),  # Wednesday + 2: Friday
        (D(2018, 9, 28), 1, D(2018, 9, 29)),  # Saturday worked for National Day (调休)
        (D(2018, 9, 28), 3, D(2018, 10, 8)),  # 09-29, 09-30 worked; 10-01..07 off
        (D(2018, 2, 9), 1, D(2018, 2, 11)),  # Sunday worked before the Spring Festival
        (D(2018, 2, 14), 1, D(2018, 2, 22)),  # 02-15..21 off
        (D(2018, 2, 22), 2, D(2018, 2, 24)),  # Friday, then the Saturday worked after it
        (D(2018, 4, 4), 1, D(2018, 4, 8)),  # Qingming 04-05..07 off, Sunday 04-08 worked
        (D(2018, 4, 27), 1, D(2018, 4, 28)),  # Saturday worked before Labour Day
        (D(2018, 4, 28), 1, D(2018, 5, 2)),  # 04-29..05-01 off
        (D(2018, 6, 15), 1, D(2018, 6, 19)),  # Dragon Boat Monday 06-18 off
        (D(2018, 9, 21), 1, D(2018, 9, 25)),  # Mid-Autumn Monday 09-24 off
        (D(2018, 12, 29), 1, D(2018, 12, 31)),  # an ordinary weekend
    ],
)
def test_working_days_are_counted_on_the_2018_calendar(calendar, start, count, expected):
    assert calendar.add_working_days(start, count) == expected


def test_working_days_between_counts_make_up_days_and_skips_holidays(calendar):
    assert calendar.working_days_between(D(2018, 9, 28), D(2018, 10, 8)) == 3
    assert calendar.working_days_between(D(2018, 10, 8), D(2018, 10, 8)) == 0
    assert calendar.is_working(D(2018, 9, 30)) and not calendar.is_working(D(2018, 10, 2))
    assert not calendar.is_working(D(2018, 1, 1)) and calendar.is_working(D(2018, 1, 2))


def test_the_seeded_calendar_holds_the_official_2018_days(db):
    holidays = CalendarDay.objects.filter(kind=CalendarDayKind.HOLIDAY, day__year=2018).count()
    workdays = set(CalendarDay.objects.filter(kind=CalendarDayKind.WORKDAY).values_list("day", flat=True))
    assert holidays == 1 + 7 + 3 + 3 + 1 + 1 + 7
    assert workdays == {D(2018, 2, 11), D(2018, 2, 24), D(2018, 4, 8), D(2018, 4, 28), D(2018, 9, 29), D(2018, 9, 30)}


def test_the_office_adds_a_holiday_and_the_arithmetic_follows(client, erin):
    client.force_login(erin)
    url = reverse("office_calendar")
    page = client.get(url + "?year=2018")
    assert page.status_code == 200 and "工作日历" in page.content.decode() and "国庆节" in page.content.decode()
    response = client.post(url, {"action": "day", "day": "2019-04-05", "kind": "holiday", "name": "清明节"})
    assert response.status_code == 302
    assert WorkingCalendar.load().add_working_days(D(2019, 4, 4), 1) == D(2019, 4, 8)


def test_a_make_up_day_on_a_weekday_is_refused_in_chinese_and_nothing_is_stored(client, erin):
    client.force_login(erin)
    before = CalendarDay.objects.count()
    response = client.post(reverse("office_calendar"), {"action": "day", "day": "2019-04-03", "kind": "workday"})
    assert response.status_code == 200
    assert "调休上班日应为星期六或星期日" in response.content.decode()
    assert CalendarDay.objects.count() == before


def test_the_office_sets_the_head_approval_limit_and_bad_values_are_refused(client, erin):
    client.force_login(erin)
    url = reverse("office_calendar")
    client.post(url, {"action": "limits", "head_approval_days": "3", "refile_days": "5"})
    limits = ReportTimeLimits.current()
    assert (limits.head_approval_days, limits.refile_days) == (3, 5)
    response = client.post(url, {"action": "limits", "head_approval_days": "0", "refile_days": "x"})
    assert response.status_code == 200
    limits.refresh_from_db()
    assert (limits.head_approval_days, limits.refile_days) == (3, 5)


def test_only_the_office_keeps_the_calendar(client, alice, erin):
    client.force_login(alice)
    assert client.get(reverse("office_calendar")).status_code in (403, 404)
    entry = CalendarDay.objects.first()
    assert client.post(reverse("office_calendar_remove", args=[entry.pk])).status_code in (403, 404)
    assert CalendarDay.objects.filter(pk=entry.pk).exists()
    client.force_login(erin)
    client.post(reverse("office_calendar_remove", args=[entry.pk]))
    assert not CalendarDay.objects.filter(pk=entry.pk).exists()
