"""The office's queue: filters, pages whose query count does not grow with the rows; the public page
stays one query when kept and answers 304 until something new comes in."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accountability.services import public_feedback as channel

from .conftest import latest, send

pytestmark = pytest.mark.usefixtures("on_sept_10")


def _send_many(client, published, road, n, start=0):
    for i in range(start, start + n):
        send(client, published, road if i % 2 else None, text=f"第{i}条线索：路灯不亮。", address=f"192.0.2.{i}")


def test_the_queue_filters_by_state_kind_and_text(published, road, client, erin):
    send(client, published, road, text="路灯不亮已经一个月。", address="192.0.2.1")
    send(client, published, road, text="垃圾没有清运。", kind="comment", address="192.0.2.2")
    channel.dismiss_feedback(latest(), acting_user=erin, reason="不属于本目标")
    client.force_login(erin)
    url = reverse("public_feedback:queue")
    new = client.get(url, {"status": "new"}).content.decode()
    assert "路灯不亮" in new and "垃圾没有清运" not in new
    comments = client.get(url, {"kind": "comment"}).content.decode()
    assert "垃圾没有清运" in comments and "路灯不亮" not in comments
    found = client.get(url, {"q": "路灯"}).content.decode()
    assert "路灯不亮" in found and "垃圾没有清运" not in found
    assert client.get(url, {"status": "bogus"}).status_code == 200  # a bad filter is ignored, not a 500


def test_the_queue_takes_the_same_queries_for_few_and_many_rows(
    published, road, client, erin, django_assert_max_num_queries, django_assert_num_queries
):
    _send_many(client, published, road, 3)
    client.force_login(erin)
    url = reverse("public_feedback:queue")
    client.get(url)  # warm: session, settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _send_many(client, published, road, 30, start=3)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_the_public_page_is_kept_and_changes_when_a_clue_comes_in(published, road, client, erin):
    url = reverse("public:detail", args=[published.pk])
    first = client.get(url)
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    send(client, published, road)
    second = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200 and second["ETag"] != first["ETag"]
    channel.answer_feedback(latest(), acting_user=erin, answer="已安排维修。")
    third = client.get(url, HTTP_IF_NONE_MATCH=second["ETag"])
    assert third.status_code == 200 and "已安排维修" in third.content.decode()


def test_the_public_page_with_clues_is_one_query_when_kept(published, road, client, erin, django_assert_num_queries):
    _send_many(client, published, road, 4)
    channel.answer_feedback(latest(), acting_user=erin, answer="已安排维修。")
    url = reverse("public:detail", args=[published.pk])
    with django_assert_num_queries(4):  # the page, the snapshot, the counts, the answered clues
        client.get(url)
    with django_assert_num_queries(1):
        assert "已安排维修" in client.get(url).content.decode()
