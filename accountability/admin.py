from django.contrib import admin

from tasks.admin import HistoryAdmin, ReadOnlyAdmin

from .models import (
    AccountabilityCase,
    AccountabilityMeasure,
    Appeal,
    Assessment,
    Check,
    Disclosure,
    GradeBand,
    InboxMessage,
    Instruction,
    InstructionAnswer,
    LetterChangeRequest,
    Notice,
    NoticeCounter,
    ProvinceCity,
    ProvinceExit,
    ProvinceFigure,
    ProvinceIndicator,
    ResponsibilityLetter,
    Reward,
    RewardMeasure,
    ScoreEntry,
    ScoreRule,
    ScoringRun,
    SupervisionRules,
    SupervisionRun,
    YearResult,
)


@admin.register(AccountabilityMeasure)
class AccountabilityMeasureAdmin(HistoryAdmin):
    """The office's list of measures (问责方式) and the points each writes when a case is approved."""

    list_display = ["name", "points", "is_active", "sort_order"]
    list_editable = ["points", "is_active", "sort_order"]


@admin.register(AccountabilityCase)
class AccountabilityCaseAdmin(ReadOnlyAdmin):
    list_display = ["unit", "measure", "status", "approver", "proposed_at"]
    list_filter = ["status", "measure"]
    list_select_related = ["unit", "measure", "approver"]
    raw_id_fields = ["unit", "assignment", "check_record", "notice", "persons", "approver", "proposed_by", "decided_by"]


@admin.register(Instruction)
class InstructionAdmin(ReadOnlyAdmin):
    list_display = ["target", "author", "due_date", "created_at"]
    search_fields = ["text", "target__title", "target__code"]
    list_select_related = ["target", "author"]
    raw_id_fields = ["target", "assignment", "report", "author"]


@admin.register(InstructionAnswer)
class InstructionAnswerAdmin(ReadOnlyAdmin):
    list_display = ["instruction", "unit", "answered_by", "answered_at"]
    list_select_related = ["instruction__target", "unit", "answered_by"]
    raw_id_fields = ["instruction", "unit", "answered_by"]


@admin.register(Check)
class CheckAdmin(ReadOnlyAdmin):
    list_display = ["assignment", "kind", "checked_on", "checked_by"]
    list_filter = ["kind"]
    search_fields = ["finding", "assignment__target__title", "assignment__unit__name"]
    list_select_related = ["assignment__target", "assignment__unit", "checked_by"]
    raw_id_fields = ["assignment", "checked_by"]


@admin.register(ScoreRule)
class ScoreRuleAdmin(ReadOnlyAdmin):
    list_display = ["code", "description", "amount", "is_active"]


@admin.register(GradeBand)
class GradeBandAdmin(ReadOnlyAdmin):
    list_display = ["grade", "min_score"]


@admin.register(ScoreEntry)
class ScoreEntryAdmin(admin.ModelAdmin):
    list_display = ["occurred_on", "unit", "rule", "amount", "reason"]
    list_filter = ["rule", "unit"]
    search_fields = ["reason", "unit__name", "cause_key"]
    list_select_related = ["unit", "rule"]
    date_hierarchy = "occurred_on"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ScoringRun)
