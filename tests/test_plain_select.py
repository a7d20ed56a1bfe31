"""``core.forms.PlainSelect`` writes a select in Python: the same HTML as Django's own Select, for
a filter bar's choice of every unit (900 at province scale) without a template per option."""

import pytest
from django import forms

from core.forms import PlainSelect
from tasks.forms.filters import AssignmentFilterForm, LedgerFilterForm
from tasks.models import Leader
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def _both(form: forms.Form, name: str) -> tuple[str, str]:
    """The field as the form writes it, and as Django's own field and Select write it."""
    plain = str(form[name])
    field = form.fields[name]
    form.fields[name] = forms.ModelChoiceField(queryset=field.queryset, empty_label=field.empty_label)
    try:
        return plain, str(form[name])
    finally:
        form.fields[name] = field


@pytest.fixture
def units():
    return [UnitFactory(name="甲县"), UnitFactory(name='乙局 <&"> 的'), UnitFactory(name="丙县")]


@pytest.mark.parametrize("form_class", [LedgerFilterForm, AssignmentFilterForm])
@pytest.mark.parametrize("chosen", ["none", "unit", "bad"])
def test_the_unit_and_leader_choices_read_as_django_writes_them(form_class, chosen, units):
    Leader.objects.create(post="副市长 <b>")
    data = {"none": {}, "unit": {"unit": str(units[1].pk)}, "bad": {"unit": "x<&>", "leader": "0"}}[chosen]
    form = form_class(data)
    form.is_valid()
    for name in ("unit", "leader"):
        assert isinstance(form.fields[name].widget, PlainSelect)
        plain, django = _both(form, name)
        assert plain == django
    assert "乙局 &lt;&amp;&quot;&gt; 的" in str(form["unit"])
    if chosen == "unit":
        assert f'<option value="{units[1].pk}" selected>' in str(form["unit"])


def test_grouped_options_are_left_to_django():
    widget = PlainSelect(choices=[("县", [("1", "甲县"), ("2", "乙县")]), ("3", "丙局")])
    assert widget.render("unit", "2") == forms.Select(choices=widget.choices).render("unit", "2")
