"""What every page's header needs: who is logged in and in which roles."""

from core.access import access_for


def workspace(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Once per request: a page's panels render their own templates with the request (each a new
    # RequestContext), which would otherwise read the roles again for every panel.
    roles = getattr(request, "_zmd_roles", None)
    if roles is None:
        roles = request._zmd_roles = list(user.roles.select_related("unit", "leader"))
    return {"zmd_roles": roles, "zmd_access": access_for(user)}
