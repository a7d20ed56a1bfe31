"""In Chromium set to English: a unit's staff member still gets Chinese, opens their profile from
the name in the header, switches the pages to English, sees English, and switches back."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.test_browser import PASSWORD, SHOTS, browser  # noqa: F401 (the fixture)

pytestmark = pytest.mark.browser


def test_staff_switch_their_pages_to_english_on_the_profile_and_back(
    browser,  # noqa: F811 (the fixture imported above)
    live_server,
    alice,
):
    context = browser.new_context(locale="en-US")  # the browser asks for English (Accept-Language)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.locator("main button[type=submit]")).to_have_text("登录")  # Chinese all the same
    page.fill("#id_username", "alice")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_contain_text("欢迎")

    page.click(".site-header a.who__name")
    expect(page.locator("h1")).to_have_text("个人资料")
    page.screenshot(path=str(SHOTS / "profile.png"), full_page=True)
    page.select_option("#id_language", "en")
    page.click("#details button[type=submit]")
    expect(page.locator("h1")).to_have_text("My profile")
    expect(page.locator(".messages")).to_contain_text("Your profile is saved.")

    page.click(".site-header a.brand")
    expect(page.locator(".site-header button")).to_have_text("Log out")
    alice.refresh_from_db()
    assert alice.language == "en"

    page.click(".site-header a.who__name")
    page.select_option("#id_language", "zh-hans")
    page.click("#details button[type=submit]")
    expect(page.locator("h1")).to_have_text("个人资料")
    expect(page.locator(".messages")).to_contain_text("个人资料已保存")
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors
    context.close()
