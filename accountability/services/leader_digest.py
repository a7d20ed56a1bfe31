"""The leaders' digest (领导摘要): each city leader who asked for it gets, every day or once a week,
what happened in their scope (我分管的; the mayor's is the city), with links to the pages.

Four sections: new red warnings (since the day before, or in the last seven days for a weekly
digest), the leader's own 批示 overdue, what waits for their approval, and the week's trend. Every
figure is read from the selector behind the same figure on the leader's home page and dashboard
(``leader_today()``, ``overdue_instructions()``, ``waiting_querysets()``, ``weekly_trend()``), so a
number is the same in the digest and on the page its link opens.

The digest is an ``InboxMessage`` (kind ``lead_digest``, one per person per day by a unique
constraint) made by ``deliver_plain()``: the inbox has it at once and the message's other ways out
(email, and the person's chosen channel) follow after commit.

An empty daily digest (no new red, nothing overdue, nothing waiting) is not sent: a daily message
saying "nothing" teaches a busy leader to ignore the next one. A weekly digest is always sent, with
"nothing new" where a section is empty: it carries the week's trend, and a leader who asked for it
should be able to tell "quiet week" from "the system stopped writing".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from core import clock
from core.access import RoleKind
from core.errors import RuleViolation
from core.permissions import can
from tasks.choices import OPEN_ASSIGNMENT_STATUSES, WarningLevel
from tasks.models import Assignment, Role, User
from tasks.numbers import percent_text
from tasks.selectors import dashboard as figures
from tasks.selectors.assignments import newly_red_filter
from tasks.selectors.home import leader_assignments, leader_today
from tasks.selectors.scope import user_scope

from ..choices import DigestFrequency, MessageKind
from ..models import InboxMessage, LeaderDigestPreference
from ..selectors.leader_today import overdue_instructions, waiting_querysets
from .delivery import deliver_leader_digest
from .notice_texts import day_text

NAMED = 5  # items named under a section; the link opens the rest
ITEM_PREFIX = "· "  # an item line under a section (the message page indents it)


@dataclass
class DigestSection:
    """One section: its heading, its count (and the count's words), the page that lists it, and a
    few items named."""

    heading: str
    count: int
    summary: str
    link: str
    lines: list[str] = field(default_factory=list)


@dataclass
class LeaderDigest:
    day: dt.date
    weekly: bool
    subject: str
    sections: list[DigestSection]
    nothing_new: str = ""  # the words for an empty section, in the language it was composed in

    @property
    def empty(self) -> bool:
        """Nothing to act on: no new red, nothing overdue, nothing waiting (the trend is not news)."""
        return not any(section.count for section in self.sections)

    @property
    def lines(self) -> list[str]:
        """The message's body, a line each: a section's heading with its count and link, then its items."""
        out: list[str] = []
        for section in self.sections:
            out.append(f"【{section.heading}】{section.summary} {section.link}")  # a space: the link stands alone
            out.extend(section.lines or [ITEM_PREFIX + self.nothing_new])
        return out


def _url(name: str, query: dict | None = None, args=None) -> str:
    url = settings.ZMD_SITE_URL + reverse(name, args=args)
    return f"{url}?{urlencode(query)}" if query else url


def _red_section(user, scope, day: dt.date, today: dict, window: int) -> DigestSection:
    count = today["red_yesterday"] if window == 1 else today["red_week"]
    rows = (
        leader_assignments(user, scope, day)
        .filter(newly_red_filter(window))
        .select_related("target", "unit")
        .order_by("target__code", "unit__sort_order", "pk")[:NAMED]
    )
    label = _("new reds since yesterday") if window == 1 else _("new reds in the last 7 days")
    query = {"year": day.year, "red_since": window, "scope": today["scope"]}
    return DigestSection(
        _("New red warnings"),
        count,
        f"{count} {label}",
        _url("assignment_list", query),
        [f"{ITEM_PREFIX}{row.target.code} {row.target.title} — {row.unit.name}" for row in rows],
    )


def _instruction_section(user, day: dt.date) -> DigestSection:
    overdue = overdue_instructions(user, day)
    count = overdue.count()
    rows = overdue.select_related("target").order_by("due_date", "pk")[:NAMED] if count else []
    return DigestSection(
        _("Overdue instructions"),
        count,
        f"{count} {_('of my instructions overdue')}",
        _url("instructions:list", {"overdue": "on"}),
        [
            ITEM_PREFIX
            + _("%(target)s, to be answered by %(day)s") % {"target": row.target.title, "day": day_text(row.due_date)}
            for row in rows
        ],
    )


def _approval_section(user, day: dt.date, today: dict) -> DigestSection:
    waiting = waiting_querysets(user) or {}
    counts = {kind: rows.count() for kind, rows in waiting.items()}
    counts["extensions"] = today["waiting"]
    labels = {
        "cases": (_("accountability cases to decide"), _url("cases:list", {"status": "proposed"})),
        "exposures": (
            _("exposures to approve"),
            _url("notices:register", {"kind": "exposure", "state": "proposed"}),
        ),
        "disclosures": (_("disclosures to approve"), _url("disclosures:list")),
        "extensions": (
            _("extension requests waiting for a decision"),
            _url("assignment_list", {"year": day.year, "extension": "on", "scope": today["scope"]}),
        ),
    }
    lines = []
    for kind, (label, link) in labels.items():
        if not counts.get(kind):
            continue
        lines.append(f"{ITEM_PREFIX}{counts[kind]} {label} · {link}")
        if kind == "cases":
            for case in waiting["cases"].select_related("unit", "assignment__target")[:NAMED]:
                lines.append(f"  {ITEM_PREFIX}{case.unit.name} — {case.assignment.target.title}")
        elif kind == "exposures":
            for notice in waiting["exposures"].select_related("unit")[:NAMED]:
                lines.append(f"  {ITEM_PREFIX}{notice} — {notice.unit.name if notice.unit_id else ''}")
    total = sum(counts.values())
    summary = _("%(count)d waiting for me") % {"count": total}
    return DigestSection(_("Waiting for my approval"), total, summary, _url("home"), lines)


def _trend_section(user, scope, day: dt.date, today: dict) -> DigestSection:
    """This week against the week before: the average plan and completion at each week's end (the
    dashboard's trend: the kept city figures for the mayor, the scope's own for a vice-mayor) and
    the red warnings in force now and a week ago."""
    assignments = figures.issued(Assignment.objects.for_user(user).filter(target__year=day.year))
    trend = figures.shown_trend(scope.assignments(assignments), day.year, day, scope=scope)
    planned, actual = trend["planned"][-2:], trend["actual"][-2:]
    if len(planned) < 2:  # the year's first week: nothing before it
        planned, actual = [0.0, *planned][-2:], [0.0, *actual][-2:]
    # Both counts over the assignments open today (as the home page's new reds): one finished
    # during the week drops out of both, so the difference is the week's change in standing reds.
    open_now = Q(status__in=OPEN_ASSIGNMENT_STATUSES)
    reds = leader_assignments(user, scope, day).aggregate(
        now=Count("pk", filter=open_now & Q(level_now=WarningLevel.RED)),
        week_ago=Count("pk", filter=open_now & Q(level_7=WarningLevel.RED)),
    )
    lines = [
        ITEM_PREFIX
        + _("Average completion %(now)s (a week before %(before)s)")
        % {"now": percent_text(actual[1]), "before": percent_text(actual[0])},
        ITEM_PREFIX
        + _("Average plan %(now)s (a week before %(before)s)")
        % {"now": percent_text(planned[1]), "before": percent_text(planned[0])},
        ITEM_PREFIX
        + _("Red warnings in force %(now)d (a week before %(before)d)")
        % {"now": reds["now"], "before": reds["week_ago"]},
    ]
    return DigestSection(
        _("This week's trend"),
        0,  # the trend is no item to act on: it never makes a digest worth sending alone
        _("Open the dashboard"),
        _url("dashboard", {"year": day.year, "scope": today["scope"]}),
        lines,
    )


def compose_leader_digest(user, day: dt.date, *, weekly: bool = False) -> LeaderDigest | None:
    """What ``user``'s digest of ``day`` says (a weekly one counts the last seven days' new reds);
    None for someone who holds no leader post. Composed in the site's language, like every message."""
    scope = user_scope(user)
    if scope is None:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        today = leader_today(user, scope, day)
        sections = [
            _red_section(user, scope, day, today, 7 if weekly else 1),
            _instruction_section(user, day),
            _approval_section(user, day, today),
            _trend_section(user, scope, day, today),
        ]
        counts = {
            "day": day_text(day),
            "reds": sections[0].count,
            "overdue": sections[1].count,
            "waiting": sections[2].count,
        }
        title = _("Weekly digest of %(day)s") if weekly else _("Daily digest of %(day)s")
        subject = (
            title % counts
            + "："
            + (_("%(reds)d new reds, %(overdue)d overdue instructions, %(waiting)d waiting for my approval") % counts)
        )
        nothing_new = _("Nothing new here")
    return LeaderDigest(day=day, weekly=weekly, subject=subject[:200], sections=sections, nothing_new=nothing_new)


