"""责任人 on import: a name is matched within its unit; a name the unit does not have yet becomes a new
person flagged 待完善 (created when the plan is saved); a name two people of the unit share is
refused with their posts and phones, for the office to tell them apart in the workspace."""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext as _

from ..models import ResponsiblePerson, Unit
from .cells import normalise_name


class Ambiguous(Exception):
    """Two or more people of the unit have the name; ``str()`` lists them."""


class PeopleLookup:
    """The active persons of every unit, loaded once per sheet; new names are kept until saving."""

    def __init__(self):
        self.by_name: dict[tuple[int, str], list[ResponsiblePerson]] = defaultdict(list)
        for person in ResponsiblePerson.objects.filter(is_active=True).order_by("pk"):
            self.by_name[(person.unit_id, normalise_name(person.name))].append(person)
        self.new: dict[tuple[int, str], ResponsiblePerson] = {}

    def find(self, unit: Unit, name: str) -> tuple[ResponsiblePerson, bool]:
        """The person ``name`` means in ``unit`` and whether the import creates them."""
        key = (unit.pk, normalise_name(name))
        found = self.by_name.get(key, [])
        if len(found) > 1:
            listed = "；".join(f"{p.name}（{p.post or _('no post')}，{p.phone or _('no phone')}）" for p in found)
            raise Ambiguous(
                _("one person of %(unit)s: %(count)d share this name (%(people)s); rename one in the unit's list")
                % {"unit": unit.name, "count": len(found), "people": listed}
            )
        if found:
            return found[0], False
        if key not in self.new:
            self.new[key] = ResponsiblePerson(unit=unit, name=name.strip(), needs_completion=True)
        return self.new[key], True
