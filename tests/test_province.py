"""保位争先: the province's monthly bulletin imported from a sheet LibreOffice wrote (dry run, then
确认导入), refused whole with the bad row named, our line entered by hand, the first-group exit told
once, who may do what, and what the page shows."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accountability.choices import FigureSource, MessageKind
from accountability.models import InboxMessage, ProvinceExit, ProvinceFigure, ProvinceIndicator, ProvinceRules
from accountability.province_sheet import read_bulletin
from accountability.services import province as service
from core.errors import RuleViolation
from tasks import services as ledger
from tasks.choices import AssignmentRole, TargetType
from tests.factories import TargetFactory, named
from tests.scenarios import D, at

SHEETS = Path(__file__).parent / "data" / "province"
AUG = D(2018, 8, 1)
JUL = D(2018, 7, 1)
GDP, INDUSTRY = "地区生产总值增速", "规模以上工业增加值增速"


def upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (SHEETS / name).read_bytes())


@pytest.fixture
def indicators(erin, leader, unit_a):
    """Two indicator targets led by unit A under the test leader, marked as province indicators."""
    marked = {}
    for name in (GDP, INDUSTRY):
        target = TargetFactory(target_type=TargetType.INDICATOR, leader=leader, measure_unit="%")
        ledger.add_assignment(target, unit=unit_a, **named(unit_a), role=AssignmentRole.LEAD, acting_user=erin)
        marked[name] = service.mark_indicator(target, name=name, measure_unit="亿元", acting_user=erin)
    return marked


def enter(indicator, month, rank, *, growth="8", value=None, by):
    """Our city's line of ``month`` typed in by hand."""
    growth = None if growth is None else Decimal(growth)
    return service.enter_home_figure(
        indicator=indicator, month=month, value=value, growth=growth, rank=rank, acting_user=by
    )


def home_rank(indicator, month):
    return ProvinceFigure.objects.get(indicator=indicator, month=month, city__is_home=True).rank


# --- The sheet ------------------------------------------------------------------------------------


def test_a_libreoffice_sheet_is_imported_whole(erin, indicators):
    rows = read_bulletin(upload("good.xlsx"))
    assert len(rows) == 36 and rows[0].number == 3  # the title row and the headers above
    with at(D(2018, 9, 20)):
        plan = service.import_bulletin(rows, month=AUG, acting_user=erin)
    assert len(plan.rows) == 36 and plan.replaced == 0
    assert ProvinceFigure.objects.filter(month=AUG).count() == 36
    zmd = ProvinceFigure.objects.get(indicator=indicators[GDP], month=AUG, city__name="驻马店")
    assert zmd.rank == 3 and zmd.growth == Decimal("10.4") and zmd.value == Decimal("1112.5")
    assert zmd.source == FigureSource.IMPORT and zmd.recorded_by == erin
    assert zmd.history.first().history_user == erin


def test_importing_the_same_month_again_replaces_it(erin, indicators):
    rows = read_bulletin(upload("good.xlsx"))
    service.import_bulletin(rows, month=AUG, acting_user=erin)
    plan = service.import_bulletin(rows, month=AUG, acting_user=erin)
    assert plan.replaced == 36 and ProvinceFigure.objects.count() == 36


@pytest.mark.parametrize(
    ("sheet", "row", "words"),
    [
        ("unknown_city.xlsx", 7, "北京"),
        ("unknown_indicator.xlsx", 23, "社会消费品零售总额增速"),
        ("rank_too_high.xlsx", 13, "Rank 19 does not fit the 18 cities"),
        ("duplicate_rank.xlsx", 8, "Rank 5 of 地区生产总值增速 is already given in row 7"),
        ("non_numeric.xlsx", 5, "八点五"),
    ],
)
def test_a_bad_row_refuses_the_whole_sheet_and_names_the_row(erin, indicators, sheet, row, words):
    rows = read_bulletin(upload(sheet))
    with pytest.raises(RuleViolation) as refused:
        service.import_bulletin(rows, month=AUG, acting_user=erin)
    messages = refused.value.messages
    assert len(messages) == 1, messages
    assert messages[0].startswith(f"Row {row}, column") and words in messages[0]
    assert not ProvinceFigure.objects.exists() and not InboxMessage.objects.exists()


def test_a_refusal_reads_in_chinese_on_the_page_and_stores_nothing(client, erin, indicators):
    client.force_login(erin)
    response = client.post(reverse("province:import"), {"month": "2018-08", "file": upload("rank_too_high.xlsx")})
    page = response.content.decode()
    assert response.status_code == 200 and "第13行" in page and "排名" in page and "19" in page
    assert "确认导入" not in page
    assert not ProvinceFigure.objects.exists()


