"""The end of a task in Chromium: the unit claims completion (申请销号) with its final figure, a
statement and an evidence file; the office verifies it in 销号核验; the 任务销号单 is in the register;
the points entry is in the unit's ledger; and the next public snapshot shows the project completed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from accountability.models import Notice
from tasks.choices import ShareRule, TargetType
from tests.test_browser import Person, browser  # noqa: F401 (the fixture)
from tests.workspace_data import issued_target_of

pytestmark = pytest.mark.browser


def test_claim_verify_register_points_and_public_snapshot(
    browser,  # noqa: F811 (the fixture imported above)
    live_server,
    settings,
    alice,
    erin,
    dave,
    leader,
    unit_a,
    tmp_path,
):
    target = issued_target_of(
        unit_a, office=erin, leader=leader, target_type=TargetType.LIVELIHOOD, target_value=Decimal(30),
        measure_unit="公里", share_rule=ShareRule.NONE, title="改造提升农村公路30公里",
    )  # fmt: skip
    lead = target.assignments.get()
    evidence = tmp_path / "交工验收报告.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% acceptance\n%%EOF\n")

    # 申请销号: the unit's staff, from the assignment page.
    settings.ZMD_TODAY = dt.date(2018, 9, 10)
    staff = Person(browser, live_server, "alice")
    staff.go(f"/assignments/{lead.pk}/")
    staff.page.click("a.button >> text=申请销号")
    expect(staff.page.locator("h1")).to_have_text("申请销号")
    staff.page.fill("#id_final_value", "30.5")
    staff.page.fill("#id_statement", "30.5公里农村公路已全部完工并通过交工验收。")
    staff.page.set_input_files("#id_evidence", str(evidence))
    staff.shot("claim-form")
    staff.page.click("button[type=submit] >> text=申请销号")
    expect(staff.page.locator(".messages")).to_contain_text("已申请销号")
    expect(staff.page.locator("#claims")).to_contain_text("待核验")
    expect(staff.page.locator("#claims")).to_contain_text("交工验收报告.pdf")

    # 销号核验: the office opens the queue from its console and verifies.
    settings.ZMD_TODAY = dt.date(2018, 9, 12)
    office = Person(browser, live_server, "erin")
    office.go("/notices/")
    office.page.click(".console >> text=销号核验")
    expect(office.page.locator("h1")).to_have_text("销号核验")
    row = office.page.locator(f"tr.claim-row[data-assignment='{lead.pk}']")
    expect(row).to_contain_text("30.5公里农村公路已全部完工")
    office.shot("close-out-verification")
    row.locator("input[name=note]").fill("经现场核验，同意销号。")
    row.locator("button >> text=核验并销号").click()
    notice = Notice.objects.get(kind="close_out", assignment=lead)
    expect(office.page.locator(".messages")).to_contain_text(notice.number)
    expect(office.page.locator("body")).to_contain_text("任务销号单")

    # The 任务销号单 in the register.
    office.go("/notices/register/?kind=close_out")
    expect(office.page.locator("table.list")).to_contain_text(notice.number)
    expect(office.page.locator("table.list")).to_contain_text("改造提升农村公路30公里")

    # The points entry in the unit's ledger.
    office.go(f"/scores/units/{unit_a.pk}/?as_of=2018-09-12")
    expect(office.page.locator("body")).to_contain_text("作为牵头单位完成")
    office.shot("ledger-after-close-out")

    # The next public snapshot shows the project completed.
    office.go("/disclosures/")
    office.page.fill("#id_month", "2018-09")
    office.page.locator("form:has(#id_month) button[type=submit]").click()
    expect(office.page.locator("form[action$='/discard/']")).to_have_count(1)
    # The office prepares, a city leader approves (never the office itself), the office publishes.
    expect(office.page.locator("form[action$='/approve/']")).to_have_count(0)
    draft_url = office.page.url
    approver = Person(browser, live_server, "dave")
    approver.page.goto(draft_url)
    approver.page.locator("form[action$='/approve/'] button").click()
    expect(approver.page.locator(".messages")).to_contain_text("已批准")
    approver.close()
    office.page.goto(draft_url)
    office.page.locator("form[action$='/publish/'] button").click()
    public = browser.new_context(locale="zh-CN").new_page()
    public.goto(f"{live_server.url}/public/")
    public.locator("main a[href^='/public/']").first.click()
    project = public.locator("article.p-card", has_text="改造提升农村公路30公里")
    expect(project).to_contain_text("已完成")
    expect(project).to_contain_text("30.5公里")
    public.context.close()
    staff.close()
    office.close()
