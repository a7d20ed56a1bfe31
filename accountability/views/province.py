"""保位争先 pages: the city's indicators against the province (/province/), the office's bulletin
import (dry run, then 确认导入), our city's line by hand, the settings; the dashboard panel."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core import clock
from core.access import access_for
from core.bounds import year_param
from core.errors import RuleViolation, add_rule_errors
from core.excel_writer import xlsx_response
from core.permissions import can
from tasks.panels import Panel, register

from ..forms.province import BulletinUploadForm, CitiesForm, FirstGroupForm, HomeFigureForm, IndicatorForm
from ..models import ProvinceCity, ProvinceIndicator, ProvinceRules
from ..province_sheet import BulletinTemplate, read_bulletin
from ..selectors.province import outside_first_group, province_view
from ..services import province as service
from .guards import office_required, role_required


@role_required
def index(request):
    year = year_param(request)
    view = province_view(year)
    context = {"view": view, "years": range(year - 1, year + 2), "can_manage": can(request.user, "province.manage")}
    return render(request, "accountability/province/index.html", context)


def _last_month() -> dt.date:
    """The month a bulletin out now reports on: the one before today's."""
    return service.first_of_month(service.first_of_month(clock.today()) - dt.timedelta(days=1))


@office_required
def import_bulletin(request):
    form = BulletinUploadForm(request.POST or None, request.FILES or None, uploader=request.user)
    if request.method != "POST":
        form = BulletinUploadForm(initial={"month": _last_month()}, uploader=request.user)
    plan = None
    if request.method == "POST" and form.is_valid():
        confirm = "confirm" in request.POST
        try:
            rows = read_bulletin(form.cleaned_data["file"])
            if confirm:
                plan = service.import_bulletin(rows, month=form.cleaned_data["month"], acting_user=request.user)
            else:
                plan = service.plan_bulletin(rows, month=form.cleaned_data["month"])
        except RuleViolation as error:
            add_rule_errors(form, error)
            plan = None
        else:
            if confirm:
                form.uploads_saved()
                messages.success(
                    request,
                    _("The bulletin of %(month)s is imported: %(count)d lines.")
                    % {"month": service.month_label(plan.month), "count": len(plan.rows)},
                )
                return redirect("province:index")
            form.keep_uploads()  # the dry run passed: 确认导入 sends the same file again
    return render(request, "accountability/province/import.html", {"form": form, "plan": plan})


@office_required
def template_xlsx(request):
    service.ensure_cities()
    return xlsx_response(BulletinTemplate())


@office_required
def enter(request):
    form = HomeFigureForm(request.POST or None, initial={"month": _last_month()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            service.enter_home_figure(
                indicator=data["indicator"], month=data["month"], value=data["value"], growth=data["growth"],
                rank=data["rank"], acting_user=request.user,
            )  # fmt: skip
        except RuleViolation as error:
            add_rule_errors(form, error)
        else:
            messages.success(request, _("Our city's line is saved."))
            return redirect("province:index")
    return render(request, "accountability/province/enter.html", {"form": form})


@office_required
def settings_page(request):
    year = year_param(request)
    rules = ProvinceRules.current()
    service.ensure_cities()
    cities = ProvinceCity.objects.filter(is_active=True)
    action = request.POST.get("action") if request.method == "POST" else None
    line_form = FirstGroupForm(
        request.POST if action == "line" else None, initial={"first_group_line": rules.first_group_line}
    )
    cities_form = CitiesForm(
        request.POST if action == "cities" else None, initial={"cities": "\n".join(city.name for city in cities)}
    )
    indicator_form = IndicatorForm(request.POST if action == "indicator" else None, year=year, user=request.user)
    form = {"line": line_form, "cities": cities_form, "indicator": indicator_form}.get(action)
    if form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            if action == "line":
                service.set_first_group_line(data["first_group_line"], acting_user=request.user)
            elif action == "cities":
                service.set_cities(form.names(), acting_user=request.user)
            else:
                service.mark_indicator(
                    data["target"], name=data["name"], measure_unit=data["measure_unit"],
                    higher_is_better=data["higher_is_better"], acting_user=request.user,
                )  # fmt: skip
        except RuleViolation as error:
            add_rule_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("province:settings")
    context = {
        "line_form": line_form,
        "cities_form": cities_form,
        "indicator_form": indicator_form,
        "indicators": ProvinceIndicator.objects.select_related("target"),
        "year": year,
    }
    return render(request, "accountability/province/settings.html", context)


def _dashboard_panel(request, **_):
    """The indicators our city's latest bulletin puts outside the first group (leaders and the office)."""
    if not access_for(request.user).sees_everything:
        return None
    found = outside_first_group()
    if found is None:
        return None  # no bulletin yet: nothing to say
    line, outside = found
    return {"outside": outside, "line": line}


def register_panels() -> None:
    panel = Panel("province", "accountability/province/_dashboard_panel.html", _dashboard_panel, order=25)
    register("dashboard", panel)
