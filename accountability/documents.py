"""A notice as a Word document (.docx), laid out as the office's documents are (GB/T 9704 in spirit):
red issuer's mark and number, a red rule, the title, the addressee, the body, issuer and date.

Why .docx: offices file, stamp and forward their notices as Word (or WPS) documents; the printable
page covers paper and PDF. A .docx is a zip of a few XML parts, so the standard library writes it
and no dependency is added.
"""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.text import strip_control

from .models import Notice
from .services.notice_texts import day_text

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEAD_FONT = "黑体"
RED = "C00000"

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/>'
    "</Relationships>"
)
_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
# A4 with the margins of official documents: 37 mm top, 35 bottom, 28 left, 26 right (in twips).
_SECTION = (
    '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>'
    '<w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1587" w:header="851" w:footer="992" w:gutter="0"/>'
    "</w:sectPr>"
)


def _run(text: str, *, font: str = BODY_FONT, size: int = 32, bold: bool = False, colour: str = "") -> str:
    props = f'<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="{font}"/>'
    if bold:
        props += "<w:b/>"
    if colour:
        props += f'<w:color w:val="{colour}"/>'
    props += f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>'
    return f'<w:r><w:rPr>{props}</w:rPr><w:t xml:space="preserve">{escape(strip_control(text))}</w:t></w:r>'


def _paragraph(
    runs: str, *, align: str = "both", indent: bool = False, rule: bool = False, space_after: int = 0
) -> str:
    props = f'<w:jc w:val="{align}"/><w:spacing w:line="560" w:lineRule="exact" w:after="{space_after}"/>'
    if indent:
        props += '<w:ind w:firstLineChars="200" w:firstLine="640"/>'
    if rule:
        props += f'<w:pBdr><w:bottom w:val="single" w:sz="12" w:space="4" w:color="{RED}"/></w:pBdr>'
    return f"<w:p><w:pPr>{props}</w:pPr>{runs}</w:p>"


def _day(moment) -> str:
    return day_text(timezone.localdate(moment)) if moment else ""


def document_xml(notice: Notice, *, issuer: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _document_xml(notice, issuer=issuer)


def _document_xml(notice: Notice, *, issuer: str) -> str:
    parts = [
        _paragraph(_run(issuer, font=TITLE_FONT, size=52, colour=RED), align="center", space_after=200),
        _paragraph(_run(notice.number), align="center", rule=True, space_after=400),
        _paragraph(_run(notice.title, font=TITLE_FONT, size=44), align="center", space_after=300),
        _paragraph(_run(f"{notice.unit}："), align="left"),
    ]
    parts += [_paragraph(_run(text), indent=True) for text in notice.body.splitlines() if text.strip()]
    if notice.required_action:
        label = _("Required action")
        parts.append(_paragraph(_run(f"{label}：", font=HEAD_FONT) + _run(notice.required_action), indent=True))
    facts = [(_("Target") if notice.target_id else _("Meeting decision"), notice.about)]
    if notice.level is not None:
        facts.append((_("Warning level"), notice.get_level_display()))
    if notice.due_date:
        facts.append((_("Due by"), day_text(notice.due_date)))
    parts += [_paragraph(_run(f"{label}：", font=HEAD_FONT) + _run(value), indent=True) for label, value in facts]
    parts.append(_paragraph(_run(""), align="right"))
    parts.append(_paragraph(_run(issuer), align="right"))
    parts.append(_paragraph(_run(_day(notice.issued_at)), align="right", rule=True, space_after=200))
    signed = _("Signed for by: %(person)s    Signed for on: %(day)s") % {
        "person": notice.signed_by or "＿＿＿＿",
        "day": _day(notice.signed_at) or "＿＿＿＿＿＿",
    }
    parts.append(_paragraph(_run(signed, size=28), align="left"))
    body = "".join(parts)
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f"<w:document {_NS}><w:body>{body}{_SECTION}</w:body></w:document>"
    )


def notice_docx(notice: Notice, *, issuer: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", _CONTENT_TYPES)
        package.writestr("_rels/.rels", _RELS)
        package.writestr("word/document.xml", document_xml(notice, issuer=issuer))
    return buffer.getvalue()
