"""The office's queue of what the public sent (/public-feedback/): 答复, 不予采纳, 转为问题督查单;
the settings of the channel. Only the supervision office sees any of it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import RuleViolation, add_rule_errors, flash_rule_errors
from core.lists import paginate

from ..choices import FeedbackStatus
from ..forms.feedback import AnswerForm, DismissForm, FeedbackFilterForm, FeedbackNoticeForm, FeedbackSettingsForm
from ..forms.notices import default_due
from ..models import FeedbackSettings, PublicFeedback, SupervisionRules
from ..services import public_feedback as channel
from .notices import require_office


def _feedback(request, pk: int) -> PublicFeedback:
    require_office(request)
    return get_object_or_404(
        PublicFeedback.objects.for_user(request.user).select_related("disclosure", "target", "notice", "closed_by"),
        pk=pk,
    )


@login_required
def queue(request):
    require_office(request)
    form = FeedbackFilterForm(request.GET or None)
    rows = form.apply(
        PublicFeedback.objects.for_user(request.user).select_related("disclosure", "notice").defer("disclosure__data")
    )
    counts = PublicFeedback.objects.for_user(request.user).aggregate(
        new=Count("pk", filter=Q(status=FeedbackStatus.NEW))
    )
    page = paginate(request, rows.order_by("-received_at", "-pk"))
    return render(request, "accountability/feedback/queue.html", {"form": form, "page": page, "counts": counts})


def _forms(feedback: PublicFeedback, **bound) -> dict:
    due = default_due(SupervisionRules.current().supervision_due_days)
    return {
        "answer_form": bound.get("answer_form") or AnswerForm(),
        "dismiss_form": bound.get("dismiss_form") or DismissForm(),
        "notice_form": bound.get("notice_form")
        or FeedbackNoticeForm(assignments=channel.assignments_for(feedback), initial={"due_date": due}),
    }


def _page(request, feedback: PublicFeedback, status: int = 200, **bound):
    context = {"feedback": feedback, **(_forms(feedback, **bound) if feedback.status == FeedbackStatus.NEW else {})}
    return render(request, "accountability/feedback/detail.html", context, status=status)


@login_required
def detail(request, pk: int):
    return _page(request, _feedback(request, pk))


def _refused(request, feedback: PublicFeedback, form, error: RuleViolation):
    """A clue handled meanwhile (another person, a double click): said on its page; otherwise the
    form again with the message by its field."""
    feedback.refresh_from_db()
    if feedback.status != FeedbackStatus.NEW:
        flash_rule_errors(request, error)
        return redirect("public_feedback:detail", pk=feedback.pk)
    add_rule_errors(form, error)
    return None


def _decide(request, pk: int, form_class, form_name: str, action):
    feedback = _feedback(request, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            action(feedback, form.cleaned_data)
        except RuleViolation as error:
            if (answer := _refused(request, feedback, form, error)) is not None:
                return answer
        else:
            return redirect("public_feedback:detail", pk=feedback.pk)
    return _page(request, feedback, **{form_name: form})


@login_required
@require_POST
def answer(request, pk: int):
    def act(feedback, data):
        channel.answer_feedback(feedback, acting_user=request.user, answer=data["answer"])
        messages.success(request, _("Answered: the answer and the clue's text are now public (without the contact)."))

    return _decide(request, pk, AnswerForm, "answer_form", act)


@login_required
@require_POST
def dismiss(request, pk: int):
    def act(feedback, data):
        channel.dismiss_feedback(feedback, acting_user=request.user, reason=data["reason"])
        messages.success(request, _("Not adopted; the reason is kept and not published."))

    return _decide(request, pk, DismissForm, "dismiss_form", act)


@login_required
@require_POST
def to_notice(request, pk: int):
    feedback = _feedback(request, pk)
    form = FeedbackNoticeForm(request.POST, assignments=channel.assignments_for(feedback))
    if form.is_valid():
        try:
            done = channel.turn_into_notice(feedback, acting_user=request.user, **form.cleaned_data)
        except RuleViolation as error:
            if (answer := _refused(request, feedback, form, error)) is not None:
                return answer
        else:
            messages.success(
                request, _("Issue supervision notice %(number)s issued from the clue.") % {"number": done.notice.number}
            )
            return redirect("public_feedback:detail", pk=feedback.pk)
    return _page(request, feedback, notice_form=form)


@login_required
def photo(request, pk: int):
    feedback = _feedback(request, pk)
    if not feedback.photo:
        raise Http404
    try:
        handle = feedback.photo.open("rb")
    except OSError:
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def settings_page(request):
    require_office(request)
    current = FeedbackSettings.current()
    if request.method == "POST":
        form = FeedbackSettingsForm(request.POST, instance=FeedbackSettings.current())
        if form.is_valid():
            try:
                channel.update_feedback_settings(
                    acting_user=request.user, **{name: form.cleaned_data[name] for name in form.fields}
                )
            except RuleViolation as error:
                add_rule_errors(form, error)
            else:
                messages.success(request, _("Settings saved."))
                return redirect("public_feedback:settings")
    else:
        form = FeedbackSettingsForm(instance=current)
    return render(request, "accountability/feedback/settings.html", {"form": form})
