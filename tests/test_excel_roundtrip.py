"""Export → import → export gives the same sheet, for a hand-made ledger and for generated ones."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.excel_writer import write_xlsx
from tasks import services
from tasks.choices import AssignmentRole, Direction, MeasureKind, Source, TargetType
from tasks.excel.exporters import BreakdownExporter
from tasks.excel.plan import plan_import
from tasks.measures import percent_of_goal
from tasks.models import Assignment, Milestone, Target
from tests.factories import UnitFactory, named
from tests.sheets import read_back

QUARTER_ENDS = [dt.date(2018, 3, 31), dt.date(2018, 6, 30), dt.date(2018, 9, 30), dt.date(2018, 12, 31)]


def _export(path, user=None):
    write_xlsx(BreakdownExporter(year=2018, user=user), path)
    return read_back(path)


def _wipe_ledger():
    Milestone.objects.all().delete()
    Assignment.objects.all().delete()
    while Target.objects.exists():
        Target.objects.filter(children__isnull=True).delete()


def _reimport(path, user):
    plan = plan_import(path, path.name, year=2018, acting_user=user)
    assert plan.is_valid, [str(p) for p in plan.problems]
    services.import_breakdown(plan, acting_user=user)
    return plan


def test_an_exported_sheet_imports_back_without_any_change(tmp_path, issued_target, erin):
    path = tmp_path / "ledger.xlsx"
    _export(path, erin)
    history = Target.history.count() + Assignment.history.count() + Milestone.history.count()
    plan = _reimport(path, erin)
    assert [w.action for w in plan.work] == ["unchanged"]
    assert Target.history.count() + Assignment.history.count() + Milestone.history.count() == history


def test_export_import_export_into_an_empty_ledger_gives_the_same_sheet(tmp_path, issued_target, erin):
    first = _export(tmp_path / "first.xlsx", erin)
    _wipe_ledger()
    _reimport(tmp_path / "first.xlsx", erin)
    assert _export(tmp_path / "second.xlsx", erin) == first


TEXT = st.text(alphabet="甲乙丙丁目标任务推进建设改造（）“”，。()=+-@0123456789", min_size=1, max_size=24)
NAMES = st.text(alphabet="王李张赵主任局长同志", min_size=1, max_size=6)
DAYS = st.dates(min_value=dt.date(2018, 2, 1), max_value=dt.date(2018, 12, 31))


@st.composite
def ledgers(draw):
    count = draw(st.integers(min_value=1, max_value=5))
    specs = []
    for index in range(count):
        has_value = draw(st.booleans())
        unit = draw(st.sampled_from(["亿元", "%", "公里"])) if has_value else ""
        value = draw(st.decimals(min_value=1, max_value=10**6, places=draw(st.integers(0, 4)))) if has_value else None
        co = draw(st.lists(st.sampled_from([1, 2]), unique=True, max_size=2))
        specs.append(
            {
                "title": draw(TEXT) + str(index),
                "description": draw(st.one_of(st.just(""), TEXT)),
                "remarks": draw(st.one_of(st.just(""), TEXT)),
                "source": draw(st.sampled_from(Source.values)),
                "target_type": TargetType.INDICATOR if has_value else draw(st.sampled_from(TargetType.values[1:])),
                "measure_unit": unit,
                "target_value": value,
                "direction": draw(st.sampled_from(Direction.values)) if has_value else Direction.HIGHER,
                "deadline": draw(DAYS),
                "parent": draw(st.none() | st.integers(0, index - 1)) if index else None,
                "co": co,
                "shares": draw(st.booleans()) and has_value,
                "person": draw(st.one_of(st.just(""), NAMES)),
                "co_person": draw(st.one_of(st.just(""), NAMES)),
                "quarters": draw(st.lists(st.sampled_from([0, 1, 2, 3]), unique=True, max_size=4)),
                "node_text": draw(st.one_of(st.just(""), TEXT)),
            }
        )
    return specs


def _build(specs, units, user):
    targets = []
    for spec in specs:
        value, unit = spec["target_value"], spec["measure_unit"]
        target = services.create_target(
            acting_user=user, year=2018, code=f"G-{len(targets):03d}", title=spec["title"],
            description=spec["description"], remarks=spec["remarks"], source=spec["source"],
            target_type=spec["target_type"], measure_unit=unit, target_value=value, direction=spec["direction"],
            measure_kind=MeasureKind.LEVEL if unit == "%" else MeasureKind.CUMULATIVE,
            share_rule="each" if spec["shares"] else "none", start_date=dt.date(2018, 1, 1),
            deadline=spec["deadline"], parent=targets[spec["parent"]] if spec["parent"] is not None else None,
        )  # fmt: skip
        targets.append(target)
        lead = services.add_assignment(
            target, unit=units[0], **named(units[0]), role=AssignmentRole.LEAD, acting_user=user,
            share=value if spec["shares"] else None, responsible_person=spec["person"],
        )  # fmt: skip
        for number in spec["co"]:
            services.add_assignment(
                target, unit=units[number], **named(units[number]), role=AssignmentRole.CO, acting_user=user,
                share=Decimal(number) if spec["shares"] else None, responsible_person=spec["co_person"],
            )  # fmt: skip
        rows = []
        for quarter in sorted(spec["quarters"]):
            due = QUARTER_ENDS[quarter]
            if due > target.deadline:
                continue
            if value is not None:
                planned = value
                percent = percent_of_goal(planned, goal=lead.goal_value, baseline=None, direction=target.direction)
                rows.append({"due_date": due, "planned_percent": percent, "planned_value": planned})
            else:
                rows.append({"due_date": due, "planned_percent": Decimal(25 * (quarter + 1)), "planned_value": None,
                             "description": spec["node_text"]})  # fmt: skip
        if rows:
            services.set_milestones(lead, rows, acting_user=user)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=ledgers())
def test_any_ledger_survives_export_import_export(tmp_path_factory, erin, unit_a, unit_b, specs):
    units = [unit_a, unit_b, UnitFactory(name="丙区")]
    folder = tmp_path_factory.mktemp("ledger")
    with transaction.atomic():
        _build(specs, units, erin)
        first = _export(folder / "first.xlsx")
        _wipe_ledger()
        _reimport(folder / "first.xlsx", erin)
        assert _export(folder / "second.xlsx") == first
        transaction.set_rollback(True)
