"""Every table header says what its column holds, if only to a screen reader: an empty <th> is an
axe finding (empty-table-header) that the browser walk would catch only on the pages it reaches."""

import re
from pathlib import Path

from django.conf import settings

EMPTY_HEADER = re.compile(r"<th(\s[^>]*)?>\s*</th>")


def test_no_template_has_an_empty_table_header():
    root = Path(settings.BASE_DIR)
    templates = [p for p in root.glob("**/templates/**/*.html") if ".venv" not in p.parts]
    assert len(templates) > 50
    empty = []
    for path in templates:
        text = path.read_text(encoding="utf-8")
        for match in EMPTY_HEADER.finditer(text):
            empty.append(f"{path.relative_to(root)}:{text[: match.start()].count(chr(10)) + 1}")
    assert empty == []
