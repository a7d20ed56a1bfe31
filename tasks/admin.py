"""Admin for the ledger: Chinese labels, filters, search and each object's history.

The admin is the technical administrator's (the demo's ``sysadmin``), not the office's: the office
works in the product. Records the rules govern are read-only here (``ReadOnlyAdmin``); what the
admin still edits (units, leaders, logins, task forces) is saved through the services' helper, with
who did it.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Assignment,
    ClaimEvidence,
    ClosedYear,
    CompletionClaim,
    Evidence,
    ExtensionRequest,
    FollowUp,
    Leader,
    Milestone,
    ProgressReport,
    Proposal,
    ProposalReply,
    ResponsiblePerson,
    Role,
    Target,
    TaskForce,
    Unit,
    User,
)
from .services import save_with_history


class HistoryAdmin(SimpleHistoryAdmin):
    """Saves name the acting user and say they came from the admin."""

    def save_model(self, request, obj, form, change):
        save_with_history(obj, acting_user=request.user, reason=str(_("Edited in the admin")))


class ReadOnlyAdmin(HistoryAdmin):
    """Records the rules govern (targets, assignments, plans, reports, evidence, instructions,
    extensions, claims, closed years, scoring, disclosure, notices, letters): the admin shows them and
    their history; they change only through their services and pages, never here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Unit)
class UnitAdmin(HistoryAdmin):
    list_display = ["name", "kind", "sort_order", "requires_head_approval", "is_active"]
    list_filter = ["kind", "is_active", "requires_head_approval"]
    search_fields = ["name"]


@admin.register(Leader)
class LeaderAdmin(HistoryAdmin):
    list_display = ["post", "fields_in_charge", "sort_order"]
    search_fields = ["post", "fields_in_charge"]


class RoleInline(admin.TabularInline):
    model = Role
    extra = 0
    autocomplete_fields = ["unit", "leader"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin, SimpleHistoryAdmin):
    list_display = ["username", "display_name", "phone", "is_active", "is_staff"]
    search_fields = ["username", "display_name", "phone"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("In the system"), {"fields": ["display_name", "phone", "mobile", "language"]}),
    ]
    inlines = [RoleInline]


@admin.register(TaskForce)
class TaskForceAdmin(HistoryAdmin):
    list_display = ["name", "leader"]
    list_filter = ["leader"]
    search_fields = ["name"]
    filter_horizontal = ["members"]


class AssignmentInline(ReadOnlyInline):
    model = Assignment
    extra = 0
    fields = ["unit", "role", "responsible_person", "share", "deadline", "status", "progress_percent"]
    readonly_fields = ["status", "progress_percent"]
    autocomplete_fields = ["unit"]
    show_change_link = True


@admin.register(Target)
class TargetAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "year", "source", "target_type", "leader", "deadline", "status"]
    list_filter = ["year", "source", "target_type", "status", "is_key", "leader", "report_frequency"]
    search_fields = ["code", "title", "description"]
    list_select_related = ["leader"]
    autocomplete_fields = ["parent", "leader", "task_force"]
    date_hierarchy = "deadline"
    inlines = [AssignmentInline]


class MilestoneInline(ReadOnlyInline):
    model = Milestone
    extra = 0


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = [
        "target", "unit", "role", "status", "deadline", "progress_percent", "planned_percent", "warning_level",
    ]  # fmt: skip
    list_filter = ["status", "role", "warning_level", "target__year", "target__source", "target__target_type", "unit"]
    search_fields = ["target__title", "target__code", "unit__name", "responsible_person", "person__name"]
    list_select_related = ["target", "unit"]
    autocomplete_fields = ["target", "unit", "person"]
    readonly_fields = ["progress_percent", "actual_value", "last_report_period", "last_reported_at", "planned_percent"]
    inlines = [MilestoneInline]


@admin.register(ResponsiblePerson)
class ResponsiblePersonAdmin(ReadOnlyAdmin):
    list_display = ["name", "unit", "post", "office_phone", "mobile", "needs_completion", "is_active"]
    list_filter = ["needs_completion", "is_active", "unit"]
    search_fields = ["name", "post", "unit__name"]
    list_select_related = ["unit"]


@admin.register(Milestone)
class MilestoneAdmin(ReadOnlyAdmin):
    list_display = ["assignment", "due_date", "granularity", "planned_percent", "planned_value"]
    list_filter = ["granularity"]
    search_fields = ["assignment__target__title", "assignment__unit__name"]
    list_select_related = ["assignment__target", "assignment__unit"]


class EvidenceInline(ReadOnlyInline):
    model = Evidence
    extra = 0
    fields = ["original_name", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyAdmin):
    list_display = ["assignment", "period", "progress_percent", "status", "submitted_at", "due_date"]
    list_filter = ["status", "period", "assignment__unit"]
    search_fields = ["assignment__target__title", "assignment__unit__name", "work_done", "problems"]
    list_select_related = ["assignment__target", "assignment__unit"]
    raw_id_fields = ["assignment", "author", "approved_by", "reviewed_by"]
    inlines = [EvidenceInline]


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdmin):
    list_display = ["target", "kind", "topic", "author", "created_at"]
    list_filter = ["kind", "topic"]
    search_fields = ["text", "target__title"]
    list_select_related = ["target", "author"]
    raw_id_fields = ["target", "report", "author"]


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(ReadOnlyAdmin):
    list_display = ["assignment", "previous_deadline", "requested_deadline", "status", "requested_at"]
    list_filter = ["status"]
    search_fields = ["assignment__target__title", "assignment__unit__name", "reason"]
    list_select_related = ["assignment__target", "assignment__unit"]
    raw_id_fields = ["assignment", "requested_by", "decided_by"]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "report", "size", "uploaded_by", "uploaded_at"]
    search_fields = ["original_name"]
    raw_id_fields = ["report", "uploaded_by"]


class ClaimEvidenceInline(admin.TabularInline):
    model = ClaimEvidence
    extra = 0
    fields = ["original_name", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(CompletionClaim)
class CompletionClaimAdmin(ReadOnlyAdmin):
    list_display = ["assignment", "final_percent", "final_value", "status", "claimed_at", "decided_at"]
    list_filter = ["status"]
    search_fields = ["assignment__target__title", "assignment__unit__name", "statement"]
    list_select_related = ["assignment__target", "assignment__unit"]
    inlines = [ClaimEvidenceInline]


@admin.register(ClosedYear)
class ClosedYearAdmin(ReadOnlyAdmin):
    list_display = ["year", "closed_at", "closed_by"]
    list_select_related = ["closed_by"]


class ProposalReplyInline(admin.TabularInline):
    model = ProposalReply
    extra = 0
    fields = ["assignment", "kind", "round", "result_code", "written_at", "satisfaction"]
    readonly_fields = fields
    can_delete = False


@admin.register(Proposal)
class ProposalAdmin(HistoryAdmin):
    """Replies and the proposer's views are recorded on the proposal pages (their services keep the rules)."""

    list_display = ["target", "kind", "number", "session", "handling_mode", "reply_deadline", "status"]
    list_filter = ["kind", "handling_mode", "status"]
    search_fields = ["number", "session", "proposers", "target__title"]
    list_select_related = ["target"]
    readonly_fields = [
        "target", "kind", "handling_mode", "assigned_on", "reply_deadline", "original_deadline", "extension_reason",
        "extended_at", "status", "concluded_at",
    ]  # fmt: skip
    inlines = [ProposalReplyInline]

    def has_add_permission(self, request):
        return False  # registered from the proposal list, where the deadline is set on the chain
