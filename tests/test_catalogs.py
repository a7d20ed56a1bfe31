"""The Chinese catalogs are complete and compiled: a string moved between apps must not fall back to
English (makemessages marks it fuzzy or leaves it empty in its new catalog, and Django skips both)."""

import gettext
from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
CATALOGS = sorted(p for p in ROOT.glob("**/locale/zh_Hans/LC_MESSAGES/django.po") if ".venv" not in p.parts)


def test_every_app_has_a_catalog():
    apps = {p.relative_to(ROOT).parts[0] for p in CATALOGS}
    assert {"locale", "tasks", "accountability", "accounts"} <= apps


@pytest.mark.parametrize("po_path", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalog_is_complete(po_path):
    po = polib.pofile(str(po_path))
    fuzzy = [e.msgid for e in po.fuzzy_entries() if e.msgid]
    untranslated = [e.msgid for e in po.untranslated_entries()]
    assert fuzzy == [], f"fuzzy entries fall back to English: {fuzzy[:5]}"
    assert untranslated == [], f"untranslated entries: {untranslated[:5]}"


@pytest.mark.parametrize("po_path", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_compiled_catalog_matches_its_source(po_path):
    with open(po_path.with_suffix(".mo"), "rb") as mo_file:
        compiled = gettext.GNUTranslations(mo_file)._catalog
    for entry in polib.pofile(str(po_path)).translated_entries():
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if entry.msgid_plural:
            assert compiled.get((key, 0)) == entry.msgstr_plural[0], entry.msgid
        else:
            assert compiled.get(key) == entry.msgstr, f"{po_path.name}: {entry.msgid!r} not compiled"
