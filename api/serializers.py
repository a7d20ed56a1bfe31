"""What the API shows of each record. Codes come with their labels in the person's language
(``status`` and ``status_label``), so another system can store the code and show the word."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accountability.models import Disclosure, Instruction, Notice, ScoreEntry
from tasks.models import Assignment, Evidence, Leader, Milestone, ProgressReport, Target, Unit
from tasks.services.reports import REPORT_PARTS

from .models import ApiToken


def label(field: str):
    return serializers.CharField(source=f"get_{field}_display", read_only=True)


class UnitSerializer(serializers.ModelSerializer):
    kind_label = label("kind")

    class Meta:
        model = Unit
        fields = ["id", "name", "kind", "kind_label", "sort_order", "requires_head_approval", "is_active"]


class LeaderSerializer(serializers.ModelSerializer):
    units = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Leader
        fields = ["id", "post", "fields_in_charge", "whole_city", "sort_order", "units"]


class MilestoneSerializer(serializers.ModelSerializer):
    granularity_label = label("granularity")

    class Meta:
        model = Milestone
        fields = [
            "id", "due_date", "granularity", "granularity_label", "planned_percent", "planned_value", "description",
        ]  # fmt: skip


class StateSerializer(serializers.Serializer):
    """The judgment of the assignment today (tasks/judgment/state.py): the state and the numbers behind it."""

    day = serializers.DateField()
    state = serializers.CharField()
    label = serializers.CharField()
    level = serializers.IntegerField()
    colour = serializers.CharField()
    planned = serializers.DecimalField(max_digits=6, decimal_places=1)
    actual = serializers.DecimalField(max_digits=6, decimal_places=1)
    days_late = serializers.IntegerField()
    behind = serializers.BooleanField()


class ChainLinkSerializer(serializers.ModelSerializer):
    """One link of a target's chain (责任分解): the unit, its role, who answers for it."""

    unit_name = serializers.CharField(source="unit.name", read_only=True)
    role_label = label("role")
    status_label = label("status")

    class Meta:
        model = Assignment
        fields = [
            "id", "unit", "unit_name", "role", "role_label", "responsible_person", "duty", "share",
            "deadline", "status", "status_label", "progress_percent", "actual_value",
        ]  # fmt: skip


class AssignmentSerializer(ChainLinkSerializer):
    target_code = serializers.CharField(source="target.code", read_only=True)
    target_title = serializers.CharField(source="target.title", read_only=True)
    year = serializers.IntegerField(source="target.year", read_only=True)
    milestones = MilestoneSerializer(many=True, read_only=True)
    judgment = serializers.SerializerMethodField()

    class Meta(ChainLinkSerializer.Meta):
        fields = [
            *ChainLinkSerializer.Meta.fields, "target", "target_code", "target_title", "year", "issued_at",
            "signed_at", "closed_at", "planned_percent", "last_report_period", "last_reported_at",
            "warning_level", "milestones", "judgment",
        ]  # fmt: skip

    @extend_schema_field(StateSerializer(allow_null=True))
    def get_judgment(self, assignment):
        """The state from ``judgments`` (one query for the page: api/views/reads.py); null until issued."""
        judged = self.context.get("judgments", {}).get(assignment.pk)
        if judged is None:
            return None
        facts = {name: getattr(judged, name) for name in StateSerializer._declared_fields}
        return StateSerializer(facts).data


class TargetSerializer(serializers.ModelSerializer):
    source_label = label("source")
    target_type_label = label("target_type")
    status_label = label("status")
    report_frequency_label = label("report_frequency")
    leader_post = serializers.CharField(source="leader.post", read_only=True, allow_null=True, default=None)
    task_force = serializers.CharField(source="task_force.name", read_only=True, allow_null=True, default=None)
    chain = serializers.SerializerMethodField()

    class Meta:
        model = Target
        fields = [
            "id", "year", "code", "title", "description", "parent", "source", "source_label", "target_type",
            "target_type_label", "is_key", "measure_unit", "baseline", "target_value", "direction",
            "measure_kind", "share_rule", "leader", "leader_post", "task_force", "start_date", "deadline",
            "report_frequency", "report_frequency_label", "status", "status_label", "chain",
        ]  # fmt: skip

    @extend_schema_field(ChainLinkSerializer(many=True))
    def get_chain(self, target):
        """The links this person may see (the prefetch is scoped by ``for_user``: api/views/reads.py)."""
        return ChainLinkSerializer(target.assignments.all(), many=True).data


class EvidenceSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = ["id", "original_name", "size", "content_type", "uploaded_at", "download"]

    def get_download(self, evidence) -> str:
        return reverse("api:evidence-download", args=[evidence.pk])


