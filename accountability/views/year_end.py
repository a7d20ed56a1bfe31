"""年终 (year end) from the office's console: the state of a year, closing it with the targets to
carry over (结转), and a closed year's frozen figures. Leaders read; the office acts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Max, Min
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import clock
from core.access import access_for
from core.errors import RuleViolation, rule_messages
from tasks.models import ClosedYear, Target

from ..models import YearResult
from ..services import year_end


def _years() -> list[int]:
    bounds = Target.objects.aggregate(first=Min("year"), last=Max("year"))
    if bounds["first"] is None:
        return [clock.today().year]
    return list(range(bounds["last"], bounds["first"] - 1, -1))


@login_required
def index(request):
    access = access_for(request.user)
    if not access.sees_everything:
        raise PermissionDenied(_("Your role does not give access to this page."))
    years = _years()
    closed = set(ClosedYear.objects.values_list("year", flat=True))
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = next((y for y in reversed(years) if y not in closed), years[0])
    state = year_end.year_state(year)
    results = list(
        YearResult.objects.filter(year=year)
        .select_related("unit")
        .order_by("ranking_group", "rank", "unit__sort_order")
    )
    return render(
        request,
        "accountability/year_end.html",
        {
            "year": year,
            "years": [(y, y in closed) for y in years],
            "state": state,
            "results": results,
            "office": access.office,
            "carried": Target.objects.filter(year=year + 1, carried_from__year=year).select_related("carried_from"),
        },
    )


@login_required
@require_POST
def close(request, year: int):
    if not access_for(request.user).office:
        raise PermissionDenied(_("Only the supervision office may do this."))
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm: a closed year can no longer be changed."))
        return redirect(f"{reverse('year_end:index')}?year={year}")
    try:
        year_end.close_year(
            year,
            acting_user=request.user,
            carry_over_ids=request.POST.getlist("carry_over"),
            note=request.POST.get("note", ""),
        )
    except (RuleViolation, ValueError) as error:
        for message in rule_messages(error) if isinstance(error, RuleViolation) else [str(error)]:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The year %(year)s is closed: its figures are frozen and its records can only be read.") % {"year": year},
        )
    return redirect(f"{reverse('year_end:index')}?year={year}")
