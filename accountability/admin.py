from django.contrib import admin

from tasks.admin import HistoryAdmin

from .models import Check


@admin.register(Check)
class CheckAdmin(HistoryAdmin):
    list_display = ["assignment", "kind", "checked_on", "checked_by"]
    list_filter = ["kind"]
    search_fields = ["finding", "assignment__target__title", "assignment__unit__name"]
    list_select_related = ["assignment__target", "assignment__unit", "checked_by"]
    raw_id_fields = ["assignment", "checked_by"]
