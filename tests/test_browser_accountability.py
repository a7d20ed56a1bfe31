"""In the browser: a check of who answers for it → the office proposes accountability → the
responsible leader approves (the office could not) → the unit's points ledger shows the deduction."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from accountability.models import AccountabilityCase, Check
from accountability.services.cases import ensure_starting_measures
from tests.test_browser import Person, _day, browser  # noqa: F401  (the fixture)

pytestmark = pytest.mark.browser


def test_check_then_case_then_leader_approves_then_the_units_ledger_shows_it(
    browser,  # noqa: F811
    live_server,
    settings,
    alice,
    dave,
    erin,
    issued_target,
    unit_a,
):
    lead = issued_target.assignments.get(unit=unit_a)
    ensure_starting_measures()  # a live-server test before this one flushed the migration's rows
    _day(settings, dt.date(2018, 9, 3))

    office = Person(browser, live_server, "erin")
    office.go(f"/assignments/{lead.pk}/checks/new/")
    office.page.check("input[name=kind][value=responsibility]")
    office.page.fill("#id_finding", "红色预警后仍未整改，分管负责人督促不力")
    office.page.click("form.card--form-wide button[type=submit]")
    office.page.wait_for_url(lambda url: "/checks/new/" not in url)  # the check is recorded
    check = Check.objects.get(assignment=lead)

    office.go(f"/accountability/new/?check={check.pk}")
    expect(office.page.locator("#id_facts")).to_have_value("红色预警后仍未整改，分管负责人督促不力")
    office.page.select_option("#id_measure", label="通报批评")
    office.page.click("text=提交审批")
    expect(office.page.locator("h1")).to_contain_text("问责事项")
    expect(office.page.locator(".facts")).to_contain_text("待审批")
    case = AccountabilityCase.objects.get()
    # The office sees no approve button on what it proposed.
    expect(office.page.locator("button[name=approve]")).to_have_count(0)
    office.shot("case-proposed")
    office.close()

    leader = Person(browser, live_server, "dave")
    leader.go("/accountability/")
    leader.page.click(f"a[href='/accountability/{case.pk}/']")
    leader.page.fill("#id_note", "同意通报批评")
    leader.page.click("button[name=approve]")
    expect(leader.page.locator(".facts")).to_contain_text("已批准")
    leader.shot("case-approved")
    leader.close()

    staff = Person(browser, live_server, "alice")
    staff.go("/accountability/")
    expect(staff.page.locator("table.list")).to_contain_text("通报批评")
    staff.go(f"/scores/units/{unit_a.pk}/?year=2018")
    expect(staff.page.locator("body")).to_contain_text("问责：通报批评")
    expect(staff.page.locator("body")).to_contain_text("-2")
    staff.shot("case-in-ledger")
    staff.close()
