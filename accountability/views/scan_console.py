"""The office console's scan tools: a dry run as of a chosen day (按日期试运行), and undoing a
mistaken run."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import clock
from core.bounds import DayField
from core.errors import RuleViolation, flash_rule_errors, rule_messages

from ..forms.fields import DateInput
from ..models import Notice
from ..models.rules import labelled_summary
from ..scan import run_scan
from ..scan.undo import undo_scan_run, undoable_runs
from .notices import require_office

SHOWN = 200  # lines of a dry run's list; the counts cover everything


class DryRunForm(forms.Form):
    day = DayField(label=gettext_lazy("Judge as of"), widget=DateInput)


class UndoForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("A sentence for the units (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


@login_required
def dry_run(request):
    """What the scan would issue and close as of a day; nothing is stored."""
    require_office(request)
    form = DryRunForm(request.GET or None, initial={"day": clock.today()})
    result = None
    if form.is_bound and form.is_valid():
        try:
            result = run_scan(form.cleaned_data["day"], dry_run=True, triggered_by=request.user)
        except RuleViolation as error:
            form.add_error("day", rule_messages(error))
    context = {
        "form": form,
        "result": result,
        "summary": labelled_summary(result.summary) if result else [],
        "lines": result.describe()[:SHOWN] if result else [],
        "shown": SHOWN,
    }
    return render(request, "accountability/notices/scan_dry_run.html", context, status=400 if form.errors else 200)


@login_required
def undo(request, pk: int):
    """Undo a scan run: a confirmation page listing what it issued, then the undo itself."""
    require_office(request)
    run = get_object_or_404(undoable_runs(), pk=pk)
    form = UndoForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = undo_scan_run(run, acting_user=request.user, note=form.cleaned_data["note"])
        except RuleViolation as error:
            flash_rule_errors(request, error)
        else:
            messages.success(
                request,
                _(
                    "The scan as of %(day)s is undone: %(withdrawn)s notices withdrawn, %(reopened)s warnings open "
                    "again, %(reversed)s points entries reversed, %(units)s units told. The scan can run again from "
                    "the right day."
                )
                % {
                    "day": run.day.isoformat(),
                    "withdrawn": result.withdrawn,
                    "reopened": result.reopened,
                    "reversed": result.reversed_entries,
                    "units": result.units_told,
                },
            )
            return redirect("notices:register")
    issued = Notice.objects.filter(pk__in=run.changes.get("issued", [])).select_related("unit", "target")
    context = {
        "run": run,
        "form": form,
        "issued": issued.order_by("kind", "serial")[:SHOWN],
        "issued_count": issued.count(),
        "closed_count": len(run.changes.get("closed", [])),
        "latest": undoable_runs().order_by("-created_at", "-pk").first() == run,
    }
    return render(request, "accountability/notices/scan_undo.html", context)
