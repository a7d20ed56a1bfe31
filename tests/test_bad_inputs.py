"""Query parameters and form values that used to answer 500: each now gets 400 or a message.

The crawl of every page with awkward values is in test_demo.py; these are the probes that found the
problems, kept as fast tests of their own.
"""

import pytest
from django.urls import reverse

from accountability.models import Disclosure, ScoringRun
from tests.scenarios import D, at


@pytest.fixture
def office_client(client, erin, issued_target):
    client.force_login(erin)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/excel/export/breakdown.xlsx?year=-5",
        "/excel/export/breakdown.xlsx?year=99999999999999999999",
        "/letters/?year=0",
        "/dashboard/?year=abc",
        "/office/calendar/?year=1999",
    ],
)
def test_a_year_outside_the_systems_years_is_a_bad_request(office_client, url):
    assert office_client.get(url).status_code == 400


@pytest.mark.parametrize("as_of", ["0001-01-01", "9999-12-31"])
def test_a_ranking_as_of_a_day_outside_the_systems_years_falls_back_to_today(office_client, unit_a, as_of):
    for url in (reverse("scores:ranking"), reverse("scores:ledger", args=[unit_a.pk])):
        assert office_client.get(url, {"as_of": as_of}).status_code == 200


def test_a_meeting_pack_for_a_day_outside_the_systems_years_shows_a_message(office_client, leader):
    response = office_client.get(reverse("meeting-pack"), {"leader": leader.pk, "day": "9999-12-31"})
    assert response.status_code == 200 and "2000-01-01" in response.content.decode()


def test_a_disclosure_or_a_scoring_run_for_month_0001_is_refused_with_a_message(office_client):
    with at(D(2018, 9, 30)):
        response = office_client.post(reverse("disclosures:list"), {"month": "0001-01"})
        assert response.status_code in (200, 400) and "2000-01-01" in response.content.decode()
        response = office_client.post(reverse("scores:run-month"), {"month": "0001-01"})
        assert response.status_code == 400 and "2000-01-01" in response.content.decode()
    assert not Disclosure.objects.exists() and not ScoringRun.objects.exists()


@pytest.mark.parametrize("year", ["2019", "2017"])
@pytest.mark.parametrize("by", ["target", "unit"])
def test_the_battle_map_of_a_year_without_targets_is_an_empty_page(client, dave, issued_target, year, by):
    client.force_login(dave)
    with at(D(2019, 1, 1)):
        response = client.get(reverse("battle_map"), {"year": year, "by": by})
    assert response.status_code == 200


def test_a_huge_id_in_a_hidden_field_is_a_form_error_not_a_crash(client, dave, issued_target):
    client.force_login(dave)
    response = client.get(
        reverse("assignment_list"), {"target": "99999999999999999999", "unit": "99999999999999999999"}
    )
    assert response.status_code == 200