def choose_leader_digest(user, *, frequency: str, weekday, acting_user) -> LeaderDigestPreference:
    """A leader's own choice (/profile/): every day, once a week on ``weekday`` (0 Monday … 6
    Sunday), or not at all. Only the leader chooses, and only for themself; a bad choice is refused
    with what is wrong and leaves the stored one as it was."""
    if acting_user.pk != user.pk or not can(user, "leader_digest.choose"):
        raise RuleViolation(_("Only a city leader chooses their own digest."))
    if frequency not in DigestFrequency.values:
        raise RuleViolation({"frequency": [_("Choose every day, once a week or not at all.")]})
    try:
        weekday = int(weekday) if weekday not in (None, "") else None
    except (TypeError, ValueError):
        weekday = -1
    if frequency == DigestFrequency.WEEKLY and (weekday is None or not 0 <= weekday <= 6):
        raise RuleViolation({"weekday": [_("Choose the day of the week the digest comes on.")]})
    preference, _created = LeaderDigestPreference.objects.update_or_create(
        user=user,
        defaults={
            "frequency": frequency,
            # The weekday is kept when the digest is daily or off: choosing weekly again offers it.
            **({"weekday": weekday} if weekday is not None and 0 <= weekday <= 6 else {}),
            "updated_at": clock.now(),
        },
    )
    return preference


