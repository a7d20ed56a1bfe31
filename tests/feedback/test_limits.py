"""Abuse: an hour's limit per address and for everyone, length limits, a honeypot. A flood is refused
politely (429, in Chinese) and stores nothing."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from accountability.models import FeedbackSettings, PublicFeedback
from accountability.models.feedback import TEXT_MAX
from tests.scenarios import SHANGHAI

from .conftest import send

NINE = dt.datetime(2018, 9, 10, 9, tzinfo=SHANGHAI)


@pytest.fixture
def at_nine():
    with time_machine.travel(NINE, tick=False) as traveller:
        yield traveller


def test_one_address_is_refused_politely_after_its_hours_clues(published, client, at_nine):
    for _ in range(5):
        assert send(client, published, address="198.51.100.1").status_code == 302
    refused = send(client, published, address="198.51.100.1")
    page = refused.content.decode()
    assert refused.status_code == 429
    assert "一小时后再提交" in page and "感谢" in page
    assert PublicFeedback.objects.count() == 5
    assert send(client, published, address="198.51.100.2").status_code == 302  # another address is not blocked
    at_nine.move_to(NINE + dt.timedelta(minutes=61))
    assert send(client, published, address="198.51.100.1").status_code == 302
    assert PublicFeedback.objects.count() == 7


def test_everyone_together_is_limited_per_hour(published, client, at_nine):
    FeedbackSettings.objects.create(per_hour=3)
    for n in range(3):
        assert send(client, published, address=f"198.51.100.{n}").status_code == 302
    refused = send(client, published, address="198.51.100.99")
    assert refused.status_code == 429 and "一小时后再试" in refused.content.decode()
    assert PublicFeedback.objects.count() == 3


def test_the_limit_per_address_is_the_offices_setting(published, client, at_nine):
    FeedbackSettings.objects.create(per_address_per_hour=1)
    assert send(client, published).status_code == 302
    assert send(client, published).status_code == 429


def test_a_text_too_long_or_too_short_is_refused_and_nothing_stored(published, client, at_nine):
    long = send(client, published, text="长" * (TEXT_MAX + 1)).content.decode()
    assert str(TEXT_MAX) in long and str(TEXT_MAX + 1) in long  # the limit and the length sent
    short = send(client, published, text="差").content.decode()
    assert "请至少写" in short
    assert send(client, published, contact="1" * 200).status_code == 200
    assert not PublicFeedback.objects.exists()
    assert send(client, published, text="长" * TEXT_MAX).status_code == 302


def test_a_filled_honeypot_is_thanked_and_stores_nothing(published, client, at_nine):
    response = send(client, published, website="http://spam.example")
    assert response.status_code == 302 and response["Location"].endswith("/feedback/sent/")
    assert not PublicFeedback.objects.exists()


def test_the_honeypot_is_hidden_from_people(published, client, at_nine):
    page = client.get(f"/public/{published.pk}/feedback/").content.decode()
    trap = page[page.index('class="p-trap"') - 200 : page.index('name="website"')]
    assert 'aria-hidden="true"' in trap