def test_a_month_not_yet_come_is_refused(erin, indicators):
    rows = read_bulletin(upload("good.xlsx"))
    with at(D(2018, 8, 31)), pytest.raises(RuleViolation, match="has not come yet"):
        service.import_bulletin(rows, month=D(2018, 9, 1), acting_user=erin)
    assert not ProvinceFigure.objects.exists()


def test_a_file_that_is_no_workbook_is_refused(erin, indicators):
    with pytest.raises(RuleViolation):
        read_bulletin(SimpleUploadedFile("bulletin.xlsx", (SHEETS / "good.csv").read_bytes()))


def test_the_page_checks_first_then_imports_on_confirm(client, erin, indicators):
    client.force_login(erin)
    url = reverse("province:import")
    response = client.post(url, {"month": "2018-08", "file": upload("good.xlsx")})
    page = response.content.decode()
    assert response.status_code == 200 and "确认导入" in page and "36" in page
    assert not ProvinceFigure.objects.exists()
    token = response.context["form"].staged["file"][0].token
    response = client.post(url, {"month": "2018-08", "file__staged": token, "confirm": "1"})
    assert response.status_code == 302 and response.url == reverse("province:index")
    assert ProvinceFigure.objects.count() == 36


def test_the_template_names_the_columns_and_the_lines_to_fill(client, erin, indicators):
    from openpyxl import load_workbook

    client.force_login(erin)
    response = client.get(reverse("province:template"))
    assert response.status_code == 200
    sheet = load_workbook(filename=__import__("io").BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[1]) == ["城市", "指标", "数值", "增速(%)", "排名"]
    assert len(rows) == 2 + 2 * 18 and rows[2][:2] == ("郑州", GDP)


# --- By hand --------------------------------------------------------------------------------------


def test_the_office_enters_our_line_by_hand(client, erin, indicators):
    client.force_login(erin)
    data = {"indicator": indicators[GDP].pk, "month": "2018-08", "value": "1500", "growth": "8.6", "rank": "4"}
    response = client.post(reverse("province:enter"), data)
    assert response.status_code == 302
    figure = ProvinceFigure.objects.get()
    assert figure.city.name == "驻马店" and figure.rank == 4 and figure.source == FigureSource.HAND
    data["rank"] = "5"
    client.post(reverse("province:enter"), data)
    assert ProvinceFigure.objects.get().rank == 5  # corrected, not a second line


def test_by_hand_a_rank_outside_the_province_or_another_citys_is_refused(erin, indicators):
    with pytest.raises(RuleViolation, match="does not fit the 18 cities"):
        service.enter_home_figure(
            indicator=indicators[GDP], month=AUG, value=None, growth=Decimal("8"), rank=19, acting_user=erin
        )
    service.import_bulletin(read_bulletin(upload("good.xlsx")), month=AUG, acting_user=erin)
    with pytest.raises(RuleViolation, match="already 郑州's"):
        service.enter_home_figure(
            indicator=indicators[GDP], month=AUG, value=None, growth=Decimal("8"), rank=1, acting_user=erin
        )
    with pytest.raises(RuleViolation, match="value or the growth"):
        enter(indicators[GDP], AUG, 2, growth=None, by=erin)
    assert home_rank(indicators[GDP], AUG) == 3


# --- Leaving the first group ----------------------------------------------------------------------


def test_leaving_the_first_group_tells_the_lead_unit_and_the_leader_once(erin, dave, alice, carol, bob, indicators):
    industry = indicators[INDUSTRY]
    enter(industry, JUL, 6, by=erin)
    assert not ProvinceExit.objects.exists()  # 6th is within the line of 6
    with at(D(2018, 9, 20)):
        service.import_bulletin(read_bulletin(upload("good.xlsx")), month=AUG, acting_user=erin)
    # GDP: 3rd in its first month, within the group: nothing. Industry: 6th in July, 8th in August.
    exit_ = ProvinceExit.objects.get()
    assert exit_.indicator == industry and exit_.rank == 8 and exit_.line == 6
    told = InboxMessage.objects.filter(kind=MessageKind.PROVINCE)
    assert set(told.values_list("recipient__username", flat=True)) == {"alice", "carol", "dave"}
    assert INDUSTRY in told.first().subject and not told.filter(recipient=bob).exists()
    # The same bulletin again, and a corrected line by hand: nobody is told twice.
    service.import_bulletin(read_bulletin(upload("good.xlsx")), month=AUG, acting_user=erin)
    enter(industry, AUG, 8, growth="7", by=erin)
    assert told.count() == 3 and ProvinceExit.objects.count() == 1


def test_a_first_month_outside_the_line_counts_as_leaving_but_staying_out_does_not(erin, indicators):
    industry = indicators[INDUSTRY]
    enter(industry, JUL, 9, by=erin)
    assert ProvinceExit.objects.filter(month=JUL).exists()
    enter(industry, AUG, 10, by=erin)
    assert not ProvinceExit.objects.filter(month=AUG).exists()


