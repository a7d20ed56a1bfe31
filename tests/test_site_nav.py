"""The header's links (includes/nav.html) are rendered once per what they show and shared: each page
still marks itself, each reader sees the links of their own roles and their own unread count."""

from __future__ import annotations

from django.urls import reverse

NAV = "includes/nav.html"


def _nav(response) -> str:
    return response.content.decode().split('class="site-nav"')[1].split("</nav>")[0]


def test_the_kept_links_mark_the_page_they_are_on(client, dave):
    client.force_login(dave)
    first = client.get(reverse("dashboard"))
    again = client.get(reverse("dashboard"))
    battle_map = client.get(reverse("battle_map"))
    assert NAV not in [t.name for t in again.templates]  # served as kept
    assert _nav(first) == _nav(again)
    assert f'<a href="{reverse("dashboard")}" aria-current="page">' in _nav(again)
    assert f'<a href="{reverse("battle_map")}" aria-current="page">' in _nav(battle_map)
    assert f'<a href="{reverse("dashboard")}" aria-current="page">' not in _nav(battle_map)


def test_each_reader_sees_the_links_of_their_own_roles(client, dave, erin, alice):
    pages = {}
    for user in (dave, erin, alice):
        client.force_login(user)
        pages[user.username] = _nav(client.get(reverse("home")))
    review = reverse("review_queue")
    assert review in pages[erin.username]  # the office
    assert review not in pages[dave.username] and review not in pages[alice.username]
    assert reverse("unit_workspace") in pages[alice.username]  # a unit's staff
    assert reverse("unit_workspace") not in pages[dave.username]
    assert reverse("dashboard") in pages[dave.username] and reverse("dashboard") not in pages[alice.username]
