"""What every page's header needs: who is logged in and in which roles."""

from core.access import access_for


def workspace(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = list(user.roles.select_related("unit", "leader"))
    return {"zmd_roles": roles, "zmd_access": access_for(user)}