def is_due(preference: LeaderDigestPreference, day: dt.date) -> bool:
    if preference.frequency == DigestFrequency.DAILY:
        return True
    return preference.frequency == DigestFrequency.WEEKLY and day.weekday() == preference.weekday


def leaders_due(day: dt.date) -> list[tuple[User, LeaderDigestPreference]]:
    """Active people holding a leader post of their own whose choice makes ``day`` a digest day and
    who have no digest of ``day`` yet. A secretary gets none: the digest is the leader's."""
    holders = Role.objects.filter(kind=RoleKind.LEADER, user__is_active=True).values("user_id")
    already = InboxMessage.objects.filter(kind=MessageKind.LEADER_DIGEST, day=day).values("recipient_id")
    preferences = (
        LeaderDigestPreference.objects.filter(user__in=holders)
        .exclude(frequency=DigestFrequency.OFF)
        .exclude(user__in=already)
        .select_related("user")
        .order_by("user_id")
    )
    return [(preference.user, preference) for preference in preferences if is_due(preference, day)]


def send_leader_digest(user, day: dt.date, *, weekly: bool) -> InboxMessage | None:
    """Compose and deliver one leader's digest of ``day``, unless it is empty (daily) or already sent."""
    digest = compose_leader_digest(user, day, weekly=weekly)
    if digest is None or (digest.empty and not weekly):
        return None
    try:
        # A savepoint: a second run racing this one hits the unique constraint and changes nothing.
        with transaction.atomic():
            messages = deliver_leader_digest(user, day, subject=digest.subject, body="\n".join(digest.lines))
    except IntegrityError:
        return None
    return messages[0] if messages else None


def send_leader_digests(day: dt.date) -> dict[str, int]:
    """Every leader's digest due on ``day``; safe to run twice (a second run finds them sent)."""
    sent = skipped = 0
    for user, preference in leaders_due(day):
        message = send_leader_digest(user, day, weekly=preference.frequency == DigestFrequency.WEEKLY)
        if message is None:
            skipped += 1
        else:
            sent += 1
    return {"sent": sent, "skipped": skipped}
