"""Real-browser walk through the three workspaces (Playwright driving Debian's Chromium).

Staff file a report with an evidence file, the office returns it, staff refile, the office
accepts, and the leader sees the unit's figure change on the dashboard and drills down to that
report. A screenshot of each workspace goes to test-artifacts/screenshots/. Chromium missing is a
failure, never a skip: CI installs it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connections
from playwright.sync_api import expect, sync_playwright

from tasks.models import ProgressReport

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SHOTS = Path(django_settings.BASE_DIR) / "test-artifacts" / "screenshots"
PASSWORD = "secret-pass-123"  # tests.factories.UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def browser(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test
    # itself (between browser steps) are still synchronous and safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: install Debian's chromium (the CI script does)"
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()
        # Inside Playwright's block the ORM runs in another context and opened its own
        # connection; close it here, or the test database cannot be dropped at the end.
        connections.close_all()


class Person:
    """One logged-in browser context, collecting the console errors (a CSP violation is one)."""

    def __init__(self, browser, live_server, username, *, width=1366):
        self.base = live_server.url
        self.context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.goto(f"{self.base}/accounts/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("button[type=submit]")
        expect(self.page.locator("h1")).to_contain_text("欢迎")

    def go(self, path):
        self.page.goto(f"{self.base}{path}")

    def shot(self, name):
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)

    def close(self):
        assert not [e for e in self.errors if "Content Security Policy" in e or "Refused" in e], self.errors
        self.context.close()


def _day(settings, day):
    settings.ZMD_TODAY = day


def test_report_returned_refiled_accepted_and_seen_on_the_dashboard(
    browser, live_server, settings, alice, carol, dave, erin, issued_target, unit_a, tmp_path
):
    lead = issued_target.assignments.get(unit=unit_a)
    evidence = tmp_path / "现场照片.jpg"
    evidence.write_bytes(b"\xff\xd8\xff\xe0 jpeg data")

    # The leader's dashboard before: unit A has done nothing yet.
    _day(settings, dt.date(2018, 6, 25))
    leader = Person(browser, live_server, "dave")
    leader.go("/dashboard/?year=2018")
    expect(leader.page.locator('[data-unit-completion="甲县"]')).to_have_text("0%")

    # Staff file the June report with an evidence file.
    staff = Person(browser, live_server, "alice")
    staff.shot("home-staff")
    staff.page.click("#workspaces > summary")  # the workspaces are folded below "needs me today"
    staff.page.click("text=进入单位工作台")
    expect(staff.page.locator("h1")).to_have_text("单位工作台")
    staff.shot("unit-workspace")
    staff.page.click(f"a[href='/assignments/{lead.pk}/']")
    staff.page.click("text=填报本期进度")
    staff.page.fill("#id_progress_percent", "40")
    staff.page.fill("#id_work_done", "完成项目立项和前期手续")
    staff.page.fill("#id_problems", "征地进度偏慢")
    staff.page.fill("#id_next_plan", "7月底前完成征地")
    staff.page.fill("#id_suggestions", "请求协调用地指标")
    staff.page.set_input_files("#id_evidence", str(evidence))
    staff.shot("report-form")
    staff.page.click("button[value=submit]")
    expect(staff.page.locator(".messages")).to_contain_text("已报送督查室")
    expect(staff.page.locator(".files")).to_contain_text("现场照片.jpg")
    report = ProgressReport.objects.get(assignment=lead)

    # The office returns it with a reason.
    _day(settings, dt.date(2018, 6, 26))
    office = Person(browser, live_server, "erin")
    office.page.click("nav.site-nav >> text=审核队列")
    office.shot("office-review-queue")
    office.page.click(f"a.button[href='/reports/{report.pk}/']")
    office.page.fill("#id_reason", "佐证材料不全，请补充现场照片")
    office.page.click("text=按此原因退回")
    expect(office.page.locator(".messages")).to_contain_text("已连同退回原因退回责任单位")

    # Staff see the return and its reason, and file again.
    _day(settings, dt.date(2018, 6, 27))
    staff.go("/unit/?report=returned")
    staff.page.click("text=重新报送")
    expect(staff.page.locator(".return-reason")).to_contain_text("佐证材料不全")
    staff.page.fill("#id_progress_percent", "45")
    staff.page.click("button[value=submit]")
    expect(staff.page.locator(".messages")).to_contain_text("已报送督查室")

    # The office accepts from the queue.
    _day(settings, dt.date(2018, 6, 28))
    office.go("/office/reviews/")
    office.page.click(f"form[action='/reports/{report.pk}/accept/'] button")
    expect(office.page.locator(".messages")).to_contain_text("已采纳")
    office.go("/targets/")
    office.shot("office-target-ledger")
    office.go(f"/assignments/{lead.pk}/plan/")
    office.shot("office-plan-editor")

    # The leader sees unit A's figure change and drills down to the report.
    leader.go("/dashboard/?year=2018")
    expect(leader.page.locator('[data-unit-completion="甲县"]')).to_have_text("45%")
    leader.page.wait_for_timeout(300)  # let the charts draw before the screenshot
    leader.shot("leader-dashboard")
    leader.page.click("#completion > summary")  # folded below the key figures
    leader.page.click(".ranking-table >> text=甲县")
    expect(leader.page.locator("h1")).to_have_text("分解任务")
    leader.page.click(f"a[href='/assignments/{lead.pk}/']")
    leader.page.click(f"a[href='/reports/{report.pk}/']")
    expect(leader.page.locator(".facts")).to_contain_text("45%")
    expect(leader.page.locator(".facts")).to_contain_text("已采纳")
    leader.go("/dashboard/battle-map/?year=2018&by=unit")
    leader.shot("leader-battle-map")

    # The unit head's approval page, and the staff workspace at phone width.
    head = Person(browser, live_server, "carol")
    head.go("/approvals/")
    head.shot("head-approvals")
    phone = Person(browser, live_server, "alice", width=390)
    phone.go("/unit/")
    phone.shot("unit-workspace-phone")
    leader_phone = Person(browser, live_server, "dave", width=390)
    leader_phone.go("/dashboard/?year=2018")
    leader_phone.shot("leader-dashboard-phone")
    # Phone width: nothing but the tables' own scroll boxes may be wider than the screen.
    for person, path in ((phone, "/unit/"), (phone, f"/reports/{report.pk}/"), (leader_phone, "/dashboard/")):
        person.go(path)
        assert person.page.evaluate("document.documentElement.scrollWidth") <= 390, path
    for person in (staff, office, leader, head, phone, leader_phone):
        person.close()
