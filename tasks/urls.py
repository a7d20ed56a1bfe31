"""The workspaces' URLs. Names are flat (``{% url 'report_detail' pk %}``) and stable."""

from django.urls import include, path

from .views import (
    assignments,
    calendar,
    completion,
    dashboard,
    evidence,
    follow_ups,
    home,
    people,
    plans,
    report_actions,
    reports,
    review,
    targets,
)

urlpatterns = [
    path("", home.home, name="home"),
    # Unit staff and heads
    path("unit/", assignments.workspace, name="unit_workspace"),
    path("reports/", reports.report_list, name="report_list"),
    path("approvals/", reports.approvals, name="approvals"),
    path("assignments/", assignments.assignment_list, name="assignment_list"),
    path("assignments/<int:pk>/", assignments.assignment_detail, name="assignment_detail"),
    path("assignments/<int:pk>/report/", reports.report_edit, name="report_edit"),
    path("assignments/<int:pk>/claim/", completion.claim, name="assignment_claim"),
    path("assignments/<int:pk>/extension/", completion.request_extension, name="assignment_extension"),
    path("claims/evidence/<int:pk>/", completion.claim_evidence, name="claim_evidence"),
    path("reports/<int:pk>/", reports.report_detail, name="report_detail"),
    path("reports/<int:pk>/approve/", review.approve, name="report_approve"),
    path("reports/<int:pk>/return/", review.return_report, name="report_return"),
    path("reports/<int:pk>/accept/", review.accept, name="report_accept"),
    path("reports/<int:pk>/follow-up/", follow_ups.report_follow_up, name="report_follow_up"),
    path("reports/<int:pk>/delete/", report_actions.delete_draft, name="report_delete"),
    path("reports/<int:pk>/withdraw/", report_actions.withdraw, name="report_withdraw"),
    path("reports/<int:pk>/reopen/", report_actions.reopen, name="report_reopen"),
    path("evidence/<int:pk>/", evidence.download, name="evidence_download"),
    path("evidence/<int:pk>/remove/", evidence.remove, name="evidence_remove"),
    # The supervision office's console
    path("targets/", targets.target_ledger, name="target_ledger"),
    path("targets/new/", targets.target_create, name="target_create"),
    path("targets/<int:pk>/", targets.target_detail, name="target_detail"),
    path("targets/<int:pk>/edit/", targets.target_edit, name="target_edit"),
    path("targets/<int:pk>/breakdown/", targets.breakdown_edit, name="breakdown_edit"),
    path("targets/<int:pk>/issue/", targets.target_issue, name="target_issue"),
    path("targets/<int:pk>/follow-up/", follow_ups.target_follow_up, name="target_follow_up"),
    path("assignments/<int:pk>/plan/", plans.plan_edit, name="plan_edit"),
    path("office/reviews/", review.review_queue, name="review_queue"),
    path("extensions/<int:pk>/decide/", completion.decide_extension, name="extension_decide"),
    path("office/follow-ups/", review.follow_up_list, name="follow_up_list"),
    path("office/calendar/", calendar.calendar, name="office_calendar"),
    path("units/<int:pk>/people/", people.unit_people, name="unit_people"),
    path("people/<int:pk>/edit/", people.person_edit, name="person_edit"),
    path("people/<int:pk>/remove/", people.person_remove, name="person_remove"),
    path("office/people/to-complete/", people.people_to_complete, name="people_to_complete"),
    path("office/calendar/<int:pk>/remove/", calendar.calendar_remove, name="office_calendar_remove"),
    # Leaders
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/battle-map/", dashboard.battle_map_view, name="battle_map"),
    path("excel/", include("tasks.excel_urls")),
    # Suggestions and proposals
    path("proposals/", include("tasks.proposal_urls")),
]
