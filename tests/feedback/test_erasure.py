"""Personal information (个人信息保护法): contacts, photos and address fingerprints are erased after the
office's period by an idempotent nightly job; nothing else of the clue changes."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.core.files.storage import default_storage

from accountability.choices import FeedbackStatus
from accountability.models import FeedbackSettings, PublicFeedback
from accountability.services import public_feedback as channel
from accountability.tasks import erase_feedback_personal_data
from tests.scenarios import SHANGHAI

from .conftest import jpeg_with_exif, upload

CLOSED = dt.datetime(2018, 9, 10, 10, tzinfo=SHANGHAI)


def _clue(published, **fields):
    with time_machine.travel(CLOSED - dt.timedelta(hours=1), tick=False):
        return channel.submit_feedback(
            published, text="桥面有裂缝，没有修。", contact="13912345678", address="203.0.113.9", **fields
        )


@pytest.fixture
def answered(published, erin):
    clue = _clue(published, photo=upload(jpeg_with_exif()))
    with time_machine.travel(CLOSED, tick=False):
        return channel.answer_feedback(clue, acting_user=erin, answer="已整改完毕。")


def _run_on(day: dt.datetime) -> int:
    with time_machine.travel(day, tick=False):
        return erase_feedback_personal_data()


def test_the_contact_and_photo_are_kept_until_the_period_ends(answered):
    photo = answered.photo.name
    assert _run_on(CLOSED + dt.timedelta(days=179)) == 0
    answered.refresh_from_db()
    assert answered.contact == "13912345678" and answered.photo.name == photo
    assert default_storage.exists(photo)


def test_after_the_period_they_are_erased_once(answered):
    photo = answered.photo.name
    assert _run_on(CLOSED + dt.timedelta(days=180, minutes=1)) == 1
    answered.refresh_from_db()
    assert (answered.contact, answered.photo.name, answered.sender_key) == ("", "", "")
    assert answered.personal_erased_at is not None
    assert not default_storage.exists(photo)
    # What the public reads stays.
    assert (answered.text, answered.answer, answered.status) == (
        "桥面有裂缝，没有修。",
        "已整改完毕。",
        FeedbackStatus.ANSWERED,
    )
    assert _run_on(CLOSED + dt.timedelta(days=181)) == 0  # idempotent
    assert answered.history.filter(history_change_reason__isnull=False).exists()


def test_history_never_copies_personal_information(answered):
    fields = {field.name for field in PublicFeedback.history.model._meta.fields}
    assert not fields & {"contact", "photo", "sender_key"}
    assert "text" in fields


def test_the_period_is_the_offices_setting(answered):
    FeedbackSettings.objects.create(retention_days=30)
    assert _run_on(CLOSED + dt.timedelta(days=29)) == 0
    assert _run_on(CLOSED + dt.timedelta(days=31)) == 1


def test_an_open_clue_keeps_its_contact_but_loses_the_address_fingerprint_after_a_day(published):
    clue = _clue(published)
    assert clue.sender_key
    assert _run_on(CLOSED + dt.timedelta(days=400)) == 0
    clue.refresh_from_db()
    assert clue.contact == "13912345678" and clue.sender_key == ""


def test_the_job_is_on_the_nightly_schedule():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "accountability.erase_feedback_personal_data" in tasks


def test_the_office_sets_the_period_on_its_settings_page(client, erin):
    client.force_login(erin)
    page = client.get("/public-feedback/settings/").content.decode()
    assert 'value="180"' in page
    refused = client.post(
        "/public-feedback/settings/", {"retention_days": "0", "per_address_per_hour": "5", "per_hour": "300"}
    )
    assert refused.status_code == 200 and "errorlist" in refused.content.decode()
    assert not FeedbackSettings.objects.exists()
    saved = client.post(
        "/public-feedback/settings/", {"retention_days": "90", "per_address_per_hour": "3", "per_hour": "100"}
    )
    assert saved.status_code == 302
    assert (FeedbackSettings.current().retention_days, FeedbackSettings.current().per_address_per_hour) == (90, 3)
