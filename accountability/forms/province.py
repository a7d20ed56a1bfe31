"""Forms of 保位争先: the bulletin upload, our city's line by hand, the office's settings."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import KeepsUploads
from tasks.choices import TargetType
from tasks.models import Target

from ..models import ProvinceIndicator
from .fields import MonthField


class BulletinUploadForm(KeepsUploads, forms.Form):
    month = MonthField(label=_("Bulletin month"), help_text=_("The month the province's bulletin reports on."))
    file = forms.FileField(
        label=_("Bulletin sheet"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.ods"}),
        help_text=_("Columns 城市, 指标, 数值, 增速(%), 排名; Excel, WPS or LibreOffice workbooks."),
    )


class HomeFigureForm(forms.Form):
    indicator = forms.ModelChoiceField(label=_("Province indicator"), queryset=ProvinceIndicator.objects.all())
    month = MonthField(label=_("Bulletin month"))
    value = forms.DecimalField(label=_("Value"), max_digits=16, decimal_places=4, required=False)
    growth = forms.DecimalField(label=_("Growth (%)"), max_digits=9, decimal_places=2, required=False)
    rank = forms.IntegerField(label=_("Rank"), min_value=1, max_value=99)


class FirstGroupForm(forms.Form):
    first_group_line = forms.IntegerField(
        label=_("First group line"),
        min_value=1,
        max_value=99,
        help_text=_("A rank at or above this line is in the first group (第一方阵)."),
    )


class CitiesForm(forms.Form):
    cities = forms.CharField(
        label=_("The province's cities"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One per line (or separated by 、), as the bulletin names them."),
    )

    def names(self) -> list[str]:
        text = self.cleaned_data["cities"].replace("、", "\n").replace("，", "\n").replace(",", "\n")
        return [line.strip() for line in text.splitlines() if line.strip()]


class IndicatorForm(forms.Form):
    target = forms.ModelChoiceField(label=_("Target"), queryset=Target.objects.none())
    name = forms.CharField(label=_("Name in the bulletin"), max_length=64)
    measure_unit = forms.CharField(label=_("Unit of measure"), max_length=32, required=False)
    higher_is_better = forms.BooleanField(label=_("Higher is better"), required=False, initial=True)

    def __init__(self, *args, year: int, user, **kwargs):
        super().__init__(*args, **kwargs)
        targets = Target.objects.for_user(user).filter(target_type=TargetType.INDICATOR, year=year)
        self.fields["target"].queryset = targets.order_by("code")
