"""/audit/: the history of every record, searched by person, unit, record, kind and date, with
before and after."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tasks import services
from tasks.models import Assignment, Target

EDITED_ON = dt.datetime(2018, 3, 5, 2, tzinfo=dt.UTC)


@pytest.fixture
def edited(issued_target, erin, alice, unit_a):
    """erin renames the target and changes unit A's responsible person on 2018-03-05."""
    with time_machine.travel(EDITED_ON, tick=False):
        services.update_target(issued_target, acting_user=erin, title="改过的标题", reason="更正")
        lead = Assignment.objects.get(target=issued_target, unit=unit_a)
        services.update_assignment(lead, acting_user=erin, responsible_person="王五", check_breakdown=False)
    return issued_target


def _rows(client, **params):
    response = client.get(reverse("accounts:audit"), params)
    assert response.status_code == 200
    return response.context["page"].object_list


def test_a_change_shows_its_before_and_after_and_links_to_the_record(client, erin, edited):
    client.force_login(erin)
    rows = _rows(client, model="tasks.Target", kind="~", object_id=edited.pk, date_from="2018-03-05")
    assert len(rows) == 1
    changes = {c.name: (c.before, c.after) for c in rows[0].changes}
    assert changes["title"][1] == "改过的标题"
    assert changes["title"][0] != "改过的标题"
    assert rows[0].url == reverse("target_detail", args=[edited.pk])
    page = client.get(reverse("accounts:audit"), {"model": "tasks.Target", "kind": "~", "object_id": edited.pk})
    assert "改过的标题" in page.content.decode()


def test_the_unit_filter_keeps_that_units_records_only(client, erin, edited, unit_a, unit_b):
    client.force_login(erin)
    rows = _rows(client, unit=unit_a.pk, model="tasks.Assignment")
    assert rows and {row.record.unit_id for row in rows} == {unit_a.pk}
    b_rows = _rows(client, unit=unit_b.pk, model="tasks.Assignment")
    assert b_rows and {row.record.unit_id for row in b_rows} == {unit_b.pk}
    # Milestones reach their unit through their assignment.
    milestones = _rows(client, unit=unit_b.pk, model="tasks.Milestone")
    assert milestones
    assert {Assignment.objects.get(pk=row.record.assignment_id).unit_id for row in milestones} == {unit_b.pk}


def test_the_person_filter(client, erin, alice, edited, unit_a):
    client.force_login(erin)
    assert all(row.record.history_user_id == erin.pk for row in _rows(client, person="erin"))
    assert _rows(client, person="erin")
    assert _rows(client, person="nobody-at-all") == []


def test_the_date_range_and_kind(client, erin, edited):
    client.force_login(erin)
    march = _rows(client, date_from="2018-03-05", date_to="2018-03-05")
    assert {row.record._meta.model.instance_type for row in march} == {Target, Assignment}
    assert all(row.record.history_type == "~" for row in march)
    created = _rows(client, kind="+", date_to="2018-01-31")
    assert created and all(row.record.history_type == "+" for row in created)
    assert _rows(client, date_from="2018-03-06", date_to="2018-03-31") == []


def test_a_reversed_date_range_gets_a_message(client, erin, edited):
    client.force_login(erin)
    response = client.get(reverse("accounts:audit"), {"date_from": "2018-04-01", "date_to": "2018-03-01"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert response.context["page"].object_list == []


def test_a_deleted_record_shows_what_it_was(client, erin, unit_a):
    client.force_login(erin)
    from tasks.models import Role
    from tests.factories import UserFactory

    role = Role(user=UserFactory(username="temp"), kind="staff", unit=unit_a)
    services.save_with_history(role, acting_user=erin)
    role._history_user = erin
    role.delete()
    rows = _rows(client, model="tasks.Role", kind="-")
    assert len(rows) == 1 and rows[0].url is None
    assert any(c.before == unit_a.name or c.before == f"#{unit_a.pk}" for c in rows[0].changes)


def test_pages_go_from_newest_to_older_without_overlap(client, erin, edited):
    client.force_login(erin)
    first = _rows(client, page=1)
    second = _rows(client, page=2)
    assert len(first) == 25 and second
    dates = [row.record.history_date for row in first + second]
    assert dates == sorted(dates, reverse=True)
    assert not {id(r.record) for r in first} & {id(r.record) for r in second}
    assert {(r.item.label, r.record.history_id) for r in first}.isdisjoint(
        {(r.item.label, r.record.history_id) for r in second}
    )


def test_the_query_count_does_not_grow_with_the_history(client, erin, edited, unit_b):
    client.force_login(erin)
    url = reverse("accounts:audit")
    with CaptureQueriesContext(connection) as small:
        client.get(url, {"date_from": "2018-03-01"})
    co_unit = Assignment.objects.get(target=edited, unit=unit_b)
    with time_machine.travel(EDITED_ON + dt.timedelta(days=1), tick=False):
        for n in range(20):
            services.update_target(edited, acting_user=erin, title=f"标题 {n}")
            services.update_assignment(co_unit, acting_user=erin, responsible_person=f"人{n}", check_breakdown=False)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url, {"date_from": "2018-03-01"})
    assert len(response.context["page"].object_list) == 25
    assert len(large) <= len(small) + 2
