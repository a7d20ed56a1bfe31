"""The accessibility walk: log in as a demo person in Chromium, follow the links that person sees
(GET only, bounded), and check each page with axe-core (serious and critical findings, plus the
few lesser rules we fixed once and keep fixed), for a page wider than the screen, and for raw code
(snake_case identifiers such as ``report_late``) in the visible text.

axe-core is a test asset (tests/vendor/axe-core/, from npm, MPL-2.0), never served. It is run with
``page.evaluate`` of its source, which the page's Content Security Policy does not govern, so the
walk checks the site with its CSP on. Used by tests/test_accessibility.py (CI, bounded) and
tests/full_walk.py (``make walk``: every role, both widths, screenshots and a table).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
PASSWORD = "zmd-demo-2018"  # the demo's (README)
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
FAILING_IMPACTS = {"serious", "critical"}
# Lesser rules a user walk found and we fixed: they stay fixed.
ALSO_FAILING = {"empty-table-header", "landmark-unique"}
# Not walked: Django's admin and the API (its schema is a download, its docs are Swagger UI's own
# vendored page; tests/test_api*.py cover both), leaving, the language switch, files, and downloads
# (sheets, evidence, notices as documents).
SKIP = re.compile(
    r"^/(admin/|api/|static/|media/|accounts/logout|i18n/|favicon|healthz|metrics)"
    r"|\.(xlsx|xls|csv|pdf|zip|docx?)$|/download/|/evidence/|/export"
)
NUMBER = re.compile(r"\d+")
# A snake_case identifier: lower-case words joined by underscores (report_late, close_out); not a
# token with digits such as x86_64 in a browser's name.
RAW_CODE = re.compile(r"(?<![\w./@-])[a-z]+(?:_[a-z]+)+(?![\w/@-])", re.ASCII)

_VIOLATIONS_JS = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.join(' ')),
  }));
}"""
_OVERFLOW_JS = """() => {
  const root = document.scrollingElement;
  return {scrollWidth: root.scrollWidth, innerWidth: window.innerWidth};
}"""
# Visible text, leaving out code samples and what a person typed (inputs are not text anyway).
_TEXT_JS = """() => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const parts = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest('script, style, code, kbd, samp, pre, noscript, template')) continue;
    if (!parent.checkVisibility()) continue;
    parts.push(node.textContent);
  }
  return parts.join(' ');
}"""
_LINKS_JS = "() => Array.from(document.querySelectorAll('a[href]:not([download])'), a => a.getAttribute('href'))"
# A form page: a POST form with at least two fields a person fills in. The attribute, not form.method:
# a field named "method" (the check form's 方式) shadows the property.
_IS_FORM_JS = """() => Array.from(document.querySelectorAll('form')).some(form =>
  (form.getAttribute('method') || '').toLowerCase() === 'post' &&
  Array.from(form.querySelectorAll('input, textarea, select')).filter(el =>
    !['hidden', 'submit', 'button', 'reset'].includes((el.type || '').toLowerCase())).length >= 2)"""


def pattern(path: str) -> str:
    return NUMBER.sub("<n>", path)


def slug(url: str) -> str:
    parts = urlsplit(url)
    text = parts.path.strip("/").replace("/", "_") or "home"
    if parts.query:
        text += "__" + re.sub(r"[^\w-]+", "-", parts.query)
    return text[:120]


@dataclass
class Finding:
    rule: str
    impact: str
    page: str
    target: str
    help: str = ""

    def __str__(self):
        return f"[{self.impact}] {self.rule} on {self.page}: {self.target} ({self.help})"


@dataclass
class PageCheck:
    url: str
    width: int
    findings: list[Finding] = field(default_factory=list)  # every axe violation, whatever its impact
    overflow: int = 0  # pixels wider than the screen
    raw_code: list[str] = field(default_factory=list)
    is_form: bool = False

    @property
    def failures(self) -> list[str]:
        failed = [str(f) for f in self.findings if f.impact in FAILING_IMPACTS or f.rule in ALSO_FAILING]
        if self.overflow:
            failed.append(f"{self.url} at {self.width}px is {self.overflow}px wider than the screen")
        if self.raw_code:
            failed.append(f"{self.url} shows raw code: {', '.join(sorted(set(self.raw_code)))}")
        return failed


