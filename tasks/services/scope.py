"""The office keeps 分管: the fields (分管领域) and each leader's fields, units and whole-city flag."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Field, Leader
from .common import save_with_history, validate_and_save


def save_field(field: Field, *, acting_user) -> Field:
    validate_and_save(field, acting_user=acting_user, reason=_("Field in charge saved"))
    return field


def set_leader_scope(leader: Leader, *, whole_city: bool, units, fields, acting_user) -> Leader:
    """Replace the leader's units and fields; the history keeps what they were."""
    with transaction.atomic():
        leader.whole_city = whole_city
        save_with_history(leader, acting_user=acting_user, reason=_("Scope in charge changed"))
        leader.units.set(units)
        leader.fields.set(fields)
    return leader
