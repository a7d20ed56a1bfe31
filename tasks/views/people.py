"""/units/<id>/people/: a unit's responsible persons (责任人). The unit's members and the leaders see
the list; the office adds, edits and takes a person off the list (a successor takes over first)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.access import Action, access_for
from core.errors import RuleViolation, add_rule_errors
from core.lists import paginate
from core.views import object_for, office_only

from .. import services
from ..choices import AssignmentStatus
from ..forms.people import PersonForm, SuccessorForm
from ..models import ResponsiblePerson, Unit

_DONE = [AssignmentStatus.CLOSED, AssignmentStatus.ENDED]
_IN_FORCE = ~Q(assignments__status__in=_DONE)


def _with_counts(people):
    return people.annotate(assignment_count=Count("assignments", filter=_IN_FORCE, distinct=True))


@login_required
def unit_people(request, pk: int):
    """The list, and for the office a form to add a person."""
    unit = object_for(Unit, request.user, Action.VIEW, pk)
    may_edit = access_for(request.user).office
    form = PersonForm(request.POST or None) if may_edit else None
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied(_("Only the supervision office edits a unit's responsible persons."))
        if form.is_valid():
            try:
                person = services.add_person(unit, acting_user=request.user, **form.changes())
            except RuleViolation as error:
                add_rule_errors(form, error)
            else:
                messages.success(request, _("%(name)s is added to the unit's list.") % {"name": person.name})
                return redirect("unit_people", pk=unit.pk)
    people = _with_counts(unit.people.order_by("-is_active", "name", "pk"))
    context = {"unit": unit, "people": people, "form": form, "may_edit": may_edit}
    return render(request, "tasks/people/unit_people.html", context)


@login_required
def person_edit(request, pk: int):
    person = object_for(ResponsiblePerson, request.user, Action.MANAGE, pk, select=["unit"])
    form = PersonForm(request.POST or None, instance=ResponsiblePerson.objects.get(pk=person.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_person(person, acting_user=request.user, **form.changes())
        except RuleViolation as error:
            add_rule_errors(form, error)
        else:
            messages.success(request, _("The responsible person is saved."))
            return redirect("unit_people", pk=person.unit_id)
    return render(request, "tasks/people/person_form.html", {"person": person, "form": form})


@login_required
def person_remove(request, pk: int):
    """Take a person off the list; while assignments name them the office chooses a successor."""
    person = object_for(ResponsiblePerson, request.user, Action.MANAGE, pk, select=["unit"])
    form = SuccessorForm(request.POST or None, person=person)
    named = person.assignments.exclude(status__in=_DONE).select_related("target").order_by("target__code")
    if request.method == "POST" and form.is_valid():
        try:
            moved = services.remove_person(person, acting_user=request.user, successor=form.cleaned_data["successor"])
        except RuleViolation as error:
            add_rule_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is off the list; %(count)d assignments passed to the successor.")
                % {"name": person.name, "count": moved},
            )
            return redirect("unit_people", pk=person.unit_id)
    context = {"person": person, "form": form, "named": named}
    return render(request, "tasks/people/person_remove.html", context)


@office_only
def people_to_complete(request):
    """待完善: persons made from a bare name (migration, import, a name typed in the breakdown)."""
    people = _with_counts(
        ResponsiblePerson.objects.filter(needs_completion=True, is_active=True).select_related("unit")
    ).order_by("unit__sort_order", "unit__name", "name", "pk")
    return render(request, "tasks/people/to_complete.html", {"page": paginate(request, people)})
