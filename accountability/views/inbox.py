"""Each person's inbox: notices to their unit, the day's reminder digests, candidates for the office."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import Action
from core.lists import paginate

from ..choices import NoticeStatus
from ..models import InboxMessage, Notice
from ..services.delivery import mark_read


@login_required
def inbox(request):
    entries = InboxMessage.objects.for_user(request.user).select_related("notice__unit", "notice__target")
    if request.GET.get("show") == "unread":
        entries = entries.waiting()
    unread_first = F("read_at").asc(nulls_first=True)
    page = paginate(request, entries.order_by(unread_first, "-created_at", "-pk"))
    signable = set(
        Notice.objects.for_user(request.user, Action.REPORT)
        .filter(status=NoticeStatus.ISSUED, pk__in=[entry.notice_id for entry in page if entry.notice_id])
        .values_list("pk", flat=True)
    )
    context = {"page": page, "signable": signable, "show": request.GET.get("show", "")}
    return render(request, "accountability/notices/inbox.html", context)


@login_required
def message(request, pk: int):
    """A digest is read here; a notice entry opens the notice itself."""
    entry = get_object_or_404(InboxMessage.objects.for_user(request.user), pk=pk)
    if entry.notice_id:
        return redirect("notices:detail", pk=entry.notice_id)
    mark_read(InboxMessage.objects.filter(pk=entry.pk), user=request.user)
    return render(request, "accountability/notices/message.html", {"entry": entry, "lines": entry.body.splitlines()})


@login_required
@require_POST
def read_all(request):
    count = mark_read(InboxMessage.objects.for_user(request.user), user=request.user)
    messages.success(request, _("%(count)s messages marked as read.") % {"count": count})
    return redirect("notices:inbox")
