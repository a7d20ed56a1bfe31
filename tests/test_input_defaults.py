"""Every value a form puts in an input fits the input (issue 16): a date picker takes only
2018-10-15 (a default printed 2018/10/15 leaves 整改时限 empty every time), a number input only a
plain number. The pages are those each demo role reaches on the demo's day, the create pages of
the office's hand-issued notices included."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accountability.forms.feedback import FeedbackNoticeForm
from accountability.forms.notices import SupervisionForm
from tasks.choices import AssignmentStatus
from tasks.demo.data import LOGINS
from tasks.models import Assignment
from tests.crawl import crawl, seeds
from tests.scenarios import at

DEMO_DAY = dt.date(2018, 9, 30)
FORMATS = {
    "date": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    "month": re.compile(r"^\d{4}-\d{2}$"),
    "datetime-local": re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$"),
    "time": re.compile(r"^\d{2}:\d{2}(:\d{2})?$"),
}
NUMBER = re.compile(r"^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")  # what <input type=number> accepts


class _Inputs(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str, str, str]] = []  # (type, name, attribute, value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        kind = (attrs.get("type") or "").lower()
        if tag == "input" and (kind in FORMATS or kind == "number"):
            for attribute in ("value", "min", "max"):
                if attrs.get(attribute):
                    self.found.append((kind, attrs.get("name") or "", attribute, attrs[attribute]))


def misfits(html: str) -> list[tuple[str, str, str, str]]:
    """The inputs of ``html`` whose value (or min, max) the browser would refuse."""
    parser = _Inputs()
    parser.feed(html)
    return [
        found
        for found in parser.found
        if not (NUMBER.match(found[3]) if found[0] == "number" else FORMATS[found[0]].match(found[3]))
    ]


def test_the_check_catches_a_date_printed_the_chinese_way_and_a_grouped_number():
    html = '<input type="date" name="due" value="2018/10/15"><input type="number" name="n" value="1,175.4">'
    html += '<input type="date" name="ok" value="2018-10-15"><input type="number" name="m" value="-1175.40">'
    assert misfits(html) == [("date", "due", "value", "2018/10/15"), ("number", "n", "value", "1,175.4")]


def test_the_hand_issued_notices_default_deadline_is_an_iso_date():
    # In Chinese, Django prints a date input's value as 2018/10/15 unless the widget says otherwise.
    with at(DEMO_DAY), translation.override("zh-hans"):
        for form in (
            SupervisionForm(initial={"due_date": dt.date(2018, 10, 15)}),
            FeedbackNoticeForm(assignments=Assignment.objects.none(), initial={"due_date": dt.date(2018, 10, 15)}),
        ):
            html = str(form["due_date"])
            assert 'type="date"' in html and 'value="2018-10-15"' in html


def _office_create_pages() -> list[str]:
    """The office's create pages that no link without a choice reaches: a notice on an assignment."""
    assignment = Assignment.objects.filter(status=AssignmentStatus.IN_PROGRESS).order_by("pk").first()
    return [
        f"{reverse('notices:new_supervision')}?assignment={assignment.pk}",
        f"{reverse('notices:new_exposure')}?assignment={assignment.pk}",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("username", [username for username, _display, roles in LOGINS if roles])
def test_every_date_and_number_input_a_demo_role_sees_holds_a_value_the_browser_takes(demo, username):
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    with at(DEMO_DAY):
        extra = _office_create_pages() if username == "office" else []
        bad, checked = {}, 0

        def check(url, html):
            nonlocal checked
            checked += html.count('type="date"') + html.count('type="number"')
            if found := misfits(html):
                bad[url] = found

        crawled = crawl(client, ["/", *extra, *seeds()], per_pattern=1, limit=90, on_page=check)
    assert bad == {}
    assert checked > 0  # the walk met date and number inputs to check
    if username == "office":
        assert all(crawled.statuses[url] == 200 for url in extra)
