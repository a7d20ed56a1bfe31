"""批示 pages: /instructions/ (the list, with state, unit, leader and overdue filters), one
instruction with each addressed unit's state and answer (and the answer form for an addressed
unit), the leader's form reached from a target, assignment, report or problem, and answer files."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core import clock
from core.access import access_for
from core.errors import RuleViolation, add_rule_errors
from core.lists import paginate
from tasks.models import Assignment, ProgressReport, Target, Unit
from tasks.selectors.scope import chosen_scope

from ..forms.instructions import AnswerForm, InstructionFilterForm, InstructionForm
from ..models import AnswerState, Instruction, InstructionAnswerFile, answer_state
from ..services import instructions as service


def _may_open(request):
    access = access_for(request.user)
    if not (access.office or access.is_leader or access.unit_ids):
        raise PermissionDenied(_("Instructions are for leaders, units and the supervision office."))
    return access


@login_required
def instruction_list(request):
    access = _may_open(request)
    # A unit's people (who are not also leaders or the office) filter by their own units' state.
    unit_ids = None if (access.office or access.is_leader) else list(access.unit_ids)
    form = InstructionFilterForm(request.GET or None, unit_ids=unit_ids)
    rows = form.apply(Instruction.objects.for_user(request.user))
    chosen = chosen_scope(request, list_page=True)
    if chosen.scope is not None:
        rows = rows.in_scope(chosen.scope)
    rows = rows.select_related("author", "target", "assignment__unit").prefetch_related("units", "answers")
    page = paginate(request, rows.order_by("-created_at", "-pk"))
    day = clock.today()
    for item in page.object_list:
        # Each addressed unit's state, counted for the leader's glance (answered / overdue / waiting).
        answered = {answer.unit_id: answer.answered_on for answer in item.answers.all()}
        states = [answer_state(item.due_date, answered.get(unit.pk), day) for unit in item.units.all()]
        item.state_counts = {state: states.count(state) for state in AnswerState.values if state in states}
    context = {"form": form, "page": page} | chosen.context()
    return render(request, "accountability/instructions/list.html", context)


def _instruction(request, pk: int) -> Instruction:
    _may_open(request)
    return get_object_or_404(
        Instruction.objects.for_user(request.user).select_related("author", "target", "assignment__unit", "report"),
        pk=pk,
    )


def _detail(request, instruction: Instruction, answer_form=None, status: int = 200):
    units = service.answerable_units(instruction, request.user)
    if units and answer_form is None:
        answer_form = AnswerForm(units=units, uploader=request.user)
    access = access_for(request.user)
    states = service.unit_states(instruction, clock.today())
    if not access.sees_everything:
        # Another addressed unit's state shows; what it wrote and sent is for the leader and the office.
        states = [(unit, state, answer if unit.pk in access.unit_ids else None) for unit, state, answer in states]
    context = {
        "instruction": instruction,
        "states": states,
        "answer_form": answer_form if units else None,
    }
    return render(request, "accountability/instructions/detail.html", context, status=status)


@login_required
def instruction_detail(request, pk: int):
    return _detail(request, _instruction(request, pk))


@login_required
def instruction_answer(request, pk: int):
    instruction = _instruction(request, pk)
    if request.method != "POST":
        return redirect("instructions:detail", pk=pk)
    units = service.answerable_units(instruction, request.user)
    if not units:
        raise PermissionDenied(_("Only a unit the instruction is addressed to answers it, once."))
    form = AnswerForm(request.POST, request.FILES, units=units, uploader=request.user)
    if form.is_valid():
        try:
            service.answer_instruction(
                instruction,
                unit=form.cleaned_data["unit"],
                text=form.cleaned_data["text"],
                files=form.cleaned_data["files"],
                acting_user=request.user,
            )
        except RuleViolation as error:
            add_rule_errors(form, error)
        else:
            messages.success(request, _("Your answer has been recorded."))
            return redirect("instructions:detail", pk=pk)
    return _detail(request, instruction, answer_form=form, status=400)


def _subject(request):
    """The target (required) and the assignment, report or problem the form was opened from."""
    params = request.GET
    report = assignment = None
    try:
        if params.get("report"):
            report = get_object_or_404(ProgressReport.objects.select_related("assignment__target"), pk=params["report"])
            assignment = report.assignment
        elif params.get("assignment"):
            assignment = get_object_or_404(Assignment.objects.select_related("target"), pk=params["assignment"])
        target = assignment.target if assignment else get_object_or_404(Target, pk=params.get("target") or 0)
    except ValueError:
        raise Http404(_("Not found, or not yours to see.")) from None
    on_problem = bool(report and params.get("problem") and report.problems.strip())
    return target, assignment, report, on_problem


@login_required
def instruction_new(request):
    if not access_for(request.user).is_leader:
        raise PermissionDenied(_("Only a city leader writes instructions."))
    target, assignment, report, on_problem = _subject(request)
    units = Unit.objects.filter(assignments__target=target).distinct().order_by("sort_order", "name")
    initial = {"units": [assignment.unit_id]} if assignment else {}
    form = InstructionForm(request.POST or None, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            instruction = service.issue_instruction(
                target=target,
                assignment=assignment,
                report=report,
                on_problem=on_problem,
                text=form.cleaned_data["text"],
                due_date=form.cleaned_data["due_date"],
                units=form.cleaned_data["units"],
                to_office=form.cleaned_data["to_office"],
                acting_user=request.user,
            )
        except RuleViolation as error:
            add_rule_errors(form, error)
        else:
            messages.success(request, _("The instruction has been sent to the units."))
            return redirect("instructions:detail", pk=instruction.pk)
    context = {"form": form, "target": target, "assignment": assignment, "report": report, "on_problem": on_problem}
    return render(request, "accountability/instructions/form.html", context, status=400 if form.is_bound else 200)


@login_required
def answer_file(request, pk: int):
    access = _may_open(request)
    files = InstructionAnswerFile.objects.filter(
        answer__instruction__in=Instruction.objects.for_user(request.user).values("pk")
    )
    if not access.sees_everything:
        files = files.filter(answer__unit__in=access.unit_ids)
    stored = get_object_or_404(files, pk=pk)
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The file is missing from storage.")) from None
    # Always an attachment: an uploaded HTML or SVG must never render inside our origin.
    return FileResponse(
        handle, as_attachment=True, filename=stored.original_name, content_type="application/octet-stream"
    )
