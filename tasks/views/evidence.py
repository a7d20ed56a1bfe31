"""Evidence files (佐证材料) leave the server only through here, after the report's access check."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import Action
from core.errors import RuleViolation, flash_rule_errors

from .. import services
from ..models import Evidence, ProgressReport


def _evidence_for(user, pk: int, action: str) -> Evidence:
    evidence = (
        Evidence.objects.filter(pk=pk, report__in=ProgressReport.objects.for_user(user, action).values("pk"))
        .select_related("report")
        .first()
    )
    if evidence is None:
        if action != Action.VIEW and _evidence_for_or_none(user, pk, Action.VIEW):
            raise PermissionDenied(_("You may see this but not do that."))
        raise Http404(_("Not found, or not yours to see."))
    return evidence


def _evidence_for_or_none(user, pk: int, action: str) -> bool:
    return Evidence.objects.filter(
        pk=pk, report__in=ProgressReport.objects.for_user(user, action).values("pk")
    ).exists()


@login_required
def download(request, pk: int):
    evidence = _evidence_for(request.user, pk, Action.VIEW)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The file is missing from storage.")) from None
    # Always an attachment: an uploaded HTML or SVG must never render inside our origin.
    return FileResponse(
        handle, as_attachment=True, filename=evidence.original_name, content_type="application/octet-stream"
    )


@require_POST
@login_required
def remove(request, pk: int):
    evidence = _evidence_for(request.user, pk, Action.REPORT)
    report = evidence.report
    try:
        services.remove_evidence(evidence, acting_user=request.user)
    except RuleViolation as error:
        flash_rule_errors(request, error)
    else:
        messages.success(request, _("The file was removed."))
    return redirect(reverse("report_edit", args=[report.assignment_id]) + f"?period={report.period}")
