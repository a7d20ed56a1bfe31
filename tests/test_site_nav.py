"""The header's navigation is kept per set of what it shows (``core.templatetags.site_nav``): a
change to any of it (the unread badge, a role, the page, the language, the admin flag) shows at
once, and the template reads nothing that is not part of the key."""

import re

import pytest
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone

from accountability.models import InboxMessage
from core.access import RoleKind
from tests.factories import RoleFactory

pytestmark = pytest.mark.django_db

# What site_nav passes to includes/nav.html: the whole key of the kept text.
KEYED = {
    "here",
    "namespace",
    "unit_member",
    "unit_head",
    "sees_everything",
    "office",
    "evaluator",
    "unread",
    "is_staff",
}


def _nav(client, url: str = "/") -> str:
    html = client.get(url).content.decode()
    return re.search(r'<nav class="site-nav"[^>]*>(.*?)</nav>', html, re.S).group(1)


def _message(user, n: int) -> InboxMessage:
    now = timezone.now()
    return InboxMessage.objects.create(
        recipient=user, kind="approval", day=now.date(), subject=f"提醒{n}", created_at=now
    )


def test_the_unread_badge_follows_the_inbox(client, alice):
    client.force_login(alice)
    assert 'class="badge"' not in _nav(client)
    first = _message(alice, 1)
    assert '<span class="badge" title="未读">1</span>' in _nav(client)
    _message(alice, 2)
    assert '<span class="badge" title="未读">2</span>' in _nav(client)
    InboxMessage.objects.filter(pk=first.pk).update(read_at=timezone.now())
    assert '<span class="badge" title="未读">1</span>' in _nav(client)


def test_a_role_given_shows_its_links_on_the_next_page(client, alice, unit_b):
    client.force_login(alice)
    before = _nav(client)
    assert reverse("approvals") not in before and reverse("review_queue") not in before
    RoleFactory(user=alice, kind=RoleKind.HEAD, unit=unit_b)
    assert reverse("approvals") in _nav(client)
    RoleFactory(user=alice, kind=RoleKind.OFFICE, unit=None)
    office = _nav(client)
    assert reverse("review_queue") in office and reverse("accounts:user_list") in office
    alice.roles.all().delete()
    assert reverse("unit_workspace") not in _nav(client)


def test_the_current_page_and_the_admin_link_follow_the_page_and_the_person(client, alice):
    client.force_login(alice)
    home = _nav(client, reverse("home"))
    assert f'<a href="{reverse("home")}" aria-current="page">' in home
    workspace = _nav(client, reverse("unit_workspace"))
    assert f'<a href="{reverse("unit_workspace")}" aria-current="page">' in workspace
    assert f'<a href="{reverse("home")}">' in workspace
    assert reverse("admin:index") not in workspace
    alice.is_staff = True
    alice.save(update_fields=["is_staff"])
    assert reverse("admin:index") in _nav(client)


def test_the_navigation_speaks_the_readers_language(client, alice):
    client.force_login(alice)
    assert "单位工作台" in _nav(client)
    alice.language = "en"
    alice.save(update_fields=["language"])
    english = _nav(client)
    assert "Unit workspace" in english and "单位工作台" not in english


def test_the_navigation_template_reads_only_what_its_key_holds():
    """A variable read beside the key would be kept for whoever came first: every name the
    template reads in ``{{ }}`` and ``{% if %}`` must be one site_nav passes (and so keys on)."""
    source = get_template("includes/nav.html").template.source
    source = re.sub(r"{% comment %}.*?{% endcomment %}", "", source, flags=re.S)
    expressions = re.findall(r"{{(.*?)}}", source) + re.findall(r"{%\s*(?:if|elif)\s(.*?)%}", source)
    names = set()
    for expression in expressions:
        expression = re.sub(r"'[^']*'|\"[^\"]*\"", "", expression)  # string literals
        names |= {word.split(".")[0] for word in re.findall(r"[A-Za-z_][\w.]*", expression)}
    assert names - {"and", "or", "not", "in", "is", "None", "True", "False"} <= KEYED
    assert "with" not in re.findall(r"{%\s*(\w+)", source)  # no name brought in from elsewhere


NAV = "includes/nav.html"


def _nav_of(response) -> str:
    return response.content.decode().split('class="site-nav"')[1].split("</nav>")[0]


def test_the_kept_links_mark_the_page_they_are_on(client, dave):
    client.force_login(dave)
    first = client.get(reverse("dashboard"))
    again = client.get(reverse("dashboard"))
    battle_map = client.get(reverse("battle_map"))
    assert NAV not in [t.name for t in again.templates]  # served as kept
    assert _nav_of(first) == _nav_of(again)
    assert f'<a href="{reverse("dashboard")}" aria-current="page">' in _nav_of(again)
    assert f'<a href="{reverse("battle_map")}" aria-current="page">' in _nav_of(battle_map)
    assert f'<a href="{reverse("dashboard")}" aria-current="page">' not in _nav_of(battle_map)


def test_each_reader_sees_the_links_of_their_own_roles(client, dave, erin, alice):
    pages = {}
    for user in (dave, erin, alice):
        client.force_login(user)
        pages[user.username] = _nav_of(client.get(reverse("home")))
    review = reverse("review_queue")
    assert review in pages[erin.username]  # the office
    assert review not in pages[dave.username] and review not in pages[alice.username]
    assert reverse("unit_workspace") in pages[alice.username]  # a unit's staff
    assert reverse("unit_workspace") not in pages[dave.username]
    assert reverse("dashboard") in pages[dave.username] and reverse("dashboard") not in pages[alice.username]
