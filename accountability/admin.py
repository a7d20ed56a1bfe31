from django.contrib import admin

from tasks.admin import HistoryAdmin

from .models import Appeal, Check, Disclosure, GradeBand, ScoreEntry, ScoreRule, ScoringRun


@admin.register(Check)
class CheckAdmin(HistoryAdmin):
    list_display = ["assignment", "kind", "checked_on", "checked_by"]
    list_filter = ["kind"]
    search_fields = ["finding", "assignment__target__title", "assignment__unit__name"]
    list_select_related = ["assignment__target", "assignment__unit", "checked_by"]
    raw_id_fields = ["assignment", "checked_by"]


class ReadOnlyAdmin(HistoryAdmin):
    """Scoring and disclosure change only through their services (and pages); the admin shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
