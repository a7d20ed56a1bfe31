"""The sample sheet in tests/data: a breakdown table as an office keeps it imports cleanly."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from tasks import services
from tasks.choices import AssignmentRole, Source, TargetType
from tasks.excel.plan import plan_import
from tasks.models import Target
from tests.data.make_sample import LEADERS, UNITS
from tests.factories import LeaderFactory, UnitFactory

SAMPLE = Path(__file__).parent / "data" / "breakdown_2018_sample.xlsx"


@pytest.fixture
def ledger(db):
    for name in UNITS:
        UnitFactory(name=name)
    for post in LEADERS:
        LeaderFactory(post=post)


def test_the_sample_sheet_imports_with_its_hierarchy_merges_and_messy_cells(ledger, erin):
    plan = plan_import(SAMPLE, SAMPLE.name, year=None, acting_user=erin)
    assert plan.is_valid, [str(p) for p in plan.problems]
    assert plan.year == 2018
    services.import_breakdown(plan, acting_user=erin)
    growth = Target.objects.get(title="规模以上工业增加值增长9%")
    assert (growth.target_value, growth.measure_unit) == (Decimal("9"), "%")
    assert growth.parent.title == "中央和省下达目标任务"
    assert growth.parent.source == Source.CENTRAL
    lead = growth.assignments.get(role=AssignmentRole.LEAD)
    assert lead.milestones.get(due_date=dt.date(2018, 6, 30)).planned_value == Decimal("8.5")
    reform = Target.objects.get(title="推进“多证合一”改革")
    assert reform.description == "积极推进多证合一、证照分离。"
    assert set(reform.assignments.values_list("unit__name", flat=True)) == {"市工商局", "市编办", "市发改委"}
    investment = Target.objects.get(title="全市固定资产投资")
    assert investment.target_value == 1800 and investment.share_rule == "sum"
    district = Target.objects.get(title="驿城区固定资产投资")
    assert district.parent == investment
    assert district.leader.post == "常务副市长"  # vertically merged with the row above
    road = Target.objects.get(title="改造提升农村公路３０公里")  # free text keeps its characters
    assert road.target_type == TargetType.LIVELIHOOD
    assert road.deadline == dt.date(2018, 9, 30)
    assert (
        road.assignments.get(role=AssignmentRole.LEAD).milestones.get(due_date=dt.date(2018, 9, 30)).planned_percent
        == 100
    )


def test_the_sample_sheet_imported_twice_changes_nothing(ledger, erin):
    services.import_breakdown(plan_import(SAMPLE, SAMPLE.name, year=2018, acting_user=erin), acting_user=erin)
    again = plan_import(SAMPLE, SAMPLE.name, year=2018, acting_user=erin)
    assert {again.counts()[k] for k in ("create", "update", "error")} == {0}
