"""Other apps add sections to the workspaces through tasks.panels; the home page serves every role."""

from __future__ import annotations

from pathlib import Path

from django.urls import reverse

from core.access import RoleKind, forget_access
from tasks.panels import Panel, panels_for, register
from tests.factories import RoleFactory

TEST_TEMPLATES = Path(__file__).parent / "templates"


def test_a_registered_dashboard_panel_is_rendered_and_can_hide_itself(client, dave, settings):
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], TEST_TEMPLATES]}]
    register(
        "dashboard",
        Panel("test-notices", "tests/panel.html", lambda request, year: {"who": request.user.username}),
    )
    register(
        "dashboard",
        Panel("test-hidden", "tests/panel.html", lambda request, year: None),
    )
    try:
        client.force_login(dave)
        page = client.get(reverse("dashboard")).content.decode()
        assert page.count('class="test-panel"') == 1 and "dave" in page
    finally:
        from tasks import panels

        panels._slots["dashboard"].pop("test-notices")
        panels._slots["dashboard"].pop("test-hidden")


def test_the_checks_panel_of_accountability_is_registered():
    assert "checks" in [panel.name for panel in panels_for("assignment")]


def test_a_person_with_several_roles_sees_each_workspace_and_each_role(client, carol, unit_b, leader):
    RoleFactory(user=carol, kind=RoleKind.STAFF, unit=unit_b)
    RoleFactory(user=carol, kind=RoleKind.LEADER, unit=None, leader=leader)
    forget_access(carol)
    client.force_login(carol)
    page = client.get(reverse("home")).content.decode()
    assert "甲县 · 单位负责人" in page and "乙局 · 填报员" in page and "副市长（分管测试） · 市领导" in page
    for url in ("unit_workspace", "approvals", "dashboard"):
        assert reverse(url) in page
    assert client.get(reverse("dashboard")).status_code == 200


def test_a_person_without_a_role_is_told_to_ask_the_office(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="newcomer"))
    page = client.get(reverse("home")).content.decode()
    assert "您的账号尚未分配角色" in page
    assert reverse("unit_workspace") not in page.split("</header>")[1]
