"""One screen first (issue 16), in a real browser on the demo at a laptop's and a phone's size.

Each role's home page shows what needs the person today ("needs me today"; 我分管的 for a leader)
inside the first screen, and nothing is wider than the screen; the leader dashboard, its charts and
long tables folded, is at most about two screens at 1366×768; the meeting pack fits a phone.
The demo is loaded once (one test): the figures are the demo's, as the user walk saw them.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.test_browser import browser  # noqa: F401  (the fixture: Debian's Chromium)

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "zmd-demo-2018"
LAPTOP, PHONE = (1366, 768), (390, 844)
# office, two city leaders, a unit head, and two unit staff (one of them badly behind)
LANDING_LOGINS = ("office", "mayor", "vmayor_industry", "head_fgw", "staff_fgw", "staff_zhengyang")
DASHBOARD_MAX_HEIGHT = 2 * 768 + 160  # two screens and a little, everything but the key figures folded


def _open(browser, live_server, username, size):  # noqa: F811
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_contain_text("欢迎")
    return context, page


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def _height(page) -> int:
    return page.evaluate("document.documentElement.scrollHeight")


def test_one_screen_first_at_laptop_and_phone_sizes(browser, live_server, settings, transactional_db):  # noqa: F811
    settings.ZMD_TODAY = dt.date(2018, 9, 30)
    call_command("load_demo", verbosity=0, stdout=io.StringIO())  # its list of logins is not wanted here
    heights = {}
    for size in (LAPTOP, PHONE):
        for username in LANDING_LOGINS:
            context, page = _open(browser, live_server, username, size)
            block = page.locator("#needs-me-today")
            expect(block).to_be_visible()
            box = block.bounding_box()
            where = f"{username} home at {size[0]}×{size[1]}"
            assert box["y"] + box["height"] <= size[1], f"{where}: block ends at {box['y'] + box['height']}"
            assert block.locator("a .count").count() >= 3, where  # counts, each a link to its list
            assert _overflow(page) == 0, where
            if username in ("mayor", "vmayor_industry"):
                expect(block.locator("#my-fields h2")).to_contain_text("今天待我处理")  # 全市 or 我分管的, by scope
            context.close()

        for username in ("mayor", "vmayor_industry", "office"):
            context, page = _open(browser, live_server, username, size)
            page.goto(f"{live_server.url}/dashboard/")
            page.wait_for_load_state("networkidle")
            heights[(username, size)] = _height(page)
            assert _overflow(page) == 0, f"{username} dashboard at {size[0]}"
            if size == LAPTOP:
                assert heights[(username, size)] <= DASHBOARD_MAX_HEIGHT, heights
                # Folded, not gone: opening a section shows its chart and table.
                page.click("#completion > summary")
                expect(page.locator("#completion .ranking-table").first).to_be_visible()
            context.close()

    for username in ("vmayor_industry", "office"):
        context, page = _open(browser, live_server, username, PHONE)
        page.goto(f"{live_server.url}/meetings/pack/")
        expect(page.locator("article.pack")).to_be_visible()
        assert _overflow(page) == 0, f"{username} meeting pack at 390"
        context.close()
    print("dashboard heights:", {f"{user}@{size[0]}": height for (user, size), height in heights.items()})
