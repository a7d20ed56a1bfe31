"""What the API lets a person read: every list and record starts from the model's ``for_user``, so a
record of another unit is not there (404), exactly as on the pages."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import permissions, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from accountability.choices import NoticeKind, NoticeStatus, RankingPeriod
from accountability.models import Disclosure, Instruction, Notice, ScoreEntry
from accountability.selectors.scores import ranking
from core import clock
from core.access import Action, access_for
from tasks.choices import AssignmentStatus, RankingGroup, ReportStatus, Source, TargetStatus, TargetType, UnitKind
from tasks.judgment.state import judge
from tasks.models import Assignment, Evidence, Leader, ProgressReport, Target, Unit

from .. import serializers as s
from .base import ApiViewMixin, Filter, FilteredListMixin, HasRole


def with_filters(cls):
    """Show the viewset's ``filters`` as the list operation's query parameters in the schema."""
    return extend_schema_view(list=extend_schema(parameters=cls.filter_parameters()))(cls)


class ReadViewSet(ApiViewMixin, FilteredListMixin, viewsets.ReadOnlyModelViewSet):
    pass


@with_filters
class UnitViewSet(ReadViewSet):
    """Responsible units (责任单位): all of them for the office and leaders, a unit's own for its people."""

    serializer_class = s.UnitSerializer
    filters = (Filter("kind", "kind", str, tuple(UnitKind.values)),)

    def get_queryset(self):
        return Unit.objects.for_user(self.request.user).order_by("sort_order", "name", "pk")


@with_filters
class LeaderViewSet(ReadViewSet):
    """City leaders (市领导) by post, with the units they are in charge of."""

    serializer_class = s.LeaderSerializer
    permission_classes = [permissions.IsAuthenticated, HasRole]

    def get_queryset(self):
        return Leader.objects.prefetch_related("units").order_by("sort_order", "post", "pk")


@with_filters
class TargetViewSet(ReadViewSet):
    """Targets (目标任务) with their chain: the leader, the task force, and the links (责任分解) this
    person may see."""

    serializer_class = s.TargetSerializer
    filters = (
        Filter("year", "year"),
        Filter("status", "status", str, tuple(TargetStatus.values)),
        Filter("source", "source", str, tuple(Source.values)),
        Filter("target_type", "target_type", str, tuple(TargetType.values)),
        Filter("leader", "leader"),
    )

    def get_queryset(self):
        user = self.request.user
        links = Assignment.objects.for_user(user).select_related("unit").order_by("role", "unit__sort_order", "pk")
        return (
            Target.objects.for_user(user)
            .select_related("leader", "task_force")
            .prefetch_related(Prefetch("assignments", queryset=links))
            .order_by("year", "code", "pk")
        )


class JudgedMixin:
    """Assignments come with their state today (tasks/judgment/state.py ``judge``: one query per page)."""

    def get_serializer(self, *args, **kwargs):
        rows = args[0] if args else None
        if rows is not None:
            rows = list(rows) if kwargs.get("many") else [rows]
            judged = judge(Assignment.objects.filter(pk__in=[row.pk for row in rows]), clock.today())
            kwargs.setdefault("context", self.get_serializer_context())["judgments"] = judged
        return super().get_serializer(*args, **kwargs)


@with_filters
class AssignmentViewSet(JudgedMixin, ReadViewSet):
    """Assignments (a unit's share of a target) with their plan nodes (节点) and today's state."""

    serializer_class = s.AssignmentSerializer
    filters = (
        Filter("target", "target"),
        Filter("unit", "unit"),
        Filter("year", "target__year"),
        Filter("status", "status", str, tuple(AssignmentStatus.values)),
    )

    def get_queryset(self):
        return (
            Assignment.objects.for_user(self.request.user)
            .select_related("target", "unit")
            .prefetch_related("milestones")
            .order_by("target__year", "target__code", "role", "unit__sort_order", "pk")
        )


class ReportReads(FilteredListMixin):
    serializer_class = s.ReportSerializer
    filters = (
        Filter("assignment", "assignment"),
        Filter("unit", "assignment__unit"),
        Filter("target", "assignment__target"),
        Filter("status", "status", str, tuple(ReportStatus.values)),
        Filter("period", "period", str),
    )

    def get_queryset(self):
        return (
            ProgressReport.objects.for_user(self.request.user)
            .select_related("assignment")
            .prefetch_related("evidence")
            .order_by("-period_end", "assignment_id", "pk")
        )


