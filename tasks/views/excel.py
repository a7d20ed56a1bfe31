"""The office console's Excel pages: upload → dry-run report → commit, progress of large imports,
and downloads (the breakdown sheet, a unit's status table)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from core import clock
from core.access import Action, access_for
from core.bounds import year_param
from core.excel_writer import xlsx_response
from core.forms import KeepsUploads

from .. import services
from ..excel.exporters import BreakdownExporter, UnitStatusExporter
from ..excel.report import action_labels
from ..models import ImportJob, Unit


class UploadForm(KeepsUploads, forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Breakdown sheet"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xlsm,.xls,.ods"}),
        help_text=gettext_lazy("Excel or WPS workbooks (.xlsx, .xls) and LibreOffice sheets (.ods)."),
    )
    year = forms.IntegerField(
        label=gettext_lazy("Year"),
        min_value=2000,
        max_value=2100,
        required=False,
        help_text=gettext_lazy("Leave empty to take the year from the sheet's title."),
    )
    include_hidden = forms.BooleanField(
        label=gettext_lazy("Include hidden rows"),
        required=False,
        help_text=gettext_lazy("Hidden rows are usually rows the office retired; they are left out unless ticked."),
    )


class SheetOptionsForm(forms.Form):
    """The sheet to read (when several hold a table) and whether hidden rows count, for a new dry run."""

    sheet = forms.CharField(label=gettext_lazy("Sheet"), max_length=100, required=False)
    include_hidden = forms.BooleanField(label=gettext_lazy("Include hidden rows"), required=False)


def _office_only(request) -> None:
    if not access_for(request.user).office:
        raise PermissionDenied


@login_required
def import_list(request):
    _office_only(request)
    form = UploadForm(
        request.POST or None, request.FILES or None, initial={"year": clock.today().year}, uploader=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            job = services.start_import(
                form.cleaned_data["file"], year=form.cleaned_data["year"], acting_user=request.user,
                include_hidden=form.cleaned_data["include_hidden"],
            )  # fmt: skip
        except services.RuleViolation as error:
            form.add_error("file", error.messages)
        else:
            form.uploads_saved()
            return redirect("excel:import-detail", pk=job.pk)
    jobs = ImportJob.objects.for_user(request.user).select_related("uploaded_by")[:20]
    return render(request, "tasks/excel/import_list.html", {"form": form, "jobs": jobs})


@login_required
def import_detail(request, pk: int):
    _office_only(request)
    job = get_object_or_404(ImportJob.objects.for_user(request.user).select_related("uploaded_by"), pk=pk)
    report = job.report or {}
    show = request.GET.get("show", "all")
    rows = report.get("rows", [])
    if show == "problems":
        rows = [r for r in rows if r["problems"]]
    elif show == "changes":
        rows = [r for r in rows if r["action"] in ("create", "update")]
    context = {"job": job, "report": report, "rows": rows, "show": show, "labels": action_labels()}
    return render(request, "tasks/excel/import_detail.html", context)


@login_required
@require_GET
def import_status(request, pk: int):
    _office_only(request)
    job = get_object_or_404(ImportJob.objects.for_user(request.user), pk=pk)
    return JsonResponse(
        {
            "status": job.status,
            "label": job.get_status_display(),
            "phase": job.phase,
            "done": job.rows_done,
            "total": job.rows_total,
            "percent": job.percent_done,
            "running": job.is_running,
        }
    )


@login_required
@require_POST
def import_options(request, pk: int):
    """包含隐藏行 / the chosen sheet: check the same upload again."""
    _office_only(request)
    job = get_object_or_404(ImportJob.objects.for_user(request.user), pk=pk)
    form = SheetOptionsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a sheet of the workbook."))
        return redirect("excel:import-detail", pk=job.pk)
    try:
        services.choose_import_options(
            job, sheet=form.cleaned_data["sheet"], include_hidden=form.cleaned_data["include_hidden"],
            acting_user=request.user,
        )  # fmt: skip
    except services.RuleViolation as error:
        messages.error(request, "；".join(error.messages))
    return redirect("excel:import-detail", pk=job.pk)


@login_required
@require_POST
def import_commit(request, pk: int):
    _office_only(request)
    job = get_object_or_404(ImportJob.objects.for_user(request.user), pk=pk)
    try:
        job = services.commit_import(job, acting_user=request.user)
    except services.RuleViolation as error:
        messages.error(request, "；".join(error.messages))
    else:
        if job.status == "committed":
            messages.success(request, _("The sheet was saved."))
    return redirect("excel:import-detail", pk=job.pk)


@login_required
@require_POST
def import_retry(request, pk: int):
    """重试: a sheet whose job was lost is checked (or saved) now."""
    _office_only(request)
    job = get_object_or_404(ImportJob.objects.for_user(request.user), pk=pk)
    try:
        services.retry_import(job, acting_user=request.user)
    except services.RuleViolation as error:
        messages.error(request, "；".join(error.messages))
    return redirect("excel:import-detail", pk=job.pk)


@login_required
def export_page(request):
    access = access_for(request.user)
    units = Unit.objects.for_user(request.user, Action.VIEW)
    if not (access.sees_everything or units):
        raise PermissionDenied
    year = year_param(request)
    return render(
        request,
        "tasks/excel/export.html",
        {"year": year, "years": range(year - 2, year + 2), "units": units, "sees_everything": access.sees_everything},
    )


@login_required
@require_GET
def export_breakdown(request):
    if not access_for(request.user).sees_everything:
        raise PermissionDenied
    return xlsx_response(BreakdownExporter(year=year_param(request), user=request.user))


@login_required
@require_GET
def export_unit_status(request, unit_pk: int):
    unit = get_object_or_404(Unit.objects.for_user(request.user, Action.VIEW), pk=unit_pk)
    return xlsx_response(UnitStatusExporter(unit=unit, year=year_param(request), user=request.user))
