"""常态问政 pages: the rounds, opening one, a round (sheets, results), filling a sheet, the Excel of results."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.services import create_evaluator_login
from core.access import RoleKind, access_for
from core.bounds import DayField
from core.errors import RuleViolation, add_rule_errors, flash_rule_errors
from core.excel_writer import xlsx_response
from core.lists import paginate
from core.permissions import can, get_or_deny, require
from core.views import page
from tasks.choices import TargetStatus
from tasks.models import Target, Unit

from ..choices import EvaluatorKind, Rating, SheetStatus
from ..excel import EvaluationResultsExporter
from ..models import EvaluationRound, EvaluationSheet
from ..selectors.evaluations import round_results, sheet_counts
from ..services.evaluations import (
    add_evaluator,
    add_paper_sheet,
    open_round,
    possible_evaluators,
    publish_round,
    save_sheet,
)

evaluation_pages = page("page.evaluations")


@evaluation_pages
def round_list(request):
    rounds = (
        EvaluationRound.objects.for_user(request.user)
        .annotate(
            sheet_total=Count("sheets", distinct=True),
            sheet_submitted=Count("sheets", filter=Q(sheets__status=SheetStatus.SUBMITTED), distinct=True),
        )
        .order_by("-period_start", "-pk")
    )
    my_sheets = (
        EvaluationSheet.objects.filter(evaluator=request.user).select_related("round").order_by("-round__period_start")
    )
    context = {
        "page": paginate(request, rounds),
        "my_sheets": my_sheets,
        "can_open": can(request.user, "evaluation.open"),
        "office": access_for(request.user).office,
    }
    return render(request, "accountability/evaluations/list.html", context)


class RoundForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name of the round"), max_length=100, required=False)
    period_start = DayField(label=gettext_lazy("Period from"))
    period_end = DayField(label=gettext_lazy("Period to"))
    units = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Units to evaluate"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    targets = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Targets to evaluate (through their lead unit)"),
        queryset=Target.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    evaluators = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Evaluators with a login"),
        queryset=possible_evaluators().none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = Unit.objects.filter(is_active=True)
        self.fields["targets"].queryset = (
            Target.objects.for_user(user).exclude(status=TargetStatus.DRAFT).order_by("code")
        )
        self.fields["evaluators"].queryset = possible_evaluators()
        self.fields["targets"].label_from_instance = lambda target: f"{target.code} {target.title}"


@evaluation_pages
def round_new(request):
    require(request.user, "evaluation.open")
    form = RoundForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round_ = open_round(acting_user=request.user, **data)
        except RuleViolation as error:
            add_rule_errors(form, error)
        else:
            messages.success(request, _("The round is open; the evaluators find their sheets under 常态问政."))
            return redirect("evaluations:detail", pk=round_.pk)
    return render(request, "accountability/evaluations/form.html", {"form": form})


class PaperSheetForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Evaluator's name"), max_length=100, required=False)
    kind = forms.ChoiceField(label=gettext_lazy("Evaluator is"), choices=EvaluatorKind.choices)


class EvaluatorLoginForm(forms.Form):
    display_name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=100, required=False)
    username = forms.CharField(label=gettext_lazy("User name"), max_length=150, required=False)
    kind = forms.ChoiceField(
        label=gettext_lazy("Evaluator is"),
        choices=[
            (RoleKind.NPC_DEPUTY, RoleKind.NPC_DEPUTY.label),
            (RoleKind.CPPCC_MEMBER, RoleKind.CPPCC_MEMBER.label),
        ],
    )


class AddEvaluatorForm(forms.Form):
    evaluator = forms.ModelChoiceField(label=gettext_lazy("Evaluator with a login"), queryset=possible_evaluators())


def _detail(request, round_, **forms_):
    user = request.user
    access = access_for(user)
    see_sheets = can(user, "evaluation.see_sheets", round_)
    manage = can(user, "evaluation.manage", round_)
    results = None
    if can(user, "evaluation.see_results", round_):
        unit_ids = None if (access.office or access.is_leader) else access.unit_ids
        results = round_results(round_, unit_ids=unit_ids)
    context = {
        "round": round_,
        "subjects": round_.subjects.select_related("unit", "target"),
        "results": results,
        "counts": sheet_counts(round_),
        "sheets": round_.sheets.select_related("entered_by") if see_sheets else None,
        "my_sheet": round_.sheets.filter(evaluator=user).first(),
        "manage": manage,
        "can_export": can(user, "evaluation.export", round_),
        "paper_form": forms_.get("paper_form") or PaperSheetForm(),
        "login_form": forms_.get("login_form") or EvaluatorLoginForm(),
        "add_form": forms_.get("add_form") or AddEvaluatorForm(),
    }
    return render(request, "accountability/evaluations/detail.html", context)


@evaluation_pages
def round_detail(request, pk: int):
    return _detail(request, get_or_deny(EvaluationRound, request.user, pk))


@require_POST
@evaluation_pages
def round_paper_sheet(request, pk: int):
    round_ = get_or_deny(EvaluationRound, request.user, pk, "evaluation.manage")
    form = PaperSheetForm(request.POST)
    if form.is_valid():
        try:
            sheet = add_paper_sheet(round_, acting_user=request.user, **form.cleaned_data)
        except RuleViolation as error:
            add_rule_errors(form, error)
        else:
            messages.success(request, _("Type in the paper sheet of %(name)s.") % {"name": sheet.evaluator_name})
            return redirect("evaluations:sheet", pk=sheet.pk)
    return _detail(request, round_, paper_form=form)


@require_POST
@evaluation_pages
def round_add_evaluator(request, pk: int):
    round_ = get_or_deny(EvaluationRound, request.user, pk, "evaluation.manage")
    form = AddEvaluatorForm(request.POST)
    if form.is_valid():
        try:
            add_evaluator(round_, form.cleaned_data["evaluator"], acting_user=request.user)
        except RuleViolation as error:
            add_rule_errors(form, error)
        else:
            messages.success(request, _("The evaluator is added to the round."))
            return redirect("evaluations:detail", pk=round_.pk)
    return _detail(request, round_, add_form=form)


@never_cache
@require_POST
@evaluation_pages
def round_new_login(request, pk: int):
    """A login for a deputy or member, added to the round; its one-time password is shown once."""
    round_ = get_or_deny(EvaluationRound, request.user, pk, "evaluation.manage")
    form = EvaluatorLoginForm(request.POST)
    if form.is_valid():
        try:
            with transaction.atomic():
                created = create_evaluator_login(acting_user=request.user, **form.cleaned_data)
                add_evaluator(round_, created.user, acting_user=request.user)
        except RuleViolation as error:
            add_rule_errors(form, error)
        else:
            return render(
                request,
                "accounts/one_time_password.html",
                {"person": created.user, "password": created.password, "created": True},
            )
    return _detail(request, round_, login_form=form)


@require_POST
@evaluation_pages
def round_publish(request, pk: int):
    round_ = get_or_deny(EvaluationRound, request.user, pk, "evaluation.manage")
    try:
        publish_round(round_, acting_user=request.user)
    except RuleViolation as error:
        flash_rule_errors(request, error)
    else:
        messages.success(request, _("The results are published to the units evaluated."))
    return redirect("evaluations:detail", pk=round_.pk)


@evaluation_pages
def round_xlsx(request, pk: int):
    round_ = get_or_deny(EvaluationRound, request.user, pk, "evaluation.export")
    return xlsx_response(EvaluationResultsExporter(round_, round_results(round_)))


def _posted_marks(post, subjects) -> dict:
    return {
        subject.pk: (
            post.get(f"progress_{subject.pk}"),
            post.get(f"effect_{subject.pk}"),
            post.get(f"comment_{subject.pk}", ""),
        )
        for subject in subjects
    }


@evaluation_pages
def sheet_fill(request, pk: int):
    """One sheet (填写评议表): a row per unit or target with two marks and a comment."""
    sheet = get_or_deny(EvaluationSheet, request.user, pk, select=("round",))
    may_fill = can(request.user, "evaluation.fill", sheet)
    subjects = list(sheet.round.subjects.select_related("unit", "target"))
    if request.method == "POST":
        require(request.user, "evaluation.fill", sheet)
        submit = "submit" in request.POST
        posted = _posted_marks(request.POST, subjects)
        try:
            save_sheet(sheet, posted, submit=submit, acting_user=request.user)
        except RuleViolation as error:
            flash_rule_errors(request, error)
            values = posted  # the page shows what was typed; nothing was stored
        else:
            messages.success(request, _("The sheet is submitted.") if submit else _("The draft is saved."))
            return (
                redirect("evaluations:sheet", pk=sheet.pk)
                if not submit
                else redirect("evaluations:detail", pk=sheet.round_id)
            )
    else:
        values = {mark.subject_id: (mark.progress, mark.effect, mark.comment) for mark in sheet.marks.all()}
    rows = []
    for subject in subjects:
        progress, effect, comment = values.get(subject.pk, (None, None, ""))
        rows.append(
            {"subject": subject, "progress": str(progress or ""), "effect": str(effect or ""), "comment": comment}
        )
    context = {
        "sheet": sheet,
        "rows": rows,
        "may_fill": may_fill,
        "ratings": [(str(value), label) for value, label in Rating.choices],
    }
    return render(request, "accountability/evaluations/sheet.html", context)
