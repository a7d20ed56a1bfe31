"""Separation of duties: the office prepares, a city leader approves, and nobody approves what
they prepared themselves (accountability cases, exposure notices, public disclosures, assessments)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.access import access_for
from core.errors import RuleViolation


def refuse_unless_office(acting_user) -> None:
    if not access_for(acting_user).office:
        raise RuleViolation(_("Only the supervision office may do this."))


def refuse_own_approval(preparer_id, acting_user) -> None:
    if preparer_id is not None and preparer_id == acting_user.pk:
        raise RuleViolation(_("You cannot approve what you proposed yourself."))


def refuse_unless_leader(acting_user, what: str) -> None:
    if not access_for(acting_user).is_leader:
        raise RuleViolation(_("Only a city leader approves %(what)s.") % {"what": what})
