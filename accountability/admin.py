from django.contrib import admin

from tasks.admin import HistoryAdmin

from .models import Check, InboxMessage, Notice, NoticeCounter, SupervisionRules, SupervisionRun


@admin.register(Check)
class CheckAdmin(HistoryAdmin):
    list_display = ["assignment", "kind", "checked_on", "checked_by"]
    list_filter = ["kind"]
    search_fields = ["finding", "assignment__target__title", "assignment__unit__name"]
    list_select_related = ["assignment__target", "assignment__unit", "checked_by"]
    raw_id_fields = ["assignment", "checked_by"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records the services write; the admin only shows them (state changes go through the workspace)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin, HistoryAdmin):
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
class SupervisionRunAdmin(ReadOnlyAdmin):
    list_display = ["day", "started_at", "finished_at", "triggered_by", "summary"]
    list_select_related = ["triggered_by"]


@admin.register(NoticeCounter)
class NoticeCounterAdmin(ReadOnlyAdmin):
    list_display = ["kind", "year", "last_serial"]
    list_filter = ["year"]


@admin.register(InboxMessage)
class InboxMessageAdmin(ReadOnlyAdmin):
    list_display = ["recipient", "kind", "subject", "created_at", "read_at", "email_status"]
    list_filter = ["kind", "email_status"]
    search_fields = ["subject", "recipient__username", "recipient__display_name"]
    list_select_related = ["recipient"]
