"""/users/logins/: the login log, read-only, for the office."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render

from core.lists import paginate
from core.views import office_only

from ..forms import LoginLogFilterForm
from ..models import LoginEvent


@office_only
def login_log(request):
    form = LoginLogFilterForm(request.GET or None)
    events = form.apply(LoginEvent.objects.select_related("user").order_by("-at", "-pk"))
    context = {"form": form, "page": paginate(request, events), "keep_days": settings.ZMD_AUDIT_KEEP_DAYS}
    return render(request, "accounts/login_log.html", context)
