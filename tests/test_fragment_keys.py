"""Kept fragments are keyed by what they show; the wording is part of it: a deployment that changes
only a compiled translation must get new keys, or the old wording would be served from the cache."""

from pathlib import Path

from django.conf import settings as django_settings
from django.test import override_settings
from django.utils import translation

from core import fragments


def test_a_changed_translation_catalogue_gives_new_fragment_keys(tmp_path):
    catalogue = tmp_path / "zh_Hans" / "LC_MESSAGES" / "django.mo"
    catalogue.parent.mkdir(parents=True)
    compiled = (Path(django_settings.BASE_DIR) / "locale/zh_Hans/LC_MESSAGES/django.mo").read_bytes()
    catalogue.write_bytes(compiled)
    # DEBUG reads the catalogues afresh (a deployment reads them once per process).
    with override_settings(DEBUG=True, LOCALE_PATHS=[tmp_path]), translation.override("zh-hans"):
        before = fragments.fragment_key("includes/nav.html", ("same", 1))
        assert fragments.fragment_key("includes/nav.html", ("same", 1)) == before
        catalogue.write_bytes(compiled + b"\0")  # gettext reads by offsets: still a valid catalogue
        after = fragments.fragment_key("includes/nav.html", ("same", 1))
        assert after != before
        assert fragments.written_key("rows", ("same",), ("core.fragments",)).split(":")[4] == after.split(":")[4]


def test_the_language_is_still_part_of_the_key():
    with translation.override("zh-hans"):
        chinese = fragments.fragment_key("includes/nav.html", ("same",))
    with translation.override("en"):
        english = fragments.fragment_key("includes/nav.html", ("same",))
    assert chinese != english
    assert english.split(":")[4].startswith("en.")
