"""URLs of scoring, appeals, disclosure (office side) and the meeting pack."""

from django.urls import include, path

from .views import disclosure, meetings, scores

score_patterns = [
    path("", scores.ranking_page, name="ranking"),
    path("ranking.xlsx", scores.ranking_xlsx, name="ranking-xlsx"),
    path("units/<int:unit_id>/", scores.unit_ledger_page, name="ledger"),
    path("entries/<int:entry_id>/appeal/", scores.appeal_new, name="appeal-new"),
    path("appeals/", scores.appeal_list, name="appeals"),
    path("appeals/<int:pk>/", scores.appeal_detail, name="appeal"),
    path("appeals/<int:pk>/evidence/", scores.appeal_evidence, name="appeal-evidence"),
    path("rules/", scores.rules_page, name="rules"),
    path("runs/", scores.runs_page, name="runs"),
    path("runs/month/", scores.run_month, name="run-month"),
]

disclosure_patterns = [
    path("", disclosure.disclosure_list, name="list"),
    path("<int:pk>/", disclosure.disclosure_detail, name="detail"),
    path("<int:pk>/<slug:action>/", disclosure.disclosure_action, name="action"),
]

urlpatterns = [
    path("scores/", include((score_patterns, "scores"))),
    path("disclosures/", include((disclosure_patterns, "disclosures"))),
    path("meetings/pack/", meetings.meeting_pack_page, name="meeting-pack"),
]
