"""In a real browser (Playwright, Debian's Chromium): a person without a login leaves a clue under a
target of the publication; the office answers it in its queue; the answer shows publicly without the
contact. No CSP violation on the way."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from accountability.models import PublicFeedback
from tests.test_browser import CHROMIUM, Person, browser  # noqa: F401  (the fixture)

pytestmark = pytest.mark.browser
CONTACT = "13803960099"


def test_a_clue_left_without_login_is_answered_by_the_office(browser, live_server, settings, published, road, erin):  # noqa: F811
    settings.ZMD_TODAY = dt.date(2018, 9, 10)
    visitor = browser.new_context(viewport={"width": 390, "height": 800}, locale="zh-CN")  # a phone
    page = visitor.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/public/{published.pk}/")
    page.click(f"tr[data-target='{road.code}'] >> text=留言/提供线索")
    expect(page.locator("#privacy")).to_contain_text("个人信息保护法")
    page.fill("#id_text", "村东头那段路还是土路，<b>没有硬化</b>。")
    page.fill("#id_contact", CONTACT)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("感谢您的监督")
    clue = PublicFeedback.objects.get()
    assert clue.target == road and clue.contact == CONTACT

    office = Person(browser, live_server, "erin")
    office.page.click("nav.site-nav >> text=公众线索")
    office.page.click(f"a[href='/public-feedback/{clue.pk}/'] >> nth=0")
    expect(office.page.locator("body")).to_contain_text(CONTACT)
    office.page.fill("#id_answer", "已责成甲县10月底前完成硬化。")
    office.page.click("button:text-is('答复')")
    expect(office.page.locator(".messages")).to_contain_text("已答复")
    office.close()

    page.goto(f"{live_server.url}/public/{published.pk}/")
    page.reload()  # the page is kept five minutes (max-age); a reload asks again and finds it changed
    answered = page.locator(".p-feedback")
    expect(answered).to_contain_text("已责成甲县10月底前完成硬化")
    expect(answered).to_contain_text("<b>没有硬化</b>")  # shown as typed, not run
    expect(page.locator(f"tr[data-target='{road.code}']")).to_contain_text("1")
    assert CONTACT not in page.content()
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors
    visitor.close()
