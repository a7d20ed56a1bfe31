"""Numbers for people (tasks/numbers.py and the pct / num filters): the same text from SQLite's long
decimals and floats as from PostgreSQL's fixed scale."""

from decimal import Decimal

import pytest
from django.template import Context, Template

from tasks.forms.values import ValueField
from tasks.numbers import percent_text, value_text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("65.3000000000000"), "65.3"),  # SQLite's aggregate over decimals
        (65.29999999999999, "65.3"),  # SQLite's float
        (Decimal("65.30"), "65.3"),  # PostgreSQL's scale
        (Decimal("40.0"), "40"),
        (40, "40"),
        (Decimal("33.333333333333"), "33.3"),
        (Decimal("12.25"), "12.3"),  # half up, as people round
        ("82.50", "82.5"),  # a published snapshot keeps text
        (Decimal("0E-10"), "0"),
        (None, "—"),
        ("", "—"),
    ],
)
def test_a_percent_has_at_most_one_decimal(value, text):
    assert percent_text(value) == text


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (Decimal("1175.4000"), "公里", "1175.4"),
        (Decimal("1800.0000"), "亿元", "1800"),
        (Decimal("135.84905660377358490566"), "亿元", "135.85"),  # a share worked out by division
        (135.8491, "亿元", "135.85"),
        ("135.8491", " 亿元 ", "135.85"),  # a letter's line keeps text
        (Decimal("0.0050"), "万元", "0.01"),
        (Decimal("135.8491"), "公里", "135.8491"),  # not money: every digit it has
        (1175.4, "", "1175.4"),
        (Decimal("1E+3"), "", "1000"),  # never in exponent form
        (None, "亿元", "—"),
        ("n/a", "", "n/a"),
    ],
)
def test_a_value_drops_trailing_zeros_and_money_keeps_two_decimals(value, unit, text):
    assert value_text(value, unit) == text


def test_the_filters_print_through_the_same_functions():
    template = Template("{% load workspace %}{{ p|pct }}% {{ v|num }} {{ g|num:unit }}{{ unit }}")
    context = Context({"p": Decimal("65.3000000000000"), "v": Decimal("1175.4000"), "g": 135.8491, "unit": "亿元"})
    assert template.render(context) == "65.3% 1175.4 135.85亿元"


def test_a_form_pre_fills_a_stored_value_as_people_write_it():
    field = ValueField(max_digits=18, decimal_places=4, required=False)
    assert field.prepare_value(Decimal("1175.4000")) == "1175.4"
    assert field.prepare_value(Decimal("1800.0000")) == "1800"
    assert field.prepare_value(65.3) == "65.3"
    assert field.prepare_value("1175.40") == "1175.40"  # what a person typed comes back as typed
    assert field.clean("1175.4") == Decimal("1175.4")