class ScoringRunAdmin(admin.ModelAdmin):
    list_display = ["requested_at", "kind", "up_to", "started_at", "finished_at", "error"]
    list_filter = ["kind"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ["entry", "status", "filed_by", "filed_at", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["entry__unit", "filed_by"]


@admin.register(Disclosure)
class DisclosureAdmin(ReadOnlyAdmin):
    list_display = ["title", "as_of", "status", "published_at"]
    list_filter = ["status"]
    exclude = ["data"]


# --- The five lists (五单) ----------------------------------------------------------------------


class LogAdmin(admin.ModelAdmin):
    """Bookkeeping rows without history (counters, scan runs, inbox entries): shown, never edited."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ["number", "kind", "level", "unit", "target", "status", "issued_at", "due_date", "is_published"]
    list_filter = ["kind", "level", "status", "year", "is_published"]
    search_fields = ["number", "target__title", "target__code", "unit__name"]
    list_select_related = ["unit", "target"]
    date_hierarchy = "created_at"


@admin.register(SupervisionRules)
class SupervisionRulesAdmin(HistoryAdmin):
    """The office tunes the scan's thresholds here (one row)."""

    list_display = ["__str__", "yellow_lag_points", "red_lag_points", "yellow_catch_up_days", "exposure_red_count"]

    def has_add_permission(self, request):
        return not SupervisionRules.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SupervisionRun)
class SupervisionRunAdmin(LogAdmin):
    list_display = ["day", "started_at", "finished_at", "triggered_by", "summary"]
    list_select_related = ["triggered_by"]


@admin.register(NoticeCounter)
class NoticeCounterAdmin(LogAdmin):
    list_display = ["kind", "year", "last_serial"]
    list_filter = ["year"]


@admin.register(YearResult)
class YearResultAdmin(LogAdmin):
    list_display = ["year", "unit", "ranking_group", "rank", "score", "completion_rate", "as_of"]
    list_filter = ["year", "ranking_group"]
    list_select_related = ["unit"]


@admin.register(InboxMessage)
class InboxMessageAdmin(LogAdmin):
    list_display = ["recipient", "kind", "subject", "created_at", "read_at", "email_status"]
    list_filter = ["kind", "email_status"]
    search_fields = ["subject", "recipient__username", "recipient__display_name"]
    list_select_related = ["recipient"]


# --- Responsibility letters: signed and changed on their pages only -------------------------------


@admin.register(ResponsibilityLetter)
class ResponsibilityLetterAdmin(ReadOnlyAdmin):
    list_display = ["unit", "year", "unit_signed_on", "city_signed_on", "revision"]
    list_filter = ["year"]
    list_select_related = ["unit"]


@admin.register(LetterChangeRequest)
class LetterChangeRequestAdmin(ReadOnlyAdmin):
    list_display = ["letter", "assignment", "status", "requested_at", "decided_at", "revision"]
    list_filter = ["status"]
    list_select_related = ["letter__unit", "assignment__target"]


@admin.register(RewardMeasure)
class RewardMeasureAdmin(HistoryAdmin):
    """The office's list of rewards and penalties (奖惩) proposed from the year-end assessment."""

    list_display = ["name", "kind", "is_active", "sort_order"]
    list_editable = ["kind", "is_active", "sort_order"]


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ["year", "version", "status", "prepared_by", "approved_by", "approved_at"]
    list_filter = ["status", "year"]


@admin.register(Reward)
class RewardAdmin(ReadOnlyAdmin):
    list_display = ["assessment", "unit", "measure", "status"]
    list_filter = ["status", "measure"]
    list_select_related = ["assessment", "unit", "measure"]


# 保位争先: the office keeps these at /province/settings/ and imports the figures; the admin reads them.
@admin.register(ProvinceCity)
class ProvinceCityAdmin(HistoryAdmin):
    list_display = ["name", "is_home", "is_active", "sort_order"]


@admin.register(ProvinceIndicator)
class ProvinceIndicatorAdmin(ReadOnlyAdmin):
    list_display = ["name", "target", "measure_unit", "higher_is_better"]
    list_select_related = ["target"]


@admin.register(ProvinceFigure)
class ProvinceFigureAdmin(ReadOnlyAdmin):
    list_display = ["indicator", "month", "city", "value", "growth", "rank", "source"]
    list_filter = ["indicator", "month", "source"]
    list_select_related = ["indicator", "city"]


@admin.register(ProvinceExit)
class ProvinceExitAdmin(ReadOnlyAdmin):
    list_display = ["indicator", "month", "rank", "line", "created_at"]
    list_select_related = ["indicator"]
