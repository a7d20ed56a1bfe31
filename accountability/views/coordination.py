"""现场协调快办 pages: /coordination/ (requests), one request with its meeting and decisions,
/coordination/decisions/ (the decision items), one item with its progress, and progress files."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, F, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import clock
from core.access import access_for
from core.errors import RuleViolation, add_rule_errors, flash_rule_errors
from core.lists import paginate
from core.permissions import can, get_or_deny, require
from core.views import object_for
from tasks.models import Leader, ProgressReport

from ..choices import DecisionStatus
from ..forms.coordination import (
    DECISION_ROWS,
    CloseForm,
    CoordinationFilters,
    CoordinationForm,
    DecisionFilters,
    DecisionRowForm,
    DecisionsForm,
    ProgressForm,
    ProgressMeetingForm,
    ScheduleForm,
)
from ..models import Coordination, DecisionItem, DecisionProgress
from ..services import coordination as service
from .guards import role_required


@role_required
def coordination_list(request):
    filters = CoordinationFilters(request.GET or None)
    rows = filters.apply(Coordination.objects.for_user(request.user))
    rows = (
        rows.select_related("unit", "leader", "assignment__target")
        .order_by("-requested_at", "-pk")
        .annotate(
            decision_count=Count("decisions", distinct=True),
            open_count=Count("decisions", filter=~Q(decisions__status=DecisionStatus.CLOSED), distinct=True),
        )
    )
    context = {
        "page": paginate(request, rows),
        "form": filters,
        "can_request": can(request.user, "coordination.request"),
        "can_hold_meeting": can(request.user, "coordination.hold_meeting"),
    }
    return render(request, "accountability/coordination/list.html", context)


@role_required
def coordination_new(request):
    require(request.user, "coordination.request")
    unit_ids = sorted(access_for(request.user).unit_ids)
    report = None
    if request.GET.get("report", "").isdigit():
        report = object_for(ProgressReport, request.user, "view", int(request.GET["report"]), select=("assignment",))
    initial = {"unit": unit_ids[0] if len(unit_ids) == 1 else None}
    if report is not None:
        initial |= {"assignment": report.assignment_id, "blocked": report.problems, "unit": report.assignment.unit_id}
    elif request.GET.get("assignment", "").isdigit():
        initial["assignment"] = int(request.GET["assignment"])
    form = CoordinationForm(request.POST or None, unit_ids=unit_ids, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            coordination = service.request_coordination(
                unit=data["unit"],
                blocked=data["blocked"],
                leader=data["leader"],
                units=data["units"],
                assignment=data["assignment"],
                report=report,
                acting_user=request.user,
            )
        except RuleViolation as error:
            add_rule_errors(form, error)
        else:
            messages.success(request, _("Coordination requested; it waits for %(leader)s to schedule it.") % {
                "leader": coordination.leader})  # fmt: skip
            return redirect("coordination:detail", pk=coordination.pk)
    return render(request, "accountability/coordination/form.html", {"form": form, "report": report})


@role_required
def progress_meeting_new(request):
    """记录例会议定事项: the office (for any leader) or a leader (for their own posts) enters a progress
    meeting; its page then takes the decisions with the same form as a coordination meeting's."""
    require(request.user, "coordination.hold_meeting")
    access = access_for(request.user)
    leaders = Leader.objects.all() if access.office else Leader.objects.filter(pk__in=access.leader_ids)
    today = clock.today()
    initial = {
        "subject": _("Progress meeting %(month)s") % {"month": f"{today.year}年{today.month}月"},
        "day": today,
    }
    if request.GET.get("leader", "").isdigit() and leaders.filter(pk=int(request.GET["leader"])).exists():
        initial["leader"] = int(request.GET["leader"])
    elif leaders.count() == 1:
        initial["leader"] = leaders.get().pk
    form = ProgressMeetingForm(request.POST or None, leaders=leaders, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            coordination = service.hold_progress_meeting(
                leader=data["leader"],
                subject=data["subject"],
                meeting_at=form.meeting_at(),
                place=data["place"],
                units=data["units"],
                acting_user=request.user,
            )
        except RuleViolation as error:
            add_rule_errors(form, error)
        else:
            messages.success(request, _("The progress meeting is entered; record its decisions below."))
            return redirect(f"{reverse('coordination:detail', args=[coordination.pk])}#decisions")
    return render(request, "accountability/coordination/meeting_form.html", {"form": form})


def _row_forms(coordination: Coordination, data=None) -> list[DecisionRowForm]:
    unit_ids = [coordination.unit_id, *coordination.units.values_list("pk", flat=True)]
    unit_ids = [unit_id for unit_id in unit_ids if unit_id is not None]
    return [DecisionRowForm(data, prefix=f"d{n}", unit_ids=unit_ids) for n in range(DECISION_ROWS)]


def _detail(request, coordination, *, schedule_form=None, decisions_form=None, row_forms=None, status=200):
    may_schedule = can(request.user, "coordination.schedule", coordination)
    may_record = can(request.user, "coordination.record", coordination)
    if may_schedule and schedule_form is None:
        meeting = clock.now() if coordination.meeting_at is None else coordination.meeting_at
        schedule_form = ScheduleForm(
            initial={
                "day": meeting.date() if coordination.meeting_at else None,
                "time": meeting.strftime("%H:%M") if coordination.meeting_at else None,
                "place": coordination.place,
                "units": list(coordination.units.values_list("pk", flat=True)),
            }
        )
    if may_record and decisions_form is None:
        decisions_form, row_forms = DecisionsForm(initial={"minutes": coordination.minutes}), _row_forms(coordination)
    context = {
        "coordination": coordination,
        # Those the person may open: a unit called to the meeting sees its own, not every unit's.
        "decisions": DecisionItem.objects.for_user(request.user)
        .filter(coordination=coordination)
        .select_related("owner", "person")
        .order_by("deadline", "pk"),
        "today": clock.today(),
        "schedule_form": schedule_form if may_schedule else None,
        "decisions_form": decisions_form if may_record else None,
        "row_forms": row_forms if may_record else None,
        "trail": coordination.history.select_related("history_user").order_by("history_date", "history_id"),
    }
    return render(request, "accountability/coordination/detail.html", context, status=status)


def _coordination(request, pk: int) -> Coordination:
    return get_or_deny(
        Coordination,
        request.user,
        pk,
        select=("unit", "leader", "assignment__target", "report", "requested_by", "scheduled_by"),
        prefetch=("units",),
    )


@role_required
def coordination_detail(request, pk: int):
    return _detail(request, _coordination(request, pk))


@require_POST
@role_required
def coordination_schedule(request, pk: int):
    coordination = _coordination(request, pk)
    require(request.user, "coordination.schedule", coordination)
    form = ScheduleForm(request.POST)
    if form.is_valid():
        try:
            service.schedule_coordination(
                coordination,
                meeting_at=form.meeting_at(),
                place=form.cleaned_data["place"],
                units=form.cleaned_data["units"],
                acting_user=request.user,
            )
        except RuleViolation as error:
            add_rule_errors(form, error)
        else:
            messages.success(request, _("The coordination meeting is scheduled; the units are told."))
            return redirect("coordination:detail", pk=coordination.pk)
    return _detail(request, coordination, schedule_form=form, status=400)


@require_POST
@role_required
def coordination_decisions(request, pk: int):
    coordination = _coordination(request, pk)
    require(request.user, "coordination.record", coordination)
    form, rows = DecisionsForm(request.POST), _row_forms(coordination, request.POST)
    if form.is_valid() and all(row.is_valid() for row in rows):
        try:
            service.record_decisions(
                coordination,
                rows=[row.cleaned_data for row in rows],
                minutes=form.cleaned_data["minutes"],
                acting_user=request.user,
            )
        except RuleViolation as error:
            add_rule_errors(form, error)
        else:
            messages.success(request, _("The decisions are recorded; each owner unit is told."))
            return redirect("coordination:detail", pk=coordination.pk)
    return _detail(request, coordination, decisions_form=form, row_forms=rows, status=400)


# --- Decision items (议定事项) --------------------------------------------------------------------


@role_required
def decision_list(request):
    filters = DecisionFilters(request.GET or None)
    rows = filters.apply(DecisionItem.objects.for_user(request.user))
    rows = rows.select_related("owner", "person", "coordination__leader")
    # Open items first, the nearest deadline first; the completed ones after them.
    rows = rows.order_by(F("closed_at").asc(nulls_first=True), "deadline", "pk")
    page = paginate(request, rows)
    day = clock.today()
    for item in page.object_list:
        item.overdue = item.is_overdue_on(day)
    return render(request, "accountability/coordination/decisions.html", {"page": page, "form": filters})


def _item(request, pk: int) -> DecisionItem:
    return get_or_deny(
        DecisionItem,
        request.user,
        pk,
        select=("owner", "person", "coordination__leader", "coordination__unit", "closed_by"),
    )


def _item_detail(request, item, *, progress_form=None, close_form=None, status=200):
    may_report = can(request.user, "decision.report", item)
    if may_report and progress_form is None:
        progress_form = ProgressForm(uploader=request.user)
    context = {
        "item": item,
        "overdue": item.is_overdue_on(clock.today()),
        "progress": item.progress.select_related("uploaded_by").order_by("uploaded_at", "pk"),
        "notices": item.notices.order_by("created_at"),
        "progress_form": progress_form if may_report else None,
        "close_form": (close_form or CloseForm()) if can(request.user, "decision.close", item) else None,
    }
    return render(request, "accountability/coordination/decision.html", context, status=status)


@role_required
def decision_detail(request, pk: int):
    return _item_detail(request, _item(request, pk))


@require_POST
@role_required
def decision_progress(request, pk: int):
    item = _item(request, pk)
    require(request.user, "decision.report", item)
    form = ProgressForm(request.POST, request.FILES, uploader=request.user)
    if form.is_valid():
        try:
            service.report_decision_progress(
                item,
                text=form.cleaned_data["text"],
                file=form.cleaned_data.get("file") or None,
                asks_close=form.cleaned_data["asks_close"],
                acting_user=request.user,
            )
        except RuleViolation as error:
            add_rule_errors(form, error)
        else:
            messages.success(request, _("The progress is reported."))
            return redirect("coordination:decision", pk=item.pk)
    return _item_detail(request, item, progress_form=form, status=400)


@require_POST
@role_required
def decision_close(request, pk: int):
    item = _item(request, pk)
    require(request.user, "decision.close", item)
    close = "send_back" not in request.POST
    try:
        service.close_decision(item, close=close, note=request.POST.get("note", ""), acting_user=request.user)
    except RuleViolation as error:
        flash_rule_errors(request, error)
    else:
        messages.success(request, _("The decision is completed.") if close else _("The decision is sent back."))
    return redirect("coordination:decision", pk=item.pk)


@role_required
def progress_file(request, pk: int):
    items = DecisionItem.objects.for_user(request.user).values("pk")
    stored = get_object_or_404(DecisionProgress.objects.filter(item__in=items).exclude(file=""), pk=pk)
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The file is missing from storage.")) from None
    # Always an attachment: an uploaded HTML or SVG must never render inside our origin.
    return FileResponse(handle, as_attachment=True, filename=stored.original_name)
