"""The register of notices, each notice as an official document, and what a unit or the office does
with it (sign for, answer, verify, approve). Views are thin: scope with ``for_user``, call a service,
show its message."""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import clock, permissions
from core.access import Action, access_for
from core.errors import RuleViolation, flash_rule_errors
from core.excel_writer import xlsx_response
from core.lists import paginate
from core.permissions import can
from tasks.choices import OPEN_ASSIGNMENT_STATUSES
from tasks.models import Unit

from .. import services
from ..choices import NoticeStatus
from ..documents import notice_docx
from ..excel import NoticeRegisterExporter
from ..forms.notices import AnswerForm, ApproveForm, ReasonForm, RegisterFilterForm, VerifyForm
from ..models import InboxMessage, Notice, SupervisionRules, SupervisionRun
from ..selectors import notices as selectors
from ..services.delivery import mark_read


def safe_next(request, default: str) -> str:
    """Back to the page the form was on (the inbox), if it is one of ours."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def require_office(request) -> None:
    permissions.require(request.user, "page.office")


@login_required
def register(request):
    """All notices for the office and leaders; a unit's own notices for its staff."""
    access = access_for(request.user)
    units = Unit.objects.for_user(request.user).order_by("sort_order", "name")
    form = RegisterFilterForm(request.GET or None, units=units)
    filters = form.cleaned_data if form.is_valid() else {}
    notices = selectors.register(request.user, filters)
    page = paginate(request, notices)
    context = {
        "form": form,
        "page": page,
        "office": access.office,
        "pending": selectors.office_pending(request.user),
        "runs": SupervisionRun.objects.select_related("triggered_by")[:5] if access.office else [],
        "rules": SupervisionRules.current() if access.office else None,
    }
    return render(request, "accountability/notices/register.html", context)


@login_required
def register_xlsx(request):
    """The register as a workbook: the same notices as the page, with the same filters and scope."""
    units = Unit.objects.for_user(request.user).order_by("sort_order", "name")
    form = RegisterFilterForm(request.GET or None, units=units)
    filters = form.cleaned_data if form.is_valid() else {}
    return xlsx_response(NoticeRegisterExporter(selectors.register(request.user, filters), today=clock.today()))


@login_required
def detail(request, pk: int):
    notice = get_object_or_404(
        Notice.all_notices.for_user(request.user).select_related(
            "unit", "target", "assignment__person", "report", "issued_by", "signed_by", "responded_by", "verified_by",
            "escalated_from",
        ),
        pk=pk,
    )  # fmt: skip
    mark_read(InboxMessage.objects.filter(notice=notice), user=request.user)
    access = access_for(request.user)
    context = {
        "notice": notice,
        "can_sign": can(request.user, "notice.sign", notice),
        "can_answer": can(request.user, "notice.answer", notice),
        "can_verify": can(request.user, "notice.verify", notice),
        "can_decide": can(request.user, "notice.decide", notice),
        "can_approve": can(request.user, "notice.approve", notice),
        "office": access.office,
        "assignment_open": notice.assignment_id is not None and notice.assignment.status in OPEN_ASSIGNMENT_STATUSES,
        "answer_form": AnswerForm(),
        "verify_form": VerifyForm(),
        "approve_form": ApproveForm(),
        "dismiss_form": ReasonForm(),
        "followed_by": notice.followed_by.order_by("pk"),
        "trail": notice.history.select_related("history_user").order_by("history_date", "history_id"),
        "issuer": _issuer(),
        "document_language": settings.LANGUAGE_CODE,  # an official document reads the same for everyone
    }
    return render(request, "accountability/notices/detail.html", context)


def _issuer() -> str:
    return settings.ZMD_NOTICE_ISSUER


@login_required
def download(request, pk: int):
    """The notice as a Word document (.docx), for the office to file, stamp or forward."""
    notice = get_object_or_404(Notice.objects.for_user(request.user).select_related("unit", "target"), pk=pk)
    if not notice.number:
        raise PermissionDenied
    response = HttpResponse(
        notice_docx(notice, issuer=_issuer()),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    filename = f"{notice.number}{notice.title}.docx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _notice_for(request, pk: int, action: str) -> Notice:
    return get_object_or_404(Notice.objects.for_user(request.user, action), pk=pk)


@login_required
@require_POST
def sign(request, pk: int):
    notice = _notice_for(request, pk, Action.REPORT)
    try:
        services.sign_for_notice(notice, acting_user=request.user)
    except RuleViolation as error:
        flash_rule_errors(request, error)
    else:
        messages.success(request, _("Signed for %(number)s.") % {"number": notice.number})
    return redirect(safe_next(request, notice_url(notice)))


@login_required
@require_POST
def answer(request, pk: int):
    notice = _notice_for(request, pk, Action.REPORT)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the answer before sending it."))
        return redirect(notice_url(notice))
    try:
        services.answer_notice(notice, acting_user=request.user, response=form.cleaned_data["response"])
    except RuleViolation as error:
        flash_rule_errors(request, error)
    else:
        messages.success(request, _("Your answer has been sent to the supervision office."))
    return redirect(notice_url(notice))


@login_required
@require_POST
def verify(request, pk: int):
    notice = _notice_for(request, pk, Action.MANAGE)
    form = VerifyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether the answer is accepted."))
        return redirect(notice_url(notice))
    accepted = form.cleaned_data["decision"] == "accept"
    try:
        services.verify_answer(notice, acting_user=request.user, accepted=accepted, note=form.cleaned_data["note"])
    except RuleViolation as error:
        flash_rule_errors(request, error)
    else:
        messages.success(
            request,
            _("The answer is accepted and the notice closed.") if accepted else _("The answer has been sent back."),
        )
    return redirect(notice_url(notice))


@login_required
@require_POST
def approve(request, pk: int):
    notice = _notice_for(request, pk, Action.VIEW)
    if notice.status == NoticeStatus.PROPOSED and notice.issued_by_id == request.user.pk:
        messages.error(request, _("You cannot approve what you proposed yourself."))
        return redirect(notice_url(notice))
    if not access_for(request.user).is_leader:  # the service says why a leader may not
        raise PermissionDenied(_("Only a city leader approves an exposure."))
    form = ApproveForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        notice = services.approve_exposure(notice, acting_user=request.user, note=note)
    except RuleViolation as error:
        flash_rule_errors(request, error)
    else:
        messages.success(request, _("Exposure %(number)s approved, issued and published.") % {"number": notice.number})
    return redirect(notice_url(notice))


@login_required
@require_POST
def dismiss(request, pk: int):
    notice = _notice_for(request, pk, Action.VIEW)
    access = access_for(request.user)
    if not (access.office or access.is_leader):
        raise PermissionDenied(_("Your role does not let you do this here."))
    form = ReasonForm(request.POST)
    try:
        services.dismiss_exposure(notice, acting_user=request.user, reason=form.data.get("reason", ""))
    except RuleViolation as error:
        flash_rule_errors(request, error)
    else:
        messages.success(request, _("The exposure candidate is not approved."))
    return redirect(notice_url(notice))


def notice_url(notice: Notice) -> str:
    return reverse("notices:detail", args=[notice.pk])
