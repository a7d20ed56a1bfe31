"""An exported breakdown sheet that an office opens in LibreOffice and saves again, as .xlsx, .xls or
.ods, imports back without any change. LibreOffice runs here (CI installs it as it installs Chromium)."""

import pytest

from bench.libreoffice import convert
from core.excel_writer import write_xlsx
from tasks import services
from tasks.excel.exporters import BreakdownExporter
from tasks.excel.plan import plan_import
from tasks.models import Assignment, Milestone, Target
from tests.data.office import office_file


def _history_count() -> int:
    return Target.history.count() + Assignment.history.count() + Milestone.history.count()


@pytest.mark.parametrize("fmt", ["xlsx", "xls", "ods"])
def test_an_export_saved_again_by_libreoffice_imports_as_no_change(
    libreoffice, fmt, tmp_path, issued_target, erin, unit_a, unit_b, leader
):
    office_sheet = office_file("breakdown", "ods")
    plan = plan_import(office_sheet, office_sheet.name, year=2018, acting_user=erin)
    services.import_breakdown(plan, acting_user=erin)
    exported = tmp_path / "目标任务分解表.xlsx"
    write_xlsx(BreakdownExporter(year=2018, user=erin), exported)
    resaved_folder = tmp_path / "resaved"
    resaved_folder.mkdir()
    resaved = convert(exported, fmt, resaved_folder)
    history = _history_count()

    again = plan_import(resaved, resaved.name, year=2018, acting_user=erin)

    assert again.is_valid, [str(p) for p in again.problems]
    assert {work.action for work in again.work} == {"unchanged"}, [
        (work.row.number, work.changes) for work in again.work if work.changes
    ]
    assert len(again.work) == Target.objects.count()
    services.import_breakdown(again, acting_user=erin)
    assert _history_count() == history
