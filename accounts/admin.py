"""The login log and the handovers are audit records: the admin shows them and changes nothing."""

from django.contrib import admin

from .models import LoginEvent, RoleHandover


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LoginEvent)
class LoginEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "username", "kind", "address"]
    list_filter = ["kind"]
    search_fields = ["username", "address"]
    date_hierarchy = "at"


@admin.register(RoleHandover)
class RoleHandoverAdmin(ReadOnlyAdmin):
    list_display = ["at", "kind", "unit", "leader", "from_user", "to_user", "recorded_by"]
    list_filter = ["kind"]
