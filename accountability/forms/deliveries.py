"""Forms of the delivery pages: a work-group channel, the office's routing rules (收发规则), the log's filters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.lists import FilterForm
from tasks.models import Unit

from ..choices import GROUP_CHANNEL_KINDS, ChannelKind, DeliveryStatus, MessageKind
from ..models import Channel, DeliveryRules

GROUP_KIND_CHOICES = [(kind.value, kind.label) for kind in GROUP_CHANNEL_KINDS]


class ChannelForm(forms.ModelForm):
    """The office's form: any unit's work group or the office's own (no unit)."""

    class Meta:
        model = Channel
        fields = ["kind", "unit", "name", "address", "secret", "enabled"]
        help_texts = {
            "unit": _("Empty: the supervision office's own work group."),
            "address": _("WeCom / government WeChat: the robot's key; DingTalk: its access token; a webhook: its URL."),
            "secret": _("DingTalk: the robot's signing secret (加签); a webhook: the key its body is signed with."),
        }
        widgets = {"secret": forms.PasswordInput(render_value=True)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(is_active=True)
        self.fields["unit"].required = False


class UnitChannelForm(ChannelForm):
    """A unit's people set their own work group (the unit is theirs, not chosen)."""

    class Meta(ChannelForm.Meta):
        fields = ["kind", "name", "address", "secret", "enabled"]

    def __init__(self, *args, **kwargs):
        forms.ModelForm.__init__(self, *args, **kwargs)


class DeliveryRulesForm(forms.ModelForm):
    group_kinds = forms.MultipleChoiceField(
        label=_("Posted to the unit's work group"),
        choices=MessageKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sms_kinds = forms.MultipleChoiceField(
        label=_("Texted to people who chose text messages"),
        choices=MessageKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = DeliveryRules
        fields = [
            "wecom_on", "dingtalk_on", "webhook_on", "sms_on", "group_kinds", "group_warning_min_level",
            "responsible_sms_min_level", "sms_kinds", "failures_before_broken",
        ]  # fmt: skip


class PreferenceForm(forms.Form):
    sms = forms.BooleanField(label=_("Text messages to my mobile"), required=False)


class DeliveryFilterForm(FilterForm):
    status = forms.ChoiceField(label=_("State"), choices=[("", "—"), *DeliveryStatus.choices], required=False)
    channel_kind = forms.ChoiceField(label=_("Channel"), choices=[("", "—"), *ChannelKind.choices], required=False)
    message_kind = forms.ChoiceField(
        label=_("Kind of message"), choices=[("", "—"), *MessageKind.choices], required=False
    )
    lookups = {"status": "status", "channel_kind": "channel_kind", "message_kind": "message_kind"}
