"""两跟进 and 批示: the office's follow-up and a leader's instruction, on a target or on a report."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import Action, access_for
from core.errors import RuleViolation, flash_rule_errors
from core.views import object_for

from .. import services
from ..choices import FollowUpKind
from ..forms.reports import FollowUpForm, follow_up_kinds
from ..models import ProgressReport, Target
from ..services.delegation import acted_for

# The office follows up (manage); a leader instructs.
ACTION_FOR_KIND = {FollowUpKind.OFFICE: Action.MANAGE, FollowUpKind.LEADER: Action.INSTRUCT}


def _write(request, *, target_pk: int, report=None):
    user = request.user
    kinds = follow_up_kinds(access_for(user))
    if not kinds:
        object_for(Target, user, Action.VIEW, target_pk)  # 404 for what they cannot see
        raise PermissionDenied(_("Only the supervision office and city leaders write follow-ups."))
    form = FollowUpForm(request.POST, kinds=kinds, with_topic=report is not None)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return None
    kind = form.cleaned_data["kind"]
    target = object_for(Target, user, ACTION_FOR_KIND[kind], target_pk)
    try:
        services.add_follow_up(
            target=target,
            report=report,
            kind=kind,
            topic=form.cleaned_data["topic"],
            text=form.cleaned_data["text"],
            acting_user=user,
            on_behalf_of=acted_for(user) if kind == FollowUpKind.LEADER else None,
        )
    except RuleViolation as error:
        flash_rule_errors(request, error)
    else:
        messages.success(
            request,
            _("Instruction recorded; the unit and the office see it.")
            if kind == FollowUpKind.LEADER
            else _("Follow-up recorded; the unit sees it."),
        )
    return None


@require_POST
@login_required
def report_follow_up(request, pk: int):
    report = object_for(ProgressReport, request.user, Action.VIEW, pk, select=("assignment",))
    _write(request, target_pk=report.assignment.target_id, report=report)
    return redirect("report_detail", pk=report.pk)


@require_POST
@login_required
def target_follow_up(request, pk: int):
    target = object_for(Target, request.user, Action.VIEW, pk)
    _write(request, target_pk=target.pk)
    return redirect("target_detail", pk=target.pk)
