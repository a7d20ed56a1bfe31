"""Scoring pages: rankings, a unit's ledger, appeals, the rules, and the office's scoring runs."""

from __future__ import annotations

import hashlib
from urllib.parse import urlencode

from django.contrib import messages
from django.db import transaction
from django.db.models import Case, IntegerField, Value, When
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import clock
from core.access import Action, access_for
from core.errors import RuleViolation, add_rule_errors
from core.excel_writer import xlsx_response
from core.fragments import language_key
from core.lists import paginate
from tasks.choices import RankingGroup
from tasks.models import Unit

from .. import services
from ..choices import AppealStatus, RankingPeriod, RuleCode
from ..excel import RankingExporter
from ..forms.scores import AppealForm, DecideAppealForm, RankingFilterForm, RulesForm, RunForm
from ..models import Appeal, GradeBand, ScoreEntry, ScoreRule, ScoringRun
from ..selectors import ranking_cache
from ..selectors.scores import quarter_totals, ranking, unit_ledger, unit_standing, year_entries
from .guards import office_required, role_required


def _as_of_and_period(request):
    """The day and period asked for (never after today), and the form that asked."""
    today = clock.today()
    form = RankingFilterForm(request.GET or None)
    as_of, period = today, RankingPeriod.YEAR
    if form.is_bound and form.is_valid():
        as_of = min(form.cleaned_data["as_of"] or today, today)
        period = form.cleaned_data["period"] or RankingPeriod.YEAR
    if not form.is_bound:
        form = RankingFilterForm(initial={"as_of": as_of, "period": period})
    return form, as_of, period


@role_required
def ranking_page(request):
    form, as_of, period = _as_of_and_period(request)
    access = access_for(request.user)
    table = ranking(as_of=as_of, period=period)
    download_query = urlencode({"as_of": as_of.isoformat(), "period": period})
    readable = None if access.sees_everything else access.unit_ids
    return render(
        request,
        "accountability/scores/ranking.html",
        {
            "form": form,
            "ranking": table,
            "download_query": download_query,
            "tables": _group_tables(table, download_query, readable),
        },
    )


def _group_tables(table, download_query: str, readable_unit_ids) -> str:
    """Both groups' tables, rendered once per kept ranking, language and set of units whose ledger
    the reader may open (900 units' rows and sparklines took most of the page's time)."""
    context = {
        "ranking": table,
        "groups": [(key, RankingGroup(key).label, rows) for key, rows in table.groups.items()],
        "download_query": download_query,
        "readable_unit_ids": readable_unit_ids,
    }
    key = None
    if table.key is not None:
        readers = "all" if readable_unit_ids is None else ",".join(map(str, sorted(readable_unit_ids)))
        key = f"{table.key}:tables:{language_key()}:{hashlib.sha256(readers.encode()).hexdigest()[:16]}"
    return mark_safe(  # the template's own output, escaped when it was rendered
        ranking_cache.cached_text(key, lambda: render_to_string("accountability/scores/_ranking_groups.html", context))
    )


@role_required
def ranking_xlsx(request):
    """The ranking as a workbook: the page's day and period, one group or both."""
    _form, as_of, period = _as_of_and_period(request)
    group = request.GET.get("group", "")
    if group not in RankingGroup.values:
        group = ""
    return xlsx_response(RankingExporter(ranking(as_of=as_of, period=period), group=group))


@role_required
def unit_ledger_page(request, unit_id: int):
    unit = get_object_or_404(Unit.objects.for_user(request.user), pk=unit_id)
    form, as_of, _period = _as_of_and_period(request)
    row, base = unit_standing(unit.pk, as_of=as_of)  # its own line and trend only
    entries = year_entries(ScoreEntry.objects.for_user(request.user), unit, year=as_of.year, up_to=as_of)
    quarters, count = quarter_totals(entries)
    page = paginate(request, unit_ledger(entries), count=count)
    access = access_for(request.user)
    return render(
        request,
        "accountability/scores/ledger.html",
        {
            "unit": unit,
            "form": form,
            "as_of": as_of,
            "row": row,
            "base": base,
            "page": page,
            "quarters": quarters,
            "can_appeal": unit.pk in access.staff_unit_ids,
        },
    )


