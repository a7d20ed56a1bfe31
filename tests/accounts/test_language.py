"""The language of the pages is the person's choice, never the browser's (accounts/language.py)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse


def _speak_english(person):
    person.language = "en"
    person.save(update_fields=["language"])


def test_a_browser_asking_for_english_gets_chinese_on_the_login_page(client, db):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "登录" in response.content.decode() and "Log in" not in response.content.decode()
    assert response["Content-Language"] == "zh-hans"
    assert "Accept-Language" not in response.get("Vary", "")


def test_a_logged_in_person_with_chinese_on_their_profile_gets_chinese_whatever_the_browser(client, alice):
    client.force_login(alice)
    content = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "退出</button>" in content and "Log out" not in content


def test_a_person_whose_profile_says_english_gets_english_whatever_the_browser(client, alice):
    _speak_english(alice)
    client.force_login(alice)
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    assert "Log out" in response.content.decode()
    assert response["Content-Language"] == "en"


def test_the_profile_beats_a_language_cookie_left_in_the_browser(client, alice):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(alice)
    assert "退出</button>" in client.get(reverse("home")).content.decode()


def test_an_anonymous_visitor_may_still_choose_english_with_the_footer_switch(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302 and response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get(reverse("login"))
    assert "Log in" in page.content.decode()
    # The answer now depends on the cookie: a shared cache must not hand it to the next visitor.
    assert "Cookie" in page["Vary"]


def test_a_language_cookie_the_site_does_not_offer_is_ignored(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert "登录" in client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_the_footer_switch_of_a_logged_in_person_is_kept_on_their_profile(client, alice):
    client.force_login(alice)
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.language == "en"
    assert alice.history.latest().history_change_reason == "本人切换语言"  # said in the page's language then
    assert "Log out" in client.get(reverse("home")).content.decode()


def test_the_choice_follows_the_person_to_another_computer(client, alice):
    _speak_english(alice)
    other_computer = type(client)()
    other_computer.force_login(alice)
    assert "Log out" in other_computer.get(reverse("home")).content.decode()


def test_an_unoffered_language_from_the_footer_changes_nothing(client, alice):
    client.force_login(alice)
    client.post(reverse("set_language"), {"language": "fr", "next": reverse("home")})
    alice.refresh_from_db()
    assert alice.language == "zh-hans"
    assert "退出</button>" in client.get(reverse("home")).content.decode()
