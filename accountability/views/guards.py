"""Who may open a page at all; which rows they see is always the models' ``for_user``.

Both gates ask ``tasks.permissions.can`` (the one answer to "may this person do this here")."""

from __future__ import annotations

from core.views import page

# Pages of the supervision office: anonymous visitors log in, everyone else gets 403.
office_required = page("page.office")
# Pages for anyone who holds a role (a person without one sees nothing but the home page).
role_required = page("page.anyone_with_a_role")