@role_required
def appeal_new(request, entry_id: int):
    entry = get_object_or_404(
        ScoreEntry.objects.for_user(request.user, Action.REPORT).select_related("unit", "rule"), pk=entry_id
    )
    form = AppealForm(request.POST or None, request.FILES or None, uploader=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            appeal = services.file_appeal(
                entry,
                reason=form.cleaned_data["reason"],
                evidence=form.cleaned_data["evidence"],
                acting_user=request.user,
            )
        except RuleViolation as error:
            add_rule_errors(form, error)
        else:
            form.uploads_saved()
            messages.success(request, _("Your appeal has been filed; the office will decide on it."))
            return redirect("scores:appeal", appeal.pk)
    return render(request, "accountability/scores/appeal_new.html", {"entry": entry, "form": form})


@role_required
def appeal_list(request):
    appeals = (
        Appeal.objects.for_user(request.user)
        .select_related("entry__unit", "entry__rule", "filed_by", "decided_by")
        .annotate(
            pending_first=Case(
                When(status=AppealStatus.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("pending_first", "-filed_at")
    )
    status = request.GET.get("status")
    if status in AppealStatus.values:
        appeals = appeals.filter(status=status)
    return render(
        request,
        "accountability/scores/appeals.html",
        {"page": paginate(request, appeals), "statuses": AppealStatus.choices, "status": status},
    )


@role_required
def appeal_detail(request, pk: int):
    appeal = get_object_or_404(
        Appeal.objects.for_user(request.user).select_related(
            "entry__unit", "entry__rule", "entry__target", "entry__reversal", "filed_by", "decided_by"
        ),
        pk=pk,
    )
    can_decide = access_for(request.user).office and appeal.status == AppealStatus.PENDING
    form = DecideAppealForm(request.POST or None) if can_decide else None
    if request.method == "POST":
        if not can_decide:
            raise Http404
        if form.is_valid():
            try:
                services.decide_appeal(
                    appeal,
                    reverse=form.cleaned_data["decision"] == "reverse",
                    note=form.cleaned_data["note"],
                    acting_user=request.user,
                )
            except RuleViolation as error:
                add_rule_errors(form, error)
            else:
                messages.success(request, _("The decision has been recorded."))
                return redirect("scores:appeal", appeal.pk)
    history = appeal.history.select_related("history_user").order_by("history_date")
    return render(
        request, "accountability/scores/appeal_detail.html", {"appeal": appeal, "form": form, "history": history}
    )


@role_required
def appeal_evidence(request, pk: int):
    appeal = get_object_or_404(Appeal.objects.for_user(request.user), pk=pk)
    if not appeal.evidence:
        raise Http404
    return FileResponse(appeal.evidence.open("rb"), as_attachment=True, filename=appeal.evidence_name)


@role_required
def rules_page(request):
    services.ensure_default_rules()
    rules = ScoreRule.objects.for_user(request.user)
    bands = GradeBand.objects.for_user(request.user)
    office = access_for(request.user).office
    form = RulesForm(request.POST or None, rules=rules, bands=bands)
    if request.method == "POST":
        if not office:
            raise Http404
        if form.is_valid():
            try:
                _save_rules(form, request.user)
            except RuleViolation as error:
                add_rule_errors(form, error)
            else:
                messages.success(request, _("The rules have been saved; they apply to events from today on."))
                return redirect("scores:rules")
    return render(
        request,
        "accountability/scores/rules.html",
        {"form": form, "editable": office, "rules": form.rules, "bands": form.bands},
    )


def _save_rules(form: RulesForm, user) -> None:
    data = form.cleaned_data
    with transaction.atomic():
        for rule in form.rules:
            services.update_rule(
                rule,
                amount=data.get(f"amount_{rule.code}"),
                description=data[f"description_{rule.code}"],
                is_active=True if rule.code == RuleCode.BASE else data.get(f"active_{rule.code}", False),
                acting_user=user,
            )
        services.update_grade_bands({band.grade: data[f"band_{band.grade}"] for band in form.bands}, acting_user=user)


@office_required
def runs_page(request):
    form = RunForm(initial={"month": clock.today()})
    runs = ScoringRun.objects.select_related("requested_by").order_by("-pk")
    page = paginate(request, runs)
    waiting = any(run.state in ("queued", "running") for run in page)
    return render(request, "accountability/scores/runs.html", {"form": form, "page": page, "waiting": waiting})


@office_required
@require_POST
def run_month(request):
    form = RunForm(request.POST)
    if form.is_valid():
        try:
            run = services.request_scoring(month=form.cleaned_data["month"], acting_user=request.user)
        except RuleViolation as error:
            add_rule_errors(form, error)
        else:
            messages.success(
                request,
                _("Scoring up to %(day)s has been queued; this page shows its result when it is done.")
                % {"day": run.up_to},
            )
            return redirect("scores:runs")
    runs = ScoringRun.objects.select_related("requested_by").order_by("-pk")
    return render(
        request,
        "accountability/scores/runs.html",
        {"form": form, "page": paginate(request, runs), "waiting": False},
        status=400,
    )
