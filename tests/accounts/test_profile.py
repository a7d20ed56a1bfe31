"""/profile/: a person's own name, contact details, language and password (accounts.services.update_profile)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.services import choose_language, update_profile
from core.errors import RuleViolation

GOOD = {
    "display_name": "张三",
    "phone": "0396-2345678",
    "mobile": "13800001234",
    "email": "zhangsan@example.com",
    "language": "zh-hans",
}


def _post(client, **changes):
    return client.post(reverse("profile"), {**GOOD, **changes})


def test_the_header_links_the_persons_name_to_their_profile(client, alice):
    client.force_login(alice)
    content = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("profile")}"' in content
    assert reverse("profile") == "/profile/"


def test_the_profile_shows_the_persons_details_and_the_way_to_change_the_password(client, alice):
    alice.phone, alice.email = "0396-1112223", "alice@example.com"
    alice.save()
    client.force_login(alice)
    content = client.get(reverse("profile")).content.decode()
    assert "个人资料" in content
    assert 'value="0396-1112223"' in content and 'value="alice@example.com"' in content
    assert f'href="{reverse("password_change")}"' in content
    assert '<option value="zh-hans" selected>简体中文</option>' in content


def test_saving_stores_numbers_in_one_plain_form_with_a_history_row(client, alice):
    client.force_login(alice)
    response = _post(client, phone="(0396) 234 5678", mobile="+86 138 0000 1234")
    assert response.status_code == 302 and response["Location"] == reverse("profile")
    alice.refresh_from_db()
    assert (alice.display_name, alice.phone, alice.mobile, alice.email) == (
        "张三",
        "03962345678",
        "13800001234",
        "zhangsan@example.com",
    )
    row = alice.history.latest()
    assert row.history_user == alice and row.history_change_reason == "本人修改个人资料"
    assert "个人资料已保存" in client.get(reverse("profile")).content.decode()


def test_saving_the_same_values_again_writes_no_history(client, alice):
    client.force_login(alice)
    _post(client)
    rows = alice.history.count()
    _post(client)
    assert alice.history.count() == rows
    assert "没有任何修改" in client.get(reverse("profile")).content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "12345", "请输入带区号的办公电话"),
        ("phone", "0396-12345678901", "请输入带区号的办公电话"),
        ("mobile", "1380000123", "请输入11位手机号码"),
        ("mobile", "23800001234", "请输入11位手机号码"),
        ("email", "zhangsan@", "请输入有效的电子邮箱地址"),
        ("email", "a" * 250 + "@example.com", "不超过"),  # the form's bound, in Django's Chinese
        ("display_name", "张" * 65, "不超过"),
        ("display_name", "   ", "这个字段是必填项"),
        ("language", "fr", "选择一个有效的选项"),
    ],
)
def test_a_bad_value_gets_a_chinese_message_and_nothing_is_lost(client, alice, field, value, message):
    client.force_login(alice)
    _post(client)
    before = alice.history.count()
    # The person also changed their name in the same form: kept on the page, not stored.
    response = _post(client, **{"display_name": "张三丰", field: value})
    assert response.status_code == 200
    content = response.content.decode()
    assert message in content
    if field != "display_name":
        assert 'value="张三丰"' in content
    alice.refresh_from_db()
    assert (alice.display_name, alice.phone, alice.mobile, alice.email, alice.language) == tuple(GOOD.values())
    assert alice.history.count() == before
    assert "张三丰" not in content.split("</header>")[0]  # the header still shows the stored name


def test_the_form_edits_only_the_person_logged_in(client, alice, erin):
    client.force_login(erin)
    response = client.post(reverse("profile"), {**GOOD, "username": "alice", "pk": alice.pk, "user": alice.pk})
    assert response.status_code == 302
    alice.refresh_from_db()
    erin.refresh_from_db()
    assert alice.display_name == "alice" and alice.phone == ""
    assert erin.display_name == "张三"


def test_nobody_changes_another_persons_profile_through_the_service(alice, erin):
    with pytest.raises(RuleViolation, match="Only the person themselves"):
        update_profile(alice, acting_user=erin, **{**GOOD, "language": "en"})
    with pytest.raises(RuleViolation):
        choose_language(alice, language="en", acting_user=erin)
    alice.refresh_from_db()
    assert alice.language == "zh-hans" and alice.display_name == "alice"


def test_the_service_reports_every_bad_field_at_once(alice):
    with pytest.raises(RuleViolation) as refused:
        update_profile(alice, acting_user=alice, display_name="", phone="1", mobile="2", email="x", language="xx")
    assert set(refused.value.message_dict) == {"display_name", "phone", "mobile", "email", "language"}
    alice.refresh_from_db()
    assert alice.display_name == "alice"


def test_switching_to_english_on_the_profile_takes_effect_on_the_next_page(client, alice):
    client.force_login(alice)
    response = _post(client, language="en")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "My profile" in page and "Your profile is saved." in page
    assert "Name, contact details and language" in page
    back = client.get(reverse("home")).content.decode()
    assert "Log out" in back
    _post(client, language="zh-hans")
    assert "个人资料已保存" in client.get(reverse("profile")).content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    response = client.get(reverse("profile"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_office_sees_the_contact_details_a_person_saved(client, alice, erin):
    client.force_login(alice)
    _post(client)
    client.force_login(erin)
    content = client.get(reverse("accounts:user_detail", args=[alice.pk])).content.decode()
    assert "0396-2345678" in content and "13800001234" in content and "zhangsan@example.com" in content