class EvidenceDownload(ApiViewMixin, APIView):
    """An evidence file (佐证材料), after the report's access check; always as an attachment."""

    @extend_schema(
        operation_id="evidence_download",
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    def get(self, request, pk: int):
        evidence = (
            Evidence.objects.filter(
                pk=pk, report__in=ProgressReport.objects.for_user(request.user, Action.VIEW).values("pk")
            )
            .select_related("report")
            .first()
        )
        if evidence is None:
            raise Http404(_("Not found, or not yours to see."))
        try:
            handle = evidence.file.open("rb")
        except FileNotFoundError:
            raise Http404(_("The file is missing from storage.")) from None
        return FileResponse(
            handle, as_attachment=True, filename=evidence.original_name, content_type="application/octet-stream"
        )


class NoticeReads(FilteredListMixin):
    serializer_class = s.NoticeSerializer
    filters = (
        Filter("kind", "kind", str, tuple(NoticeKind.values)),
        Filter("status", "status", str, tuple(NoticeStatus.values)),
        Filter("unit", "unit"),
        Filter("assignment", "assignment"),
        Filter("year", "year"),
    )

    def get_queryset(self):
        return Notice.objects.for_user(self.request.user).select_related("unit").order_by("-created_at", "-pk")


@with_filters
class InstructionViewSet(ReadViewSet):
    """Leaders' instructions (批示): every one for leaders and the office, a unit those addressed to it."""

    serializer_class = s.InstructionSerializer
    filters = (Filter("target", "target"), Filter("unit", "units"))

    def get_queryset(self):
        return (
            Instruction.objects.for_user(self.request.user)
            .select_related("author", "written_by")
            .prefetch_related("units")
            .order_by("-created_at", "-pk")
        )


@with_filters
class ScoreEntryViewSet(ReadViewSet):
    """The points ledger (积分): a unit its own entries, the office and leaders every unit's."""

    serializer_class = s.ScoreEntrySerializer
    filters = (Filter("unit", "unit"), Filter("year", "occurred_on__year"), Filter("target", "target"))

    def get_queryset(self):
        return ScoreEntry.objects.for_user(self.request.user).select_related("rule").order_by("-occurred_on", "-pk")


class RankingView(ApiViewMixin, APIView):
    """The ranking (排名) in both groups as of a day (never after today), as the ranking page shows it."""

    permission_classes = [permissions.IsAuthenticated, HasRole]

    @extend_schema(operation_id="rankings", parameters=[s.RankingQuerySerializer], responses=s.RankingSerializer)
    def get(self, request):
        query = s.RankingQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        today = clock.today()
        as_of = min(query.validated_data.get("as_of") or today, today)
        period = query.validated_data.get("period") or RankingPeriod.YEAR
        table = ranking(as_of=as_of, period=period, with_trend=False)
        groups = [{"group": key, "label": RankingGroup(key).label, "units": rows} for key, rows in table.groups.items()]
        data = {name: getattr(table, name) for name in ("as_of", "period", "start", "base")}
        return Response(s.RankingSerializer({**data, "groups": groups}).data)


@with_filters
class DisclosureViewSet(ReadViewSet):
    """Published disclosures (公示): the public's, readable without a token."""

    serializer_class = s.DisclosureSerializer
    permission_classes = [permissions.AllowAny]
    authentication_classes = []  # public: a token or a session changes nothing here

    def get_queryset(self):
        return Disclosure.objects.published().order_by("-published_at", "-pk")


class MeView(ApiViewMixin, APIView):
    """Who the token or session belongs to, and the roles the API answers by."""

    @extend_schema(operation_id="me", responses=s.MeSerializer)
    def get(self, request):
        access = access_for(request.user)
        return Response(
            s.MeSerializer(
                {
                    "username": request.user.username,
                    "display_name": str(request.user),
                    "language": request.user.language,
                    "office": access.office,
                    "leader": access.is_leader,
                    "staff_units": sorted(access.staff_unit_ids),
                    "head_units": sorted(access.head_unit_ids),
                }
            ).data
        )
