"""Changing one's own password; after the office's one-time password this is the first page."""

from __future__ import annotations

from django.contrib.auth import views as auth_views

from ..middleware import mark_must_change
from ..services import password_changed


class PasswordChange(auth_views.PasswordChangeView):
    def form_valid(self, form):
        response = super().form_valid(form)
        password_changed(self.request.user)
        mark_must_change(self.request.session, False)
        return response
