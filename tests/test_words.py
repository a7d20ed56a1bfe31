"""Words (issue 16): one Chinese word, one meaning, and no code ever reaches a person.

A status and a column heading once shared an English msgid ("Submitted", "Issued", "Published",
"Open"), and the project catalog's heading won: a report waiting for the office read 报送时间. Statuses
now carry the context "status", time columns the context "column"; these tests fail when a word
stands for two things again, or when a code (report_late, issued_yellow) shows through.
"""

import datetime as dt
import gettext
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.db import models
from django.test import Client
from django.utils import translation

from accountability import choices as accountability_choices
from accountability.choices import DisclosureStatus, NoticeStatus, RuleCode
from accountability.models import Disclosure, Notice
from accountability.models.rules import SUMMARY_LABELS
from core import access, periods
from tasks import choices as ledger_choices
from tasks.choices import AssignmentStatus, ReportStatus
from tasks.judgment.state import State
from tasks.models import ProgressReport, Target, User
from tests.scenarios import at

DEMO_DAY = dt.date(2018, 9, 30)
# A word ending like this names a moment or a limit (a column heading), never a state.
COLUMN_ENDINGS = ("时间", "日期", "时限")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _choices_in(*modules) -> list[type[models.Choices]]:
    found = []
    for module in modules:
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, models.Choices) and value.__module__ == module.__name__:
                found.append(value)
    return found


ALL_CHOICES = [*_choices_in(ledger_choices, accountability_choices, access, periods), State]
# Every vocabulary that says where a thing stands: the ...Status classes, the judged state, the colour.
STATUS_CHOICES = [c for c in ALL_CHOICES if c.__name__.endswith("Status")] + [State, ledger_choices.WarningLevel]


def _zh(label) -> str:
    with translation.override("zh-hans"):
        return str(label)


# --- (a) the vocabularies ------------------------------------------------------------------------


def test_the_status_vocabularies_are_found():
    names = {c.__name__ for c in STATUS_CHOICES}
    assert {"ReportStatus", "AssignmentStatus", "TargetStatus", "NoticeStatus", "DisclosureStatus", "State"} <= names


@pytest.mark.parametrize("choices", STATUS_CHOICES, ids=lambda c: c.__name__)
def test_every_status_reads_as_a_status_in_chinese_and_each_is_told_apart(choices):
    words = {value: _zh(label) for value, label in choices.choices}
    for value, word in words.items():
        assert CJK.search(word), f"{choices.__name__}.{value} is not translated: {word!r}"
        assert not word.endswith(COLUMN_ENDINGS), f"{choices.__name__}.{value} reads as a column heading: {word}"
    assert len(set(words.values())) == len(words), f"two states of {choices.__name__} read alike: {words}"


@pytest.mark.parametrize("choices", STATUS_CHOICES, ids=lambda c: c.__name__)
def test_every_status_has_its_own_msgid_apart_from_headings(choices):
    """A status label is translated with a status context, so a heading of the same English word
    (Submitted, Issued, Published) can never take its translation."""
    for value, label in choices.choices:
        context = label._args[0] if len(label._args) == 2 else None
        assert context and context.endswith("status"), f"{choices.__name__}.{value} has no status context"


@pytest.mark.parametrize(
    ("context", "word", "expected"),
    [
        ("status", "Submitted", "已报送"),
        ("column", "Submitted", "报送时间"),
        ("status", "Issued", "已下达"),
        ("column", "Issued", "下发日期"),
        ("status", "Published", "已发布"),
        ("column", "Published", "发布时间"),
        ("status", "Filed", "已报送"),
        ("column", "Filed", "申诉时间"),
        ("status", "Open", "办理中"),
        ("follow-up", "Open", "未跟进"),
    ],
)
def test_a_word_used_as_a_state_and_as_a_heading_has_two_translations(context, word, expected):
    with translation.override("zh-hans"):
        assert translation.pgettext(context, word) == expected


def _catalogs() -> dict[str, dict[str, str]]:
    """Every compiled zh_Hans catalog of the project: its path -> {msgid (with context): msgstr}."""
    root = Path(settings.BASE_DIR)
    found = {}
    for path in sorted(root.glob("*/zh_Hans/LC_MESSAGES/django.mo")) + sorted(
        root.glob("*/locale/zh_Hans/LC_MESSAGES/django.mo")
    ):
        if ".venv" in path.parts:
            continue
        with path.open("rb") as handle:
            catalog = gettext.GNUTranslations(handle)._catalog
        found[str(path.relative_to(root))] = {
            (key if isinstance(key, str) else f"{key[0]}[{key[1]}]"): value for key, value in catalog.items() if key
        }
    return found


