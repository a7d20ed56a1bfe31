"""A small crawler for the page tests: follow every link a person can see, remember each page's
query parameters and forms, so that a fuzzing test can replay them with values nobody expected.

Pages are grouped by their path with numbers replaced (``/reports/<n>/``); a few of each are
visited, so the crawl stays bounded however much data the demo has.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

from django.test import Client

# Not crawled: the admin is Django's own, and so are the API's docs (Swagger UI, vendored; its own
# colours; tests/test_api.py serves it and tests/test_api_schemathesis.py walks the API), logout ends
# the session, static files are files; /healthz answers 503 while a check fails (that is its answer,
# tests/test_healthz.py) and /metrics is for Prometheus (tests/test_metrics.py).
SKIP = re.compile(r"^/(admin/|api/|static/|media/|accounts/logout|i18n/|favicon|healthz|metrics)")
NUMBER = re.compile(r"\d+")


def pattern(path: str) -> str:
    return NUMBER.sub("<n>", path)


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str]  # name -> the value the page offered (first one)
    choices: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Page:
    path: str
    params: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # name -> values seen
    forms: list[Form] = field(default_factory=list)


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form":
            self.forms.append(Form(attrs.get("action") or "", (attrs.get("method") or "get").lower(), {}))
        elif self.forms and tag in ("input", "textarea", "select") and attrs.get("name"):
            form, name = self.forms[-1], attrs["name"]
            if attrs.get("type") in ("file", "submit", "button") and name != "action":
                return
            if attrs.get("type") in ("checkbox", "radio"):
                form.choices.setdefault(name, []).append(attrs.get("value") or "on")
            form.fields.setdefault(name, attrs.get("value") or "")
            if tag == "select":
                self._select = name
        elif tag == "option" and self._select and self.forms:
            self.forms[-1].choices.setdefault(self._select, []).append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


@dataclass
class Crawl:
    pages: dict[str, Page]  # by pattern
    statuses: dict[str, int]  # every URL visited -> status

    def server_errors(self) -> dict[str, int]:
        return {url: status for url, status in self.statuses.items() if status >= 500}


def crawl(client: Client, seeds: list[str], *, per_pattern: int = 2, limit: int = 120, on_page=None) -> Crawl:
    """Visit the pages reachable from ``seeds`` (GET only), at most ``per_pattern`` of each pattern;
    ``on_page(url, html)`` sees each HTML page as it is met, so a check need not fetch it again."""
    pages: dict[str, Page] = {}
    statuses: dict[str, int] = {}
    seen_per_pattern: dict[str, int] = defaultdict(int)
    queue = list(seeds)
    while queue and len(statuses) < limit:
        url = queue.pop(0)
        parts = urlsplit(url)
        if parts.netloc or not parts.path.startswith("/") or SKIP.match(parts.path) or url in statuses:
            continue
        key = pattern(parts.path)
        if seen_per_pattern[key] >= per_pattern and parts.query == "":
            continue
        seen_per_pattern[key] += 1
        response = client.get(url)
        statuses[url] = response.status_code
        page = pages.setdefault(key, Page(parts.path))
        for name, value in parse_qsl(parts.query, keep_blank_values=True):
            page.params[name].add(value)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode(errors="replace")
        if on_page:
            on_page(url, html)
        parser = _Parser()
        parser.feed(html)
        for form in parser.forms:
            form.action = urljoin(parts.path, form.action) if form.action else parts.path
            pages.setdefault(pattern(urlsplit(form.action).path), Page(urlsplit(form.action).path)).forms.append(form)
            if form.method == "get":
                for name in form.fields:
                    page.params[name].add(form.fields[name])
        for href in parser.links:
            target = urljoin(url, href).split("#")[0]
            if target and target not in statuses:
                queue.append(target)
    return Crawl(pages, statuses)


def seeds() -> list[str]:
    """Every page of the site that takes no argument in its path, from the URL configuration."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found: list[str] = []

    def walk(patterns, prefix: str):
        for entry in patterns:
            route = str(entry.pattern)
            if "<" in route or route.startswith("^"):
                continue
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + route)
            elif isinstance(entry, URLPattern):
                found.append("/" + prefix + route)

    walk(get_resolver().url_patterns, "")
    return [url for url in found if not SKIP.match(url)]


# Values nobody should send, and some they might: out-of-range dates and years, other calendars'
# days, numbers too large for any column, text where a number belongs, nothing at all.
AWKWARD = [
    "", " ", "0", "-1", "-5", "1", "2", "2017", "2019", "1999", "2101", "99999999999999999999", "1e309", "NaN",
    "0001-01-01", "9999-12-31", "2018-02-30", "2018-13-01", "2019-01-01", "2018-09", "0001-01", "9999-12",
    "2018年9月", "abc", "<script>", "'; --", "on", "１２", "\u202e", "x" * 300,
]  # fmt: skip
