"""``make walk``: every demo login of the README (and a visitor without one) walks the site at 1366
and 390 pixels wide; a screenshot of each page goes to var/walk/<width>/<role>/<page>.png and a
table of axe findings per rule is printed and written to var/walk/summary.txt. Not collected by
the suite (its name does not start with test_); the Makefile names it.

It fails like tests/test_accessibility.py does, listing every failure, after writing the table.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings as django_settings

from tests import walk
from tests.test_accessibility import demo_site  # noqa: F401 (the fixture)
from tests.test_browser import browser  # noqa: F401 (the fixture)

pytestmark = pytest.mark.browser
LOGINS = [
    "office", "mayor", "vmayor_industry", "staff_fgw", "head_fgw", "staff_yicheng", "staff_zhengyang",
    "head_xiping", "sysadmin",
]  # fmt: skip
OUT = Path(django_settings.BASE_DIR) / "var" / "walk"


def test_walk_the_whole_site(browser, live_server, demo_site):  # noqa: F811
    base = live_server.url
    walks: dict[str, walk.Walk] = {}
    for viewport in (walk.DESKTOP, walk.PHONE):
        width = viewport["width"]
        for username in [*LOGINS, None]:
            name = username or "anonymous"
            context = browser.new_context(viewport=viewport, locale="zh-CN")
            if username:
                page = walk.log_in(context, base, username)
            else:
                page = context.new_page()
                page.goto(f"{base}/public/")
            shots = OUT / str(width) / name
            walks[f"{name}@{width}"] = walk.walk(
                page, base, width=width, per_pattern=2, limit=120, shots=shots, allowed_words=demo_site
            )
            if not username:
                page.goto(f"{base}/accounts/login/")
                walks[f"{name}@{width}"].checks.append(
                    walk.check_page(page, "/accounts/login/", width=width, allowed_words=demo_site)
                )
            context.close()
    table = walk.summary(walks)
    failures = [f"{name}: {failure}" for name, done in walks.items() for failure in done.failures]
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "summary.txt").write_text(table + "\n\n" + "\n".join(failures) + "\n")
    print("\n" + table)
    assert not failures, f"{len(failures)} failures (all in var/walk/summary.txt); the first 50:\n" + "\n".join(
        failures[:50]
    )
