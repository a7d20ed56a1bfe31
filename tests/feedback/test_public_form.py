"""The public's form under a publication: no login, the privacy notice before sending, validated
contact, CSRF kept, a target only from the publication."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from accountability.choices import FeedbackStatus
from accountability.models import PublicFeedback

from .conftest import form_url, latest, send

pytestmark = pytest.mark.usefixtures("on_sept_10")


def test_anyone_without_a_login_sees_the_form_and_the_privacy_notice_first(published, road, client):
    page = client.get(form_url(published, road)).content.decode()
    assert "改造农村公路30公里" in page
    assert "个人信息保护法" in page and "180" in page  # the erasure period, before sending
    assert page.index('id="privacy"') < page.index("<form")
    assert 'name="csrfmiddlewaretoken"' in page


def test_a_clue_on_a_target_is_stored_for_review_with_its_contact(published, road, client):
    response = send(client, published, road, contact="138 0000 1234")
    assert response.status_code == 302 and response["Location"].endswith("/feedback/sent/")
    clue = latest()
    assert (clue.status, clue.target, clue.target_code, clue.contact) == (
        FeedbackStatus.NEW,
        road,
        road.code,
        "13800001234",
    )
    assert clue.sender_key and "203.0.113.7" not in clue.sender_key
    assert "已收到" in client.get(response["Location"]).content.decode()


def test_a_comment_on_the_whole_publication_has_no_target(published, client):
    send(client, published, kind="comment", contact="someone@example.cn")
    clue = latest()
    assert (clue.kind, clue.target, clue.contact) == ("comment", None, "someone@example.cn")


@pytest.mark.parametrize("contact", ["12345", "not-an-email@", "<b>1380000</b>", "139000012345"])
def test_a_bad_contact_is_refused_in_chinese_and_nothing_is_stored(published, road, client, contact):
    response = send(client, published, road, contact=contact)
    page = response.content.decode()
    assert response.status_code == 200 and "手机" in page
    assert not PublicFeedback.objects.exists()


def test_a_target_not_in_the_publication_is_not_found(published, client):
    assert client.get(reverse("public:feedback", args=[published.pk]) + "?target=NOPE").status_code == 404
    assert send(client, published, SimpleNamespace(code="NOPE")).status_code == 404
    assert not PublicFeedback.objects.exists()


def test_an_unpublished_publication_takes_no_clues(published, erin, client):
    from accountability import services as acc

    draft = acc.prepare_disclosure(month=published.as_of.replace(day=1), acting_user=erin)
    assert client.get(reverse("public:feedback", args=[draft.pk])).status_code == 404
    assert send(client, draft).status_code == 404


def test_csrf_stays_on(published, road):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(form_url(published, road), {"kind": "clue", "text": "没有令牌的线索内容"})
    assert response.status_code == 403
    assert not PublicFeedback.objects.exists()
