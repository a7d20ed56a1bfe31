from django.urls import include, path
from django.views.generic import RedirectView

from .views import (
    assessment,
    cases,
    checks,
    coordination,
    deliveries,
    evaluations,
    inbox,
    instructions,
    leader_digest,
    letters,
    notice_office,
    notices,
    province,
    scan_console,
    year_end,
)

letter_patterns = [
    path("", letters.letter_list, name="list"),
    path("prepare/", letters.letter_prepare, name="prepare"),
    path("<int:pk>/", letters.letter_detail, name="detail"),
    path("<int:pk>/letter.xlsx", letters.letter_xlsx, name="xlsx"),
    path("<int:pk>/sign/<str:side>/", letters.letter_sign, name="sign"),
    path("<int:pk>/changes/new/", letters.change_request_new, name="change-new"),
    path("changes/<int:pk>/decide/", letters.change_request_decide, name="change-decide"),
]

# The five lists (五单): /notices/…
notice_patterns = [
    path("", notices.register, name="register"),
    # The register is also found where people look for it by name (the filters are kept).
    path("register/", RedirectView.as_view(pattern_name="notices:register", query_string=True), name="register_alias"),
    path("register.xlsx", notices.register_xlsx, name="register_xlsx"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/read-all/", inbox.read_all, name="read_all"),
    path("inbox/<int:pk>/", inbox.message, name="message"),
    path("<int:pk>/", notices.detail, name="detail"),
    path("<int:pk>/download/", notices.download, name="download"),
    path("<int:pk>/sign/", notices.sign, name="sign"),
    path("<int:pk>/answer/", notices.answer, name="answer"),
    path("<int:pk>/verify/", notices.verify, name="verify"),
    path("<int:pk>/approve/", notices.approve, name="approve"),
    path("<int:pk>/dismiss/", notices.dismiss, name="dismiss"),
    path("supervision/new/", notice_office.new_supervision, name="new_supervision"),
    path("exposure/new/", notice_office.new_exposure, name="new_exposure"),
    path("close-outs/", notice_office.close_outs, name="close_outs"),
    path("close-outs/<int:assignment_id>/", notice_office.close_out, name="close_out"),
    path("close-outs/<int:assignment_id>/refuse/", notice_office.refuse_claim, name="refuse_claim"),
    path("close-outs/<int:assignment_id>/redo/", notice_office.return_for_redo, name="redo"),
    path("problems/", notice_office.problems, name="problems"),
    path("problems/<int:pk>/resolve/", notice_office.resolve_problem, name="problem_resolve"),
    path("problems/<int:pk>/merge/", notice_office.merge_problem, name="problem_merge"),
    path("scan/", notice_office.run_scan, name="run_scan"),
    path("scan/dry-run/", scan_console.dry_run, name="scan_dry_run"),
    path("scan/runs/<int:pk>/undo/", scan_console.undo, name="scan_undo"),
]

# 四查: /checks/…
check_patterns = [
    path("", checks.check_register, name="register"),
    path("register.xlsx", checks.check_register_xlsx, name="register_xlsx"),
    path("proposed/", checks.proposed_checks, name="proposed"),
    path("<int:pk>/", checks.check_detail, name="detail"),
]

# 问责: /accountability/…
case_patterns = [
    path("", cases.case_list, name="list"),
    path("new/", cases.case_new, name="new"),
    path("<int:pk>/", cases.case_detail, name="detail"),
    path("<int:pk>/evidence/", cases.case_evidence, name="evidence"),
    path("<int:pk>/decide/", cases.case_decide, name="decide"),
]

# 批示: /instructions/…
instruction_patterns = [
    path("", instructions.instruction_list, name="list"),
    path("new/", instructions.instruction_new, name="new"),
    path("<int:pk>/", instructions.instruction_detail, name="detail"),
    path("<int:pk>/answer/", instructions.instruction_answer, name="answer"),
    path("files/<int:pk>/", instructions.answer_file, name="file"),
]

# 年终: /year-end/…
year_end_patterns = [
    path("", year_end.index, name="index"),
    path("<int:year>/close/", year_end.close, name="close"),
]

# 年度考核 and 奖惩: /assessment/…
assessment_patterns = [
    path("", assessment.index, name="index"),
    path("<int:year>/", assessment.year_page, name="year"),
    path("<int:year>/prepare/", assessment.prepare, name="prepare"),
    path("<int:year>/approve/", assessment.approve, name="approve"),
    path("<int:year>/rewards/", assessment.rewards, name="rewards"),
    path("<int:year>/rewards/approve/", assessment.rewards_approve, name="rewards_approve"),
    path("<int:year>/print/", assessment.print_table, name="print"),
    path("<int:year>/assessment.xlsx", assessment.xlsx, name="xlsx"),
]

# 常态问政: /evaluations/…
evaluation_patterns = [
    path("", evaluations.round_list, name="list"),
    path("new/", evaluations.round_new, name="new"),
    path("<int:pk>/", evaluations.round_detail, name="detail"),
    path("<int:pk>/paper-sheet/", evaluations.round_paper_sheet, name="paper_sheet"),
    path("<int:pk>/evaluators/", evaluations.round_add_evaluator, name="add_evaluator"),
    path("<int:pk>/evaluators/new-login/", evaluations.round_new_login, name="new_login"),
    path("<int:pk>/publish/", evaluations.round_publish, name="publish"),
    path("<int:pk>/results.xlsx", evaluations.round_xlsx, name="xlsx"),
    path("sheets/<int:pk>/", evaluations.sheet_fill, name="sheet"),
]

# 保位争先: /province/…
province_patterns = [
    path("", province.index, name="index"),
    path("import/", province.import_bulletin, name="import"),
    path("template.xlsx", province.template_xlsx, name="template"),
    path("enter/", province.enter, name="enter"),
    path("settings/", province.settings_page, name="settings"),
]

# 现场协调快办 and the meetings' decisions (议定事项): /coordination/…
coordination_patterns = [
    path("", coordination.coordination_list, name="list"),
    path("new/", coordination.coordination_new, name="new"),
    path("meetings/new/", coordination.progress_meeting_new, name="meeting_new"),
    path("<int:pk>/", coordination.coordination_detail, name="detail"),
    path("<int:pk>/schedule/", coordination.coordination_schedule, name="schedule"),
    path("<int:pk>/decisions/", coordination.coordination_decisions, name="record"),
    path("decisions/", coordination.decision_list, name="decisions"),
    path("decisions/<int:pk>/", coordination.decision_detail, name="decision"),
    path("decisions/<int:pk>/progress/", coordination.decision_progress, name="progress"),
    path("decisions/<int:pk>/close/", coordination.decision_close, name="close"),
    path("files/<int:pk>/", coordination.progress_file, name="file"),
]

# Work groups and text messages: /deliveries/… (the log, channels and rules are the office's)
delivery_patterns = [
    path("", deliveries.delivery_log, name="log"),
    path("channels/", deliveries.channel_list, name="channels"),
    path("channels/new/", deliveries.channel_new, name="channel_new"),
    path("channels/<int:pk>/", deliveries.channel_edit, name="channel_edit"),
    path("channels/<int:pk>/switch/", deliveries.channel_switch, name="channel_switch"),
    path("channels/<int:pk>/test/", deliveries.channel_test, name="channel_test"),
    path("channels/<int:pk>/restore/", deliveries.channel_restore, name="channel_restore"),
    path("rules/", deliveries.rules_page, name="rules"),
    path("preference/", deliveries.preference_save, name="preference"),
    path("units/<int:unit_id>/channel/", deliveries.unit_channel_save, name="unit_channel"),
]

urlpatterns: list = [
    path("deliveries/", include((delivery_patterns, "deliveries"))),
    path("assessment/", include((assessment_patterns, "assessment"))),
    path("assignments/<int:pk>/checks/new/", checks.check_create, name="check_create"),
    path("checks/", include((check_patterns, "checks"))),
    path("accountability/", include((case_patterns, "cases"))),
    path("instructions/", include((instruction_patterns, "instructions"))),
    path("coordination/", include((coordination_patterns, "coordination"))),
    path("evaluations/", include((evaluation_patterns, "evaluations"))),
    path("letters/", include((letter_patterns, "letters"))),
    path("notices/", include((notice_patterns, "notices"))),
    path("year-end/", include((year_end_patterns, "year_end"))),
    path("province/", include((province_patterns, "province"))),
    # The profile's 领导摘要 section: its button, and the preview of today's digest.
    path("profile/leader-digest/", leader_digest.save, name="leader_digest_save"),
    path("profile/leader-digest/preview/", leader_digest.preview, name="leader_digest_preview"),
    path("", include("accountability.scoring_urls")),
    path("public/", include("accountability.public_urls")),
    path("public-feedback/", include("accountability.feedback_urls")),
]
