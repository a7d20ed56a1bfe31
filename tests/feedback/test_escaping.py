"""Every text the public sends is plain text wherever it shows: the public page, the office's pages,
the notice made from it (page, Word download, register sheet). No markup runs."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from django.urls import reverse

from accountability.services import public_feedback as channel
from tests.scenarios import D, link

from .conftest import latest, send

pytestmark = pytest.mark.usefixtures("on_sept_10")
MARKUP = '<script>alert("x")</script><b onmouseover=alert(1)>粗体</b>&amp;'
FORMULA = '=HYPERLINK("http://evil.example","点我")'


def _escaped(page: str, *, whole: bool = True) -> None:
    assert "<script>alert" not in page and "<b onmouseover" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    if whole:  # the queue shows the beginning only
        assert "&amp;amp;" in page  # an entity the sender typed shows as typed


def test_an_answered_clue_is_plain_text_on_the_public_page(published, road, client, erin):
    send(client, published, road, text=MARKUP)
    channel.answer_feedback(latest(), acting_user=erin, answer=MARKUP)
    page = client.get(reverse("public:detail", args=[published.pk])).content.decode()
    _escaped(page)
    answered = page[page.index('class="p-feedback__text"') :]
    assert answered.count("&lt;script&gt;") == 2  # the text and the answer


def test_the_offices_pages_show_it_as_text(published, road, client, erin):
    send(client, published, road, text=MARKUP)
    client.force_login(erin)
    _escaped(client.get(reverse("public_feedback:queue")).content.decode(), whole=False)
    _escaped(client.get(reverse("public_feedback:detail", args=[latest().pk])).content.decode())


def test_the_notice_made_from_it_is_plain_text_in_the_page_the_download_and_the_register(
    published, road, unit_a, client, erin
):
    send(client, published, road, text=f"{FORMULA}\n{MARKUP}")
    clue = channel.turn_into_notice(
        latest(), acting_user=erin, assignment=link(road, unit_a), required_action=MARKUP, due_date=D(2018, 9, 25)
    )
    notice = clue.notice
    client.force_login(erin)
    _escaped(client.get(reverse("notices:detail", args=[notice.pk])).content.decode())
    docx = client.get(reverse("notices:download", args=[notice.pk])).content
    document = zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml").decode()
    assert "<script>" not in document and "&lt;script&gt;" in document
    sheet = client.get(reverse("notices:register_xlsx"))
    body = b"".join(sheet.streaming_content) if sheet.streaming else sheet.content
    book = openpyxl.load_workbook(io.BytesIO(body))
    cells = [cell for row in book.active.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert notice.number in {cell.value for cell in cells}
    assert all(cell.data_type != "f" for cell in cells)  # nothing runs as a formula
