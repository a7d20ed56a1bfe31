"""/api/: the schema (/api/schema/), the interactive docs (/api/docs/), the API itself (/api/v1/)
and the profile's token buttons (/api/tokens/)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from .views import reads, tokens, writes

app_name = "api"

router = SimpleRouter(trailing_slash=True)
router.register("units", reads.UnitViewSet, basename="unit")
router.register("leaders", reads.LeaderViewSet, basename="leader")
router.register("targets", reads.TargetViewSet, basename="target")
router.register("assignments", reads.AssignmentViewSet, basename="assignment")
router.register("reports", writes.ReportViewSet, basename="report")
router.register("notices", writes.NoticeViewSet, basename="notice")
router.register("instructions", reads.InstructionViewSet, basename="instruction")
router.register("score-entries", reads.ScoreEntryViewSet, basename="score-entry")
router.register("disclosures", reads.DisclosureViewSet, basename="disclosure")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("tokens/", tokens.create, name="token_create"),
    path("tokens/<int:pk>/revoke/", tokens.revoke, name="token_revoke"),
    path("v1/me/", reads.MeView.as_view(), name="me"),
    path("v1/rankings/", reads.RankingView.as_view(), name="rankings"),
    path("v1/evidence/<int:pk>/download/", reads.EvidenceDownload.as_view(), name="evidence-download"),
    path("v1/", include(router.urls)),
]
