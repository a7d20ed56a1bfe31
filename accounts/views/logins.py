"""/users/logins/: the login log, read-only, for the office."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone

from tasks.views.common import office_only, paginate, query_without_page

from ..forms import LoginLogFilterForm
from ..models import LoginEvent


def day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@office_only
def login_log(request):
    form = LoginLogFilterForm(request.GET or None)
    events = LoginEvent.objects.select_related("user").order_by("-at", "-pk")
    if form.is_valid():
        data = form.cleaned_data
        if data["username"]:
            events = events.filter(username__iexact=data["username"].strip())
        if data["kind"]:
            events = events.filter(kind=data["kind"])
        if data["date_from"]:
            events = events.filter(at__gte=day_start(data["date_from"]))
        if data["date_to"]:
            events = events.filter(at__lt=day_start(data["date_to"] + dt.timedelta(days=1)))
    page = paginate(request, events, per_page=50)
    context = {
        "form": form,
        "page": page,
        "query": query_without_page(request),
        "keep_days": settings.ZMD_AUDIT_KEEP_DAYS,
    }
    return render(request, "accounts/login_log.html", context)
