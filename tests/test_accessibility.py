"""Accessibility in Chromium with axe-core (tests/walk.py): every kind of page each role reaches from
its landing page, once, at 1366×768; the landing pages and the form pages again at phone width
(390×844). Any serious or critical axe finding fails, named by rule, page and node, as does a page
wider than the screen or raw code (``report_late``) in the visible text. The whole site, every
role, both widths, with screenshots: ``make walk`` (tests/full_walk.py).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from tests import walk
from tests.test_browser import browser  # noqa: F401 (the fixture)

pytestmark = pytest.mark.browser
ROLES = ["office", "mayor", "head_fgw", "staff_fgw"]  # one person of each kind


@pytest.fixture
def demo_site(live_server, settings, transactional_db):
    """The demo on the live server, on its date; the words the site may show that look like code
    (usernames such as staff_fgw are data, not code)."""
    from django.contrib.auth import get_user_model

    settings.ZMD_TODAY = dt.date(2018, 9, 30)
    call_command("load_demo", verbosity=0)
    return frozenset(get_user_model().objects.values_list("username", flat=True))


def _phone_check(browser, base, username, urls, allowed):  # noqa: F811
    context = browser.new_context(viewport=walk.PHONE, locale="zh-CN")
    page = walk.log_in(context, base, username) if username else context.new_page()
    checks = []
    for url in urls:
        page.goto(base + url)
        checks.append(walk.check_page(page, url, width=walk.PHONE["width"], allowed_words=allowed))
    context.close()
    return checks


def test_every_page_of_every_role_passes_axe_at_desktop_and_phone_width(browser, live_server, demo_site):  # noqa: F811
    base = live_server.url
    failures: list[str] = []
    for username in [*ROLES, None]:
        context = browser.new_context(viewport=walk.DESKTOP, locale="zh-CN")
        if username:
            page = walk.log_in(context, base, username)
        else:  # no login: the public pages and the login page
            page = context.new_page()
            page.goto(f"{base}/public/")
        done = walk.walk(page, base, width=walk.DESKTOP["width"], limit=60, allowed_words=demo_site)
        context.close()
        assert len(done.checks) >= (10 if username else 2), f"{username}: the walk saw too little"
        phone_urls = [done.checks[0].url, *(check.url for check in done.checks[1:] if check.is_form)]
        if not username:
            phone_urls.append("/accounts/login/")
        phone = _phone_check(browser, base, username, phone_urls, demo_site)
        for check in [*done.checks, *phone]:
            failures += [f"{username or 'anonymous'}: {failure}" for failure in check.failures]
        failures += [f"{username or 'anonymous'}: {url}: {error}" for url, error in done.errors.items()]
    assert not failures, f"{len(failures)} accessibility failures:\n" + "\n".join(failures)