class ReportSerializer(serializers.ModelSerializer):
    status_label = label("status")
    unit = serializers.IntegerField(source="assignment.unit_id", read_only=True)
    target = serializers.IntegerField(source="assignment.target_id", read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = ProgressReport
        fields = [
            "id", "assignment", "unit", "target", "period", "period_end", "due_date", "progress_percent",
            "actual_value", *REPORT_PARTS, "status", "status_label", "submitted_at", "filed_at",
            "approved_at", "reviewed_at", "return_reason", "refile_by", "created_at", "updated_at", "evidence",
        ]  # fmt: skip


class ReportWriteSerializer(serializers.Serializer):
    """A draft's content: the figures and the four parts (四报). Omitted parts keep what the draft had."""

    progress_percent = serializers.DecimalField(
        max_digits=4, decimal_places=1, min_value=0, max_value=100, required=False, allow_null=True
    )
    actual_value = serializers.DecimalField(max_digits=18, decimal_places=4, required=False, allow_null=True)
    work_done = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    problems = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    next_plan = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    suggestions = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class ReportCreateSerializer(ReportWriteSerializer):
    assignment = serializers.IntegerField(min_value=1)
    period = serializers.CharField(required=False, allow_blank=True, max_length=16, help_text=_("Default: now."))


class ReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)
    refile_by = serializers.DateField(required=False, allow_null=True)


class EvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class NoticeSerializer(serializers.ModelSerializer):
    kind_label = label("kind")
    status_label = label("status")
    cause_label = label("cause")
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Notice
        fields = [
            "id", "kind", "kind_label", "year", "number", "title", "assignment", "target", "unit", "unit_name",
            "report", "cause", "cause_label", "period", "level", "body", "required_action", "due_date", "status",
            "status_label", "issued_at", "signed_at", "response", "responded_at", "verified_at",
            "verification_note", "closed_at",
        ]  # fmt: skip


class AnswerSerializer(serializers.Serializer):
    response = serializers.CharField(max_length=4000)


class InstructionSerializer(serializers.ModelSerializer):
    signature = serializers.CharField(read_only=True)
    units = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Instruction
        fields = [
            "id", "target", "assignment", "report", "on_problem", "text", "due_date", "units", "to_office",
            "signature", "created_at",
        ]  # fmt: skip


class ScoreEntrySerializer(serializers.ModelSerializer):
    rule_code = serializers.CharField(source="rule.code", read_only=True)
    rule_label = serializers.CharField(source="rule.get_code_display", read_only=True)

    class Meta:
        model = ScoreEntry
        fields = [
            "id", "unit", "rule_code", "rule_label", "amount", "occurred_on", "reason", "target", "assignment",
            "period", "report", "notice", "reverses", "created_at",
        ]  # fmt: skip


class RankedUnitSerializer(serializers.Serializer):
    unit_id = serializers.IntegerField()
    name = serializers.CharField()
    rank = serializers.IntegerField()
    score = serializers.DecimalField(max_digits=10, decimal_places=2)
    bonuses = serializers.DecimalField(max_digits=10, decimal_places=2)
    deductions = serializers.DecimalField(max_digits=10, decimal_places=2)
    completion = serializers.DecimalField(max_digits=6, decimal_places=1)
    grade = serializers.CharField()
    grade_label = serializers.CharField()
    previous_rank = serializers.IntegerField(allow_null=True)


class RankingGroupSerializer(serializers.Serializer):
    group = serializers.CharField()
    label = serializers.CharField()
    units = RankedUnitSerializer(many=True)


class RankingSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    period = serializers.CharField()
    start = serializers.DateField()
    base = serializers.DecimalField(max_digits=10, decimal_places=2)
    groups = RankingGroupSerializer(many=True)


class RankingQuerySerializer(serializers.Serializer):
    as_of = serializers.DateField(required=False, help_text=_("Default: today; never after today."))
    period = serializers.ChoiceField(choices=["year", "quarter"], required=False)


class DisclosureSerializer(serializers.ModelSerializer):
    data = serializers.JSONField(read_only=True)

    class Meta:
        model = Disclosure
        fields = ["id", "title", "period_label", "as_of", "note", "published_at", "corrects", "correction_note", "data"]


class ApiTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "last_used_at", "revoked_at"]


@extend_schema_field(OpenApiTypes.BINARY)
class BinaryField(serializers.Field):
    pass


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    display_name = serializers.CharField()
    language = serializers.CharField()
    office = serializers.BooleanField()
    leader = serializers.BooleanField()
    staff_units = serializers.ListField(child=serializers.IntegerField())
    head_units = serializers.ListField(child=serializers.IntegerField())