def check_page(page, url: str, *, width: int, allowed_words: frozenset[str] = frozenset()) -> PageCheck:
    """Check the page already loaded at ``url``."""
    check = PageCheck(url, width)
    page.evaluate(AXE_SOURCE)
    for violation in page.evaluate(_VIOLATIONS_JS):
        for target in violation["targets"]:
            check.findings.append(Finding(violation["id"], violation["impact"], url, target, violation["help"]))
    sizes = page.evaluate(_OVERFLOW_JS)
    check.overflow = max(0, sizes["scrollWidth"] - sizes["innerWidth"] - 1)
    check.raw_code = [word for word in RAW_CODE.findall(page.evaluate(_TEXT_JS)) if word not in allowed_words]
    check.is_form = page.evaluate(_IS_FORM_JS)
    return check


def log_in(context, base: str, username: str):
    """A page of ``context`` logged in as ``username``, on the landing page the login leads to."""
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert "/accounts/login/" not in page.url, f"{username} could not log in"
    return page


@dataclass
class Walk:
    checks: list[PageCheck] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # url -> what went wrong loading it

    @property
    def failures(self) -> list[str]:
        found = [failure for check in self.checks for failure in check.failures]
        found += [f"{url}: {error}" for url, error in self.errors.items()]
        return found


def walk(
    page,
    base: str,
    *,
    width: int,
    per_pattern: int = 1,
    limit: int = 80,
    shots: Path | None = None,
    allowed_words: frozenset[str] = frozenset(),
) -> Walk:
    """Visit the pages reachable from where ``page`` stands (its landing page), GET only.

    ``per_pattern`` pages of each path with its numbers blanked out (``/reports/<n>/``),
    whatever their query strings, so the walk stays bounded however much the demo holds."""
    result = Walk()
    landing = page.url
    queue = [landing]
    seen: set[str] = set()
    per: Counter[str] = Counter()
    while queue and len(seen) < limit:
        url = queue.pop(0)
        parts = urlsplit(url)
        local = parts.path + (f"?{parts.query}" if parts.query else "")
        if not url.startswith(base) or SKIP.search(parts.path) or local in seen:
            continue
        key = pattern(parts.path)
        if per[key] >= per_pattern:
            continue
        per[key] += 1
        seen.add(local)
        try:
            response = page.goto(url)
        except Exception as error:  # a download, or a page that never loaded
            result.errors[local] = str(error).splitlines()[0]
            continue
        if response is None or "html" not in (response.headers.get("content-type") or ""):
            continue
        if response.status >= 400:
            if response.status >= 500:
                result.errors[local] = f"HTTP {response.status}"
            continue
        check = check_page(page, local, width=width, allowed_words=allowed_words)
        result.checks.append(check)
        if shots is not None:
            shots.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shots / f"{slug(local)}.png"), full_page=True)
        for href in page.evaluate(_LINKS_JS):
            target = urljoin(url, href).split("#")[0]
            if target.startswith(base):
                queue.append(target)
    return result


def summary(walks: dict[str, Walk]) -> str:
    """A table of axe findings per rule: impact, nodes, page loads, and roles it was seen by."""
    nodes: Counter[tuple[str, str]] = Counter()
    pages: dict[tuple[str, str], set[tuple[str, str, int]]] = defaultdict(set)
    loads = 0
    for name, done in walks.items():
        loads += len(done.checks)
        for check in done.checks:
            for finding in check.findings:
                key = (finding.rule, finding.impact)
                nodes[key] += 1
                pages[key].add((name, check.url, check.width))
    lines = [f"{'rule':32} {'impact':10} {'nodes':>6} {'loads':>6}", "-" * 58]
    order = {"critical": 0, "serious": 1, "moderate": 2, "minor": 3}
    for rule, impact in sorted(nodes, key=lambda k: (order.get(k[1], 9), k[0])):
        lines.append(f"{rule:32} {impact:10} {nodes[rule, impact]:>6} {len(pages[rule, impact]):>6}")
    overflow = sum(1 for done in walks.values() for check in done.checks if check.overflow)
    raw = sum(1 for done in walks.values() for check in done.checks if check.raw_code)
    errors = sum(len(done.errors) for done in walks.values())
    lines.append("-" * 58)
    lines.append(f"{loads} page loads; {overflow} wider than the screen; {raw} with raw code; {errors} errors")
    return "\n".join(lines)
