"""The role-based home page: first what needs the person today (counts with links, and for a
leader 我分管的), then, folded, one card per workspace the person may use."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render

from core import clock
from core.access import Action, access_for

from ..choices import ReportStatus, TargetStatus
from ..models import Assignment, ProgressReport, Target
from ..selectors.assignments import AWAITING_HEAD, DUE_NOW, MISSING, RETURNED, with_report_statuses
from ..selectors.home import leader_today
from ..selectors.reports import open_follow_up_reports
from ..selectors.scope import user_scope


@login_required
def home(request):
    user = request.user
    access = access_for(user)
    context = {"access": access}
    if access.unit_ids:
        mine = with_report_statuses(Assignment.objects.for_user(user).filter(unit__in=access.unit_ids))
        context["unit_counts"] = mine.aggregate(
            total=Count("pk"),
            missing=Count("pk", filter=MISSING),
            due=Count("pk", filter=DUE_NOW),
            returned=Count("pk", filter=RETURNED),
            approval=Count("pk", filter=AWAITING_HEAD),
        )
        # A leader's instructions (批示) reach a unit only when addressed to it: the "today" and
        # "home" panels of accountability/views/instruction_panels.py show them.
    if access.head_unit_ids:
        context["approval_count"] = (
            ProgressReport.objects.for_user(user, Action.APPROVE).filter(status=ReportStatus.PENDING_APPROVAL).count()
        )
    if access.office:
        context["office_counts"] = {
            "reviews": ProgressReport.objects.for_user(user, Action.MANAGE)
            .filter(status=ReportStatus.SUBMITTED)
            .count(),
            "follow_ups": open_follow_up_reports(ProgressReport.objects.for_user(user, Action.MANAGE)).count(),
            "drafts": Target.objects.for_user(user, Action.MANAGE).filter(status=TargetStatus.DRAFT).count(),
        }
    if access.is_leader:
        context["leader_today"] = leader_today(user, user_scope(user), clock.today())
    return render(request, "tasks/home.html", context)
