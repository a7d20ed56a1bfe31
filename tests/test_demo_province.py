"""The demo's 保位争先: 2018 bulletins January to August for four indicators, the other cities'
figures invented and marked so on the page, and one indicator leaving the first group in August."""

import datetime as dt

import pytest
from django.test import Client

from accountability.choices import FigureSource, MessageKind
from accountability.demo_province import build_province_demo
from accountability.models import InboxMessage, ProvinceExit, ProvinceFigure, ProvinceIndicator
from tasks.demo import DEMO_DATE
from tasks.models import User
from tests.scenarios import at


@pytest.mark.django_db
def test_the_demo_has_bulletins_and_one_indicator_leaving_the_first_group(demo):
    assert ProvinceIndicator.objects.count() == 4
    months = sorted(set(ProvinceFigure.objects.values_list("month", flat=True)))
    assert months == [dt.date(2018, month, 1) for month in range(1, 9)]
    assert ProvinceFigure.objects.count() == 4 * 8 * 18
    assert set(ProvinceFigure.objects.values_list("source", flat=True)) == {FigureSource.DEMO}
    exit_ = ProvinceExit.objects.get()
    assert exit_.indicator.name == "规模以上工业增加值增速" and exit_.month == dt.date(2018, 8, 1)
    told = set(InboxMessage.objects.filter(kind=MessageKind.PROVINCE).values_list("recipient__username", flat=True))
    assert "vmayor_industry" in told and "mayor" not in told
    assert build_province_demo() == 0  # a second load changes nothing
    assert ProvinceExit.objects.count() == 1 and ProvinceFigure.objects.count() == 4 * 8 * 18


@pytest.mark.django_db
def test_the_demo_page_says_the_figures_are_invented_and_the_mayor_sees_the_drop(demo):
    client = Client()
    client.force_login(User.objects.get(username="mayor"))
    with at(DEMO_DATE):
        page = client.get("/province/").content.decode()
        dashboard = client.get("/dashboard/").content.decode()
    assert "演示数据，非真实统计" in page and "退出第一方阵" in page
    assert "规模以上工业增加值增速" in dashboard and "退出第一方阵" in dashboard
    client.force_login(User.objects.get(username="staff_fgw"))
    with at(DEMO_DATE):
        assert client.get("/province/").status_code == 200
