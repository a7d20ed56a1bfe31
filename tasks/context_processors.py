"""What every page's header needs: who is logged in and in which roles."""

from core.access import access_for, roles_of


def workspace(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # The roles come with the access check's one query (core.access), kept on the user for the
    # request: a page's panels render their own templates with the request (each a new
    # RequestContext) and read them again for free.
    return {"zmd_roles": roles_of(user), "zmd_access": access_for(user)}
