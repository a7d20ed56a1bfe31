"""What the API lets a person file: reports (staff create, edit a draft, submit, attach evidence;
heads approve; the office returns and accepts) and notices (sign for, answer). Each write fetches
the record as the page does (``object_for``: outside the person's reach 404, visible but not theirs
to act on 403) and calls the same service; a broken rule is the service's ``RuleViolation``."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from accountability import services as supervision
from accountability.models import Notice
from core.access import Action
from core.views import object_for
from tasks import services as ledger
from tasks.choices import ReportStatus
from tasks.models import Assignment, ProgressReport
from tasks.services.reports import REPORT_PARTS

from .. import serializers as s
from .base import ApiViewMixin
from .reads import NoticeReads, ReportReads, with_filters

FIGURES = ("progress_percent", "actual_value")


def _report(request, pk, action: str) -> ProgressReport:
    return object_for(ProgressReport, request.user, action, pk, select=("assignment__target", "assignment__unit"))


def _fresh(report: ProgressReport) -> ProgressReport:
    return ProgressReport.objects.select_related("assignment").prefetch_related("evidence").get(pk=report.pk)


@with_filters
@extend_schema_view(
    create=extend_schema(request=s.ReportCreateSerializer, responses={201: s.ReportSerializer}),
    partial_update=extend_schema(request=s.ReportWriteSerializer, responses=s.ReportSerializer),
)
class ReportViewSet(
    ApiViewMixin,
    ReportReads,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Progress reports (四报). A draft reaches no one outside its unit."""

    http_method_names = ["get", "post", "patch", "head", "options"]
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def create(self, request):
        """Write a draft for a period of one of your unit's assignments (default: the current period);
        a draft already there for that period is updated."""
        data = s.ReportCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        assignment = object_for(Assignment, request.user, Action.REPORT, fields.pop("assignment"), select=("target",))
        period = fields.pop("period", "") or None
        report = ledger.save_report(assignment, acting_user=request.user, period_key=period, **fields)
        return Response(s.ReportSerializer(_fresh(report)).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        """Change a draft (or a returned report); parts left out keep what the report had."""
        report = _report(request, pk, Action.REPORT)
        data = s.ReportWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        kept = {name: getattr(report, name) for name in (*FIGURES, *REPORT_PARTS)}
        kept.update(data.validated_data)
        report = ledger.save_report(report.assignment, acting_user=request.user, period_key=report.period, **kept)
        return Response(s.ReportSerializer(_fresh(report)).data)

    @extend_schema(request=None, responses=s.ReportSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Send the report on: to the unit head when the unit asks for approval, else to the office."""
        report = ledger.submit_report(_report(request, pk, Action.REPORT), acting_user=request.user)
        return Response(s.ReportSerializer(_fresh(report)).data)

    @extend_schema(request={"multipart/form-data": s.EvidenceUploadSerializer}, responses={201: s.EvidenceSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def evidence(self, request, pk=None):
        """Attach an evidence file (佐证材料) to a draft, a returned report or one awaiting approval."""
        report = _report(request, pk, Action.REPORT)
        data = s.EvidenceUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        evidence = ledger.add_evidence(report, uploaded_file=data.validated_data["file"], acting_user=request.user)
        return Response(s.EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.ReportSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """The unit head lets the report go to the supervision office."""
        report = ledger.approve_report(_report(request, pk, Action.APPROVE), acting_user=request.user)
        return Response(s.ReportSerializer(_fresh(report)).data)

    @extend_schema(request=s.ReturnSerializer, responses=s.ReportSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_report(self, request, pk=None):
        """Send the report back with a reason: the unit head before approval, the office after submission."""
        visible = _report(request, pk, Action.VIEW)
        acting = Action.APPROVE if visible.status == ReportStatus.PENDING_APPROVAL else Action.MANAGE
        report = _report(request, pk, acting)
        data = s.ReturnSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = ledger.return_report(
            report,
            acting_user=request.user,
            reason=data.validated_data["reason"],
            refile_by=data.validated_data.get("refile_by"),
        )
        return Response(s.ReportSerializer(_fresh(report)).data)

    @extend_schema(request=None, responses=s.ReportSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """The office accepts the report: its figures become the assignment's progress."""
        report = ledger.accept_report(_report(request, pk, Action.MANAGE), acting_user=request.user)
        return Response(s.ReportSerializer(_fresh(report)).data)


@with_filters
class NoticeViewSet(ApiViewMixin, NoticeReads, viewsets.ReadOnlyModelViewSet):
    """Notices of the five lists (五单). Signing for and answering are the addressed unit's staff's."""

    def _notice(self, pk) -> Notice:
        return get_object_or_404(Notice.objects.for_user(self.request.user, Action.REPORT), pk=pk)

    @extend_schema(request=None, responses=s.NoticeSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        """签收."""
        notice = supervision.sign_for_notice(self._notice(pk), acting_user=request.user)
        return Response(s.NoticeSerializer(notice).data)

    @extend_schema(request=s.AnswerSerializer, responses=s.NoticeSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        """The unit's answer: what it did about the warning, the problem or the exposure."""
        notice = self._notice(pk)
        data = s.AnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        notice = supervision.answer_notice(notice, acting_user=request.user, response=data.validated_data["response"])
        return Response(s.NoticeSerializer(notice).data)
