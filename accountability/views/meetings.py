"""The progress meeting pack (推进例会): a printable page for one leader and one meeting date."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from core import clock
from core.access import access_for
from core.permissions import can
from tasks.models import Leader
from tasks.selectors.scope import CITY, MINE

from ..forms.disclosure import MeetingPackForm
from ..selectors.meetings import meeting_pack
from .guards import role_required


@role_required
def meeting_pack_page(request):
    """The office prepares a pack for any leader; a leader for the posts they hold."""
    access = access_for(request.user)
    if access.office:
        leaders = Leader.objects.all()
    elif access.is_leader:
        leaders = Leader.objects.filter(pk__in=access.leader_ids)
    else:
        raise PermissionDenied
    leaders = leaders.order_by("sort_order", "post")
    initial = {"leader": leaders.first(), "day": clock.today()}
    form = MeetingPackForm(request.GET or None, leaders=leaders, initial=initial)
    # 我分管的 by default; 全市 one click away (the mayor's own scope is the city already).
    city = request.GET.get("scope") == CITY
    pack = None
    if form.is_bound and set(request.GET) - {"scope"}:
        if form.is_valid():
            pack = meeting_pack(form.cleaned_data["leader"], form.cleaned_data["day"], city)
    elif initial["leader"] is not None:
        form = MeetingPackForm(leaders=leaders, initial=initial)
        pack = meeting_pack(initial["leader"], initial["day"], city)
    toggle = pack is not None and not pack.leader.whole_city
    context = {
        "form": form,
        "pack": pack,
        "scope": CITY if city or not toggle else MINE,
        "scope_toggle": toggle,
        # 记录例会议定事项: the meeting's own decisions become items like a coordination meeting's.
        "can_hold_meeting": pack is not None and can(request.user, "coordination.hold_meeting", pack.leader),
    }
    return render(request, "accountability/meetings/pack.html", context)