def test_the_office_moves_the_line(client, erin, indicators):
    client.force_login(erin)
    response = client.post(reverse("province:settings"), {"action": "line", "first_group_line": "9"})
    assert response.status_code == 302 and ProvinceRules.current().first_group_line == 9
    response = client.post(reverse("province:settings"), {"action": "line", "first_group_line": "19"})
    assert response.status_code == 200 and ProvinceRules.current().first_group_line == 9
    service.import_bulletin(read_bulletin(upload("good.xlsx")), month=AUG, acting_user=erin)
    assert not ProvinceExit.objects.exists()  # 8th is within a line of 9


def test_the_office_edits_the_cities_and_marks_only_indicator_targets(erin, leader):
    cities = service.set_cities([*service.ensure_cities(), "测试市"], acting_user=erin)
    assert len(cities) == 19
    with pytest.raises(RuleViolation, match="must stay on the list"):
        service.set_cities(["郑州", "开封"], acting_user=erin)
    with pytest.raises(RuleViolation, match="quantitative indicator"):
        service.mark_indicator(TargetFactory(leader=leader), name="多证合一", acting_user=erin)
    assert not ProvinceIndicator.objects.exists()


# --- Who may, and what the page shows -------------------------------------------------------------


def test_units_and_leaders_read_the_page_only_the_office_changes_it(client, alice, dave, erin, indicators):
    for person in (alice, dave):
        client.force_login(person)
        assert client.get(reverse("province:index")).status_code == 200
        for name in ("import", "enter", "settings", "template"):
            assert client.get(reverse(f"province:{name}")).status_code == 403
        assert client.post(reverse("province:enter"), {}).status_code == 403
    client.force_login(erin)
    for name in ("index", "import", "enter", "settings", "template"):
        assert client.get(reverse(f"province:{name}")).status_code == 200
    client.logout()
    assert client.get(reverse("province:index")).status_code == 302


def test_the_page_shows_rank_line_and_trend(client, dave, erin, indicators):
    industry = indicators[INDUSTRY]
    enter(industry, JUL, 5, growth="9.1", by=erin)
    with at(D(2018, 9, 20)):
        service.import_bulletin(read_bulletin(upload("good.xlsx")), month=AUG, acting_user=erin)
    client.force_login(dave)
    with at(D(2018, 9, 30)):
        response = client.get(reverse("province:index"), {"year": 2018})
    page = response.content.decode()
    standing = next(s for s in response.context["view"].standings if s.indicator == industry)
    assert standing.latest.rank == 8 and standing.previous.rank == 5 and standing.exit_month == AUG
    assert [(month, figure.rank if figure else None) for month, figure in standing.trend] == [(JUL, 5), (AUG, 8)]
    assert "第一方阵" in page and "2018-07" in page and "2018-08" in page
    assert "8 / 18" in page or "第8名" in page
    assert "演示数据" not in page  # real imports carry no demo mark
    with at(D(2018, 9, 30)):
        dashboard = client.get(reverse("dashboard")).content.decode()
    panel = dashboard[dashboard.index("province-panel") :]
    assert INDUSTRY in panel and "退出第一方阵" in panel


def test_the_dashboard_panel_waits_for_a_first_bulletin(client, dave, indicators):
    client.force_login(dave)
    assert "province-panel" not in client.get(reverse("dashboard")).content.decode()


def test_the_admin_reads_the_bulletins_and_cannot_change_them(client, erin, indicators):
    from tests.factories import UserFactory

    service.import_bulletin(read_bulletin(upload("good.xlsx")), month=AUG, acting_user=erin)
    client.force_login(UserFactory(username="sysadmin", is_staff=True, is_superuser=True))
    for model in ("provincecity", "provinceindicator", "provincefigure", "provinceexit"):
        assert client.get(reverse(f"admin:accountability_{model}_changelist")).status_code == 200
    assert client.get(reverse("admin:accountability_provincefigure_add")).status_code == 403


def test_the_services_themselves_refuse_anyone_but_the_office(indicators, dave, alice):
    """The pages are the office's; so are the services behind them (a job or the API cannot go round)."""
    indicator = next(iter(indicators.values()))
    for person in (dave, alice):
        with pytest.raises(RuleViolation, match="Only the supervision office"):
            enter(indicator, D(2018, 8, 1), 3, by=person)
        with pytest.raises(RuleViolation, match="Only the supervision office"):
            service.set_first_group_line(5, acting_user=person)
    assert not ProvinceFigure.objects.exists() and ProvinceRules.objects.filter(first_group_line=5).count() == 0
