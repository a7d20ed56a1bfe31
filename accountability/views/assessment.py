"""年度考核 pages: the years, a year's assessment (生成考核, 批准, versions), the rewards and penalties
(提出奖惩, 批准奖惩), the printable official table and the Excel download."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.errors import RuleViolation, add_rule_errors, flash_rule_errors
from core.excel_writer import xlsx_response
from core.permissions import can, require

from ..constants import DEFAULT_ASSESSMENT_WEIGHTS
from ..excel import AssessmentExporter
from ..models import Assessment, RewardMeasure
from ..selectors.assessment import assessment_years, chosen_version, rewards_for, table_for
from ..services.assessment import (
    approve_assessment,
    approve_rewards,
    current_assessment,
    default_weights,
    open_appeals,
    prepare_assessment,
    propose_rewards,
)
from .guards import role_required


def _weight(label):
    return forms.DecimalField(label=label, min_value=0, max_value=100, max_digits=5, decimal_places=2)


class WeightsForm(forms.Form):
    """The weights of the version to prepare (the four add up to 100; the service says so)."""

    weight_completion = _weight(gettext_lazy("Weight of completion (%)"))
    weight_points = _weight(gettext_lazy("Weight of points (%)"))
    weight_checks = _weight(gettext_lazy("Weight of checks (%)"))
    weight_cases = _weight(gettext_lazy("Weight of accountability cases (%)"))
    case_deduction = _weight(gettext_lazy("Deduction per accountability case"))
    note = forms.CharField(label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


@role_required
def index(request):
    return render(
        request,
        "accountability/assessment/index.html",
        {"years": assessment_years(), "can_prepare": can(request.user, "assessment.prepare")},
    )


def _year_page(request, year: int, *, form=None, status: int = 200):
    assessment, versions = chosen_version(request.user, year, request.GET.get("version"))
    if request.GET.get("version") and assessment is None:
        raise Http404
    table = table_for(request.user, assessment) if assessment else None
    can_prepare = can(request.user, "assessment.prepare")
    if can_prepare and form is None:
        form = WeightsForm(initial=default_weights(year))
    context = {
        "year": year,
        "assessment": assessment,
        "versions": versions,
        "table": table,
        "form": form if can_prepare else None,
        "has_approved": any(found.is_approved for found in versions),
        "has_draft": any(found.is_draft for found in versions),
        "can_approve": assessment is not None and can(request.user, "assessment.approve", assessment),
        "prepared_it": assessment is not None and assessment.is_draft and assessment.prepared_by_id == request.user.pk,
        "blocking_appeals": open_appeals(assessment) if assessment and assessment.is_draft and table.all_units else [],
    }
    if assessment is not None and assessment.is_approved:
        rewards = list(rewards_for(request.user, assessment))
        context.update(
            rewards=rewards,
            rewards_waiting=any(reward.status == "proposed" for reward in rewards),
            can_propose_rewards=can(request.user, "reward.propose"),
            can_approve_rewards=can(request.user, "reward.approve", assessment),
        )
    return render(request, "accountability/assessment/year.html", context, status=status)


@role_required
def year_page(request, year: int):
    return _year_page(request, year)


@require_POST
@role_required
def prepare(request, year: int):
    require(request.user, "assessment.prepare")
    form = WeightsForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            assessment = prepare_assessment(
                year, weights={name: data[name] for name in DEFAULT_ASSESSMENT_WEIGHTS}, note=data["note"],
                acting_user=request.user,
            )  # fmt: skip
        except RuleViolation as error:
            add_rule_errors(form, error)
        else:
            messages.success(
                request,
                _("Version %(version)s of the %(year)s assessment is prepared; it waits for a leader's approval.")
                % {"version": assessment.version, "year": year},
            )
            return redirect("assessment:year", year=year)
    return _year_page(request, year, form=form, status=400)


@require_POST
@role_required
def approve(request, year: int):
    draft = Assessment.objects.for_user(request.user).filter(year=year, status="draft").first()
    if draft is None:
        raise Http404
    if draft.prepared_by_id == request.user.pk:  # separation of duties, said in words rather than a 403
        messages.error(request, _("You cannot approve what you proposed yourself."))
        return redirect("assessment:year", year=year)
    require(request.user, "assessment.approve", draft)
    try:
        approve_assessment(draft, acting_user=request.user)
    except RuleViolation as error:
        flash_rule_errors(request, error)
    else:
        messages.success(request, _("The %(year)s assessment is approved and frozen.") % {"year": year})
    return redirect("assessment:year", year=year)


class RewardsForm(forms.Form):
    """One measure (or none) and a reason per unit of the approved assessment."""

    def __init__(self, *args, rows, measures, proposed, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = []
        choices = [("", "—"), *((str(measure.pk), measure.name) for measure in measures)]
        for row in rows:
            chosen = proposed.get(row.unit_id)
            measure = forms.ChoiceField(label=row.unit.name, choices=choices, required=False)
            reason = forms.CharField(
                label=_("Reason for %(unit)s") % {"unit": row.unit.name}, max_length=300, required=False
            )
            self.fields[f"measure_{row.unit_id}"] = measure
            self.fields[f"reason_{row.unit_id}"] = reason
            if chosen is not None:
                self.initial[f"measure_{row.unit_id}"] = str(chosen.measure_id)
                self.initial[f"reason_{row.unit_id}"] = chosen.reason
            self.lines.append((row, self[f"measure_{row.unit_id}"], self[f"reason_{row.unit_id}"]))

    def proposals(self, measures):
        by_pk = {str(measure.pk): measure for measure in measures}
        for row, _measure, _reason in self.lines:
            chosen = self.cleaned_data.get(f"measure_{row.unit_id}")
            if chosen:
                yield row.unit_id, by_pk[chosen], self.cleaned_data.get(f"reason_{row.unit_id}", "")


@role_required
def rewards(request, year: int):
    """提出奖惩: the office proposes a measure per unit of the approved assessment in force."""
    require(request.user, "reward.propose")
    assessment = current_assessment(year)
    if assessment is None:
        raise Http404(_("The %(year)s assessment has not been approved yet.") % {"year": year})
    rows = list(assessment.rows.select_related("unit").order_by("ranking_group", "rank", "unit__sort_order"))
    measures = list(RewardMeasure.objects.filter(is_active=True))
    proposed = {reward.unit_id: reward for reward in assessment.rewards.all()}
    form = RewardsForm(request.POST or None, rows=rows, measures=measures, proposed=proposed)
    if request.method == "POST" and form.is_valid():
        try:
            propose_rewards(assessment, proposals=form.proposals(measures), acting_user=request.user)
        except RuleViolation as error:
            add_rule_errors(form, error)
        else:
            messages.success(request, _("The rewards and penalties are proposed; they wait for a leader's approval."))
            return redirect("assessment:year", year=year)
    return render(
        request, "accountability/assessment/rewards.html", {"year": year, "assessment": assessment, "form": form}
    )


@require_POST
@role_required
def rewards_approve(request, year: int):
    assessment = current_assessment(year)
    if assessment is None:
        raise Http404
    if not can(request.user, "reward.approve", assessment):
        raise PermissionDenied
    try:
        count = approve_rewards(assessment, acting_user=request.user)
    except RuleViolation as error:
        flash_rule_errors(request, error)
    else:
        messages.success(request, _("%(n)s reward(s) and penalty(ies) approved.") % {"n": count})
    return redirect("assessment:year", year=year)


def _shown(request, year: int) -> Assessment:
    assessment, _versions = chosen_version(request.user, year, request.GET.get("version"))
    if assessment is None:
        raise Http404
    return assessment


@role_required
def print_table(request, year: int):
    """The official table (年度目标考核结果表), laid out for paper."""
    assessment = _shown(request, year)
    context = {
        "year": year,
        "assessment": assessment,
        "table": table_for(request.user, assessment),
        "rewards": list(rewards_for(request.user, assessment)) if assessment.is_approved else [],
    }
    return render(request, "accountability/assessment/print.html", context)


@role_required
def xlsx(request, year: int):
    assessment = _shown(request, year)
    table = table_for(request.user, assessment)
    rewards = list(rewards_for(request.user, assessment)) if assessment.is_approved else []
    return xlsx_response(AssessmentExporter(table, rewards))
