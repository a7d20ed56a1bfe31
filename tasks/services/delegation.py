"""A secretary (秘书) acting for a city leader on instructions and approvals.

The leader's user gives the delegation (``Delegation``); ``core/access.py`` then lends the
secretary the leader's posts. What the secretary writes is the leader's, and the record says who
wrote it: "秘书 X 代 Y".
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.access import access_for
from core.errors import RuleViolation

from ..models import Delegation, User
from .common import save_with_history


def acted_for(user) -> User | None:
    """The leader in whose name ``user`` writes: the one they act for, when they hold no post of their
    own (a secretary for several leaders writes for the first; the choice is a later refinement)."""
    access = access_for(user)
    if not access.is_secretary_only:
        return None
    return User.objects.filter(pk__in=access.acting_for_user_ids).order_by("pk").first()


def on_behalf_label(secretary, leader) -> str:
    """秘书 X 代 Y: how the record names a secretary's act for a leader."""
    return _("Secretary %(secretary)s for %(leader)s") % {"secretary": secretary, "leader": leader}


def signed_reason(reason: str, acting_user) -> tuple[User | None, str]:
    """The leader a secretary acts for (None when ``acting_user`` acts in their own name) and the
    history reason, naming both when a secretary acts: "… · 秘书 X 代 Y"."""
    leader_user = acted_for(acting_user)
    if leader_user is None:
        return None, reason
    return leader_user, f"{reason} · {on_behalf_label(acting_user, leader_user)}"


def delegate(*, leader_user: User, secretary: User, acting_user) -> Delegation:
    """Let ``secretary`` act for ``leader_user`` (again, if an earlier delegation was ended)."""
    if not access_for(leader_user).own_leader:
        raise RuleViolation(_("Only a city leader can have a secretary act for them."))
    if leader_user.pk == secretary.pk:
        raise RuleViolation(_("A person cannot be their own secretary."))
    delegation = Delegation.objects.filter(leader_user=leader_user, secretary=secretary).first()
    if delegation is None:
        delegation = Delegation(leader_user=leader_user, secretary=secretary)
    delegation.is_active = True
    save_with_history(delegation, acting_user=acting_user, reason=on_behalf_label(secretary, leader_user))
    return delegation


def end_delegation(delegation: Delegation, *, acting_user) -> None:
    delegation.is_active = False
    save_with_history(delegation, acting_user=acting_user, reason=_("Delegation ended"))
