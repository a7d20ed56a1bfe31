"""Delivery pages (docs/DELIVERY.md): the office's delivery log (/deliveries/), its channels with
their buttons (turn on or off, 发送测试消息, 恢复通道), the routing rules (收发规则); and the two
profile sections: 消息接收方式 (each person) and 本单位工作群 (a unit's people)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.access import access_for
from core.errors import RuleViolation, add_rule_errors, flash_rule_errors
from core.lists import paginate
from core.permissions import can, get_or_deny
from tasks.models import Unit
from tasks.panels import Panel, register

from ..forms.deliveries import ChannelForm, DeliveryFilterForm, DeliveryRulesForm, PreferenceForm, UnitChannelForm
from ..models import Channel, Delivery, DeliveryRules, PersonChannelPreference
from ..services import channels as service
from .guards import office_required

# --- The office's pages ------------------------------------------------------------------------------


@office_required
def delivery_log(request):
    form = DeliveryFilterForm(request.GET or None)
    rows = form.apply(Delivery.objects.for_user(request.user).select_related("channel", "unit"))
    return render(request, "accountability/deliveries/log.html", {"form": form, "page": paginate(request, rows)})


@office_required
def channel_list(request):
    channels = Channel.objects.for_user(request.user).select_related("unit")
    context = {"channels": channels, "rules": DeliveryRules.current()}
    return render(request, "accountability/deliveries/channels.html", context)


def _channel_form(request, channel: Channel):
    form = ChannelForm(request.POST or None, instance=channel)
    if request.method == "POST" and form.is_valid():
        try:
            service.save_channel(channel, acting_user=request.user, **form.cleaned_data)
        except RuleViolation as error:
            add_rule_errors(form, error)
        else:
            messages.success(request, _("The channel is saved."))
            return redirect("deliveries:channels")
    return render(request, "accountability/deliveries/channel_form.html", {"form": form, "channel": channel})


@office_required
def channel_new(request):
    return _channel_form(request, Channel())


@office_required
def channel_edit(request, pk: int):
    return _channel_form(request, get_or_deny(Channel, request.user, pk, "delivery.manage"))


def _back(request, channel: Channel) -> str:
    if can(request.user, "delivery.manage"):
        return reverse("deliveries:channels")
    return reverse("profile") + "#unit-channel"


@require_POST
@login_required
def channel_switch(request, pk: int):
    channel = get_or_deny(Channel, request.user, pk, "channel.edit")
    enabled = request.POST.get("enabled") == "1"
    service.set_channel_enabled(channel, enabled=enabled, acting_user=request.user)
    messages.success(request, _("The channel is turned on.") if enabled else _("The channel is turned off."))
    return redirect(_back(request, channel))


@require_POST
@login_required
def channel_test(request, pk: int):
    channel = get_or_deny(Channel, request.user, pk, "channel.edit")
    try:
        service.send_test_message(channel, acting_user=request.user)
    except RuleViolation as error:
        flash_rule_errors(request, error)
    else:
        messages.success(request, _("A test message is on its way; the delivery log shows whether it arrived."))
    return redirect(_back(request, channel))


@require_POST
@office_required
def channel_restore(request, pk: int):
    channel = get_or_deny(Channel, request.user, pk, "delivery.manage")
    if service.restore_channel(channel, acting_user=request.user):
        messages.success(request, _("The channel is restored and receives messages again."))
    else:
        messages.info(request, _("The channel was not broken."))
    return redirect("deliveries:channels")


@office_required
def rules_page(request):
    rules = DeliveryRules.current()
    form = DeliveryRulesForm(request.POST or None, instance=rules)
    if request.method == "POST" and form.is_valid():
        try:
            service.save_rules(rules, acting_user=request.user, **form.cleaned_data)
        except RuleViolation as error:
            add_rule_errors(form, error)
        else:
            messages.success(request, _("The delivery rules are saved."))
            return redirect("deliveries:rules")
    return render(request, "accountability/deliveries/rules.html", {"form": form})


# --- The profile's sections ----------------------------------------------------------------------------


def _preference_panel(request) -> dict:
    preference = PersonChannelPreference.objects.filter(user=request.user).first()
    return {"preference_form": PreferenceForm(initial={"sms": bool(preference and preference.sms)})}


def _unit_channel_panel(request) -> dict | None:
    """A unit's people (not the office, which keeps every channel at /deliveries/channels/)."""
    access = access_for(request.user)
    if access.office or not access.unit_ids:
        return None
    unit = Unit.objects.filter(pk__in=access.unit_ids).order_by("sort_order", "pk").first()
    if unit is None:
        return None
    channel = Channel.objects.filter(unit=unit).first()
    return {"unit": unit, "channel": channel, "unit_channel_form": UnitChannelForm(instance=channel)}


def register_panels() -> None:
    register("profile", Panel("message-channels", "accountability/deliveries/_profile_preference.html",
                              _preference_panel, order=30))  # fmt: skip
    register("profile", Panel("unit-channel", "accountability/deliveries/_profile_unit_channel.html",
                              _unit_channel_panel, order=35))  # fmt: skip


@never_cache
@require_POST
@login_required
def preference_save(request):
    form = PreferenceForm(request.POST)
    if form.is_valid():
        try:
            service.save_preference(request.user, sms=form.cleaned_data["sms"], acting_user=request.user)
        except RuleViolation as error:
            flash_rule_errors(request, error)
        else:
            messages.success(request, _("Your choice of channels is saved."))
    return redirect(reverse("profile") + "#message-channels")


@require_POST
@login_required
def unit_channel_save(request, unit_id: int):
    access = access_for(request.user)
    if unit_id not in access.unit_ids:
        raise Http404(_("Not found, or not yours to see."))
    unit = Unit.objects.get(pk=unit_id)
    channel = Channel.objects.filter(unit=unit).first() or Channel(unit=unit)
    form = UnitChannelForm(request.POST, instance=channel)
    if form.is_valid():
        try:
            service.save_channel(channel, acting_user=request.user, unit=unit, **form.cleaned_data)
        except RuleViolation as error:
            flash_rule_errors(request, error)
        else:
            messages.success(request, _("Your unit's work group is saved."))
    else:
        errors = "; ".join(
            (f"{form.fields[name].label}: " if name in form.fields else "") + " ".join(errs)
            for name, errs in form.errors.items()
        )
        messages.error(request, errors)
    return redirect(reverse("profile") + "#unit-channel")