def test_one_msgid_has_one_translation_in_every_catalog():
    """Django merges the catalogs and the first one wins: a msgid translated two ways in two apps
    shows one app's meaning on the other's page (a status read as a column heading)."""
    catalogs = _catalogs()
    assert len(catalogs) >= 4, catalogs.keys()
    seen: dict[str, dict[str, str]] = {}
    for path, catalog in catalogs.items():
        for msgid, msgstr in catalog.items():
            seen.setdefault(msgid, {})[path] = msgstr
    clashes = {msgid.replace("\x04", " | "): by for msgid, by in seen.items() if len(set(by.values())) > 1}
    assert clashes == {}


# --- (b) the words on the pages ------------------------------------------------------------------


class _Text(HTMLParser):
    """The text a person sees: no scripts, styles or attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def _text(fragment: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


def _rows(html: str) -> list[str]:
    return re.findall(r"<tr\b.*?</tr>", html, flags=re.DOTALL)


def _page(username: str, url: str) -> str:
    client = Client()
    client.force_login(User.objects.get(username=username))
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


JUDGMENT_BADGE = re.compile(r'<span class="level level--\w+" data-state="(\w+)"[^>]*>([^<]*)<')
REPORT_BADGE = re.compile(r'<span class="status status--(\w+)">([^<]*)<')
NOTICE_BADGE = re.compile(r'class="state state--(\w+)">([^<]*)<')


def _badges(pattern, html: str) -> list[tuple[str, str]]:
    return [(code, " ".join(text.split())) for code, text in pattern.findall(html)]


def _assert_badges(badges: list[tuple[str, str]], vocabulary) -> None:
    assert badges, "no status badge on the page"
    for code, word in badges:
        assert word == _zh(vocabulary(code).label), (code, word)


@pytest.mark.django_db
def test_the_unit_workspace_shows_each_assignments_judged_state(demo):
    with at(DEMO_DAY):
        html = _page("staff_yicheng", "/unit/")
    _assert_badges(_badges(JUDGMENT_BADGE, html), State)


def _own_report_statuses(user) -> set[str]:
    own = ProgressReport.objects.for_user(user).filter(assignment__unit__roles__user=user)
    return set(own.values_list("status", flat=True))


@pytest.mark.django_db
def test_the_report_list_shows_each_reports_own_status_not_a_column_word(demo):
    # The demo's unit clerk whose reports are in the most states.
    clerks = User.objects.filter(roles__kind="staff", is_active=True).distinct()
    statuses, staff = max((_own_report_statuses(user), user.username) for user in clerks)
    assert len(statuses) >= 2
    with at(DEMO_DAY):
        everything = _page(staff, "/reports/")
        filtered = {status: _page(staff, f"/reports/?status={status}") for status in statuses}
    for html in [everything, *filtered.values()]:
        for row in _rows(html):
            link = re.search(r'href="/reports/(\d+)/"', row)
            badge = REPORT_BADGE.search(row)
            if link and badge:
                report = ProgressReport.objects.get(pk=link.group(1))
                assert badge.group(1) == report.status
                assert " ".join(badge.group(2).split()) == _zh(report.get_status_display())
    for status, html in filtered.items():
        assert {word for _code, word in _badges(REPORT_BADGE, html)} == {_zh(ReportStatus(status).label)}
    _assert_badges(_badges(REPORT_BADGE, everything), ReportStatus)
    assert re.search(r"<th>报送时间</th>", everything)  # the heading keeps its own word


@pytest.mark.django_db
def test_a_report_waiting_for_the_office_reads_submitted_in_the_queue_and_on_its_page(demo):
    waiting = ProgressReport.objects.filter(status=ReportStatus.SUBMITTED).first()
    assert waiting is not None
    with at(DEMO_DAY):
        queue = _page("office", "/office/reviews/")
        detail = _page("office", f"/reports/{waiting.pk}/")
    assert re.search(r"<th>报送时间</th>", queue)
    _assert_badges(_badges(REPORT_BADGE, detail), ReportStatus)
    assert _badges(REPORT_BADGE, detail) == [(ReportStatus.SUBMITTED, "已报送")]
    assert "报送时间" in visible_text(detail)


@pytest.mark.django_db
def test_the_target_ledger_shows_each_targets_status(demo):
    with at(DEMO_DAY):
        html = _page("office", "/targets/")
    checked = 0
    for row in _rows(html):
        link = re.search(r'href="/targets/(\d+)/"', row)
        if not link:
            continue
        target = Target.objects.get(pk=link.group(1))
        cells = re.findall(r"<td\b[^>]*>(.*?)</td>", row, flags=re.DOTALL)
        assert _text(cells[-1]) == _zh(target.get_status_display()), target.code
        checked += 1
    assert checked
    assert "下发日期" not in visible_text(html)


@pytest.mark.django_db
def test_the_assignment_filter_calls_open_links_in_hand_not_awaiting_follow_up(demo):
    with at(DEMO_DAY):
        html = _page("office", "/assignments/")
    assert re.search(r'<option value="open"[^>]*>办理中</option>', html)
    assert "未跟进" not in visible_text(html)
    issued = re.search(rf'<option value="{AssignmentStatus.ISSUED}"[^>]*>([^<]*)<', html)
    assert issued and issued.group(1) == "已下达"


@pytest.mark.django_db
def test_the_disclosures_show_their_status_and_a_version_not_a_hash(demo):
    with at(DEMO_DAY):
        listing = _page("office", "/disclosures/")
        published = Disclosure.objects.filter(status=DisclosureStatus.PUBLISHED).first()
        assert published is not None
        detail = _page("office", f"/disclosures/{published.pk}/")
    checked = 0
    for row in _rows(listing):
        link = re.search(r'href="/disclosures/(\d+)/"', row)
        if not link:
            continue
        disclosure = Disclosure.objects.get(pk=link.group(1))
        assert _zh(disclosure.get_status_display()) in _text(row)
        assert "发布时间" not in _text(row)
        checked += 1
    assert checked
    assert re.search(r"<th>发布时间</th>", listing)
    heading = re.search(r'<h1>.*?<span class="tag">([^<]*)</span>', detail, flags=re.DOTALL)
    assert heading and heading.group(1) == "已发布"
    text = visible_text(detail)
    assert "指纹" not in text and "数据版本" in text and "第1版" in text
    assert published.digest[:12] not in text


@pytest.mark.django_db
def test_the_notice_register_and_inbox_show_each_notices_own_status(demo):
    with at(DEMO_DAY):
        register = _page("office", "/notices/")
        inbox = _page("staff_yicheng", "/notices/inbox/")
    for row in _rows(register):
        link = re.search(r'href="/notices/(\d+)/"', row)
        badge = NOTICE_BADGE.search(row)
        if link and badge:
            assert badge.group(1) == Notice.all_notices.get(pk=link.group(1)).status
    _assert_badges(_badges(NOTICE_BADGE, register), NoticeStatus)
    _assert_badges(_badges(NOTICE_BADGE, inbox), NoticeStatus)
    assert re.search(r"<th>下发日期</th>", register)
    assert re.search(r'<option value="open"[^>]*>办理中</option>', register)


@pytest.mark.django_db
def test_the_problem_list_and_the_follow_ups_name_their_open_tabs_apart(demo):
    with at(DEMO_DAY):
        problems = visible_text(_page("office", "/notices/problems/"))
        follow_ups = visible_text(_page("office", "/office/follow-ups/"))
    assert "待处理" in problems and "未跟进" not in problems
    assert "未跟进" in follow_ups


@pytest.mark.django_db
def test_the_scoring_rules_name_every_rule_in_words_and_show_no_code(demo):
    with at(DEMO_DAY):
        text = visible_text(_page("office", "/scores/rules/"))
    for code, label in RuleCode.choices:
        assert _zh(label) in text
        assert code not in text


# --- (c) no code reaches a person ----------------------------------------------------------------

# Every value of a vocabulary that is a code rather than a word (report_late, in_progress), and the
# keys of the scan's summary (issued_yellow).
CODES = sorted(
    {str(value) for choices in ALL_CHOICES for value in choices.values if "_" in str(value)}
    | set(SUMMARY_LABELS)
    | {"issued_yellow", "issued_orange", "issued_red"}
)
CODE = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, CODES)) + r")(?![\w-])")
ROLES = ["office", "mayor", "head_fgw", "staff_fgw", "staff_yicheng"]


def test_the_code_pattern_catches_the_codes_people_saw():
    assert CODE.search("规则 report_late 扣分") and CODE.search("issued_yellow: 55")
    assert not CODE.search("staff_yicheng 驿城区联络员")


@pytest.mark.django_db
@pytest.mark.parametrize("username", ROLES)
def test_no_code_shows_on_any_page_a_role_opens(demo, username):
    from tests.crawl import crawl, seeds

    leaks: dict[str, list[str]] = {}

    def read(url, html):
        found = CODE.findall(visible_text(html))
        if found:
            leaks[url] = sorted(set(found))

    client = Client()
    client.force_login(User.objects.get(username=username))
    with at(DEMO_DAY):
        crawled = crawl(client, ["/", *seeds()], per_pattern=1, limit=70, on_page=read)
    assert sum(status == 200 for status in crawled.statuses.values()) >= 10
    assert leaks == {}
