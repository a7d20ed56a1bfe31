"""Public disclosure (公示晾晒): prepare a snapshot, preview, approve, publish; corrections are new."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from django.db import transaction
from django.utils.translation import gettext as _

from core import clock
from core.errors import RuleViolation
from core.periods import month_end
from tasks.services import save_with_history, validate_and_save
from tasks.services.delegation import signed_reason

from ..choices import DisclosureStatus
from ..models import Disclosure
from ..selectors.snapshot import build_snapshot
from .duties import refuse_own_approval, refuse_unless_leader


def _digest(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _snapshot(disclosure: Disclosure) -> None:
    disclosure.data = build_snapshot(
        as_of=disclosure.as_of,
        show_responsible_persons=disclosure.show_responsible_persons,
        show_proposers=disclosure.show_proposers,
    )
    disclosure.digest = _digest(disclosure.data)


def prepare_disclosure(
    *,
    month: dt.date,
    acting_user,
    title: str = "",
    note: str = "",
    show_responsible_persons: bool = False,
    show_proposers: bool = False,
) -> Disclosure:
    """A draft for the month, its figures taken now (as of the month's end, or today if sooner)."""
    first = month.replace(day=1)
    today = clock.today()
    if first > today:
        raise RuleViolation({"month": [_("This month has not begun; there is nothing to publish yet.")]})
    label = _("%(year)s-%(month)02d") % {"year": first.year, "month": first.month}
    disclosure = Disclosure(
        title=title.strip() or _("Progress of the year's targets, %(period)s") % {"period": label},
        period_label=label,
        as_of=min(month_end(first), today),
        note=note.strip(),
        show_responsible_persons=show_responsible_persons,
        show_proposers=show_proposers,
        prepared_by=acting_user,
        prepared_at=clock.now(),
    )
    _snapshot(disclosure)
    with transaction.atomic():
        validate_and_save(disclosure, acting_user=acting_user, reason=_("Disclosure prepared"))
    return disclosure


def _correction_title(title: str) -> str:
    """The original's title marked as a correction, the title cut so that the mark always fits."""
    marked = _("%(title)s (correction)") % {"title": title}
    room = Disclosure._meta.get_field("title").max_length
    if len(marked) <= room:
        return marked
    return _("%(title)s (correction)") % {"title": title[: room - (len(marked) - len(title)) - 1] + "…"}


def prepare_correction(original: Disclosure, *, correction_note: str, acting_user) -> Disclosure:
    """A corrected publication of the same period; the original stays readable, marked as corrected."""
    if original.status != DisclosureStatus.PUBLISHED:
        raise RuleViolation(_("Only a published disclosure can be corrected."))
    if Disclosure.objects.filter(corrects=original).exists():
        raise RuleViolation(_("A correction of this disclosure already exists; correct that one instead."))
    if not correction_note.strip():
        raise RuleViolation({"correction_note": [_("Say what the correction changes.")]})
    correction = Disclosure(
        title=_correction_title(original.title),
        period_label=original.period_label,
        as_of=original.as_of,
        note=original.note,
        show_responsible_persons=original.show_responsible_persons,
        show_proposers=original.show_proposers,
        corrects=original,
        correction_note=correction_note.strip(),
        prepared_by=acting_user,
        prepared_at=clock.now(),
    )
    _snapshot(correction)
    with transaction.atomic():
        validate_and_save(correction, acting_user=acting_user, reason=_("Correction prepared"))
    return correction


def refresh_disclosure(disclosure: Disclosure, *, acting_user, **options) -> Disclosure:
    """Take the figures again (and change the wording or options) while it is still a draft."""
    allowed = {"title", "note", "show_responsible_persons", "show_proposers"}
    unknown = set(options) - allowed
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    with transaction.atomic():
        disclosure = Disclosure.objects.select_for_update().get(pk=disclosure.pk)
        if disclosure.status != DisclosureStatus.DRAFT:
            raise RuleViolation(_("An approved or published disclosure is frozen; prepare a correction instead."))
        for name, value in options.items():
            setattr(disclosure, name, value.strip() if isinstance(value, str) else value)
        if not disclosure.title:
            raise RuleViolation({"title": [_("Give the disclosure a title.")]})
        disclosure.prepared_by, disclosure.prepared_at = acting_user, clock.now()
        _snapshot(disclosure)
        save_with_history(disclosure, acting_user=acting_user, reason=_("Figures taken again"))
    return disclosure


def _move(disclosure: Disclosure, *, frm: str, to: str, acting_user, reason: str, fields=()) -> Disclosure:
    with transaction.atomic():
        disclosure = Disclosure.objects.select_for_update().get(pk=disclosure.pk)
        if disclosure.status != frm:
            raise RuleViolation(
                _("This disclosure is %(status)s; it cannot be %(action)s.")
                % {"status": disclosure.get_status_display(), "action": reason}
            )
        disclosure.status = to
        now = clock.now()
        for prefix in fields:
            setattr(disclosure, f"{prefix}_by", acting_user)
            setattr(disclosure, f"{prefix}_at", now)
        update = ["status", *(f"{p}_{s}" for p in fields for s in ("by", "at"))]
        save_with_history(disclosure, acting_user=acting_user, reason=reason, update_fields=update)
    return disclosure


def approve_disclosure(disclosure: Disclosure, *, acting_user) -> Disclosure:
    """A city leader checks the figures the office prepared (never their own): from now on they are frozen."""
    refuse_unless_leader(acting_user, _("a disclosure"))
    refuse_own_approval(disclosure.prepared_by_id, acting_user)
    return _move(
        disclosure,
        frm=DisclosureStatus.DRAFT,
        to=DisclosureStatus.APPROVED,
        acting_user=acting_user,
        reason=signed_reason(_("approved"), acting_user)[1],
        fields=("approved",),
    )


def reopen_disclosure(disclosure: Disclosure, *, acting_user) -> Disclosure:
    """Take back an approval before publishing (the draft may then be refreshed)."""
    return _move(
        disclosure,
        frm=DisclosureStatus.APPROVED,
        to=DisclosureStatus.DRAFT,
        acting_user=acting_user,
        reason=_("reopened"),
    )


def publish_disclosure(disclosure: Disclosure, *, acting_user) -> Disclosure:
    """The public pages show it from now on."""
    return _move(
        disclosure,
        frm=DisclosureStatus.APPROVED,
        to=DisclosureStatus.PUBLISHED,
        acting_user=acting_user,
        reason=_("published"),
        fields=("published",),
    )


def discard_disclosure(disclosure: Disclosure, *, acting_user) -> None:
    if disclosure.status != DisclosureStatus.DRAFT:
        raise RuleViolation(_("Only a draft can be discarded."))
    with transaction.atomic():
        disclosure._history_user = acting_user
        disclosure.delete()
