"""Builds the real-writer fixtures in this folder: breakdown workbooks saved by LibreOffice Calc as
.xlsx, .xls and .ods, the way an office's own software stores them (text as shared strings, styles,
merged and hidden rows, formulas with their cached values, rich text, dates and percents).

The sources are written here as flat OpenDocument (.fods: plain XML that LibreOffice reads); LibreOffice
then saves each one in the three formats, so every byte the importer reads was written by software
nobody on this project wrote. A control-character case starts from an .xlsx (XML cannot carry a
vertical tab; an .xlsx escapes it as _x000B_, which LibreOffice reads back as the character).

Run it again after changing a case (LibreOffice from Debian: apt-get install libreoffice-calc-nogui):

    .venv/bin/python tests/data/office/build.py
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).parent
FORMATS = ("xlsx", "xls", "ods")
SAMPLE = HERE.parent / "breakdown_2018_sample.xlsx"  # an openpyxl-made sample, re-saved by LibreOffice below


@dataclass
class Cell:
    value: object = None
    kind: str = ""  # "", "percent", "date", "formula", "rich"
    formula: str = ""  # OpenFormula, e.g. of:=200+100 (the cached value is ``value``)
    rich: list[tuple[str, bool]] = field(default_factory=list)  # (text, bold) runs
    span: tuple[int, int] = (1, 1)  # rows, columns merged from this cell


@dataclass
class Row:
    cells: list
    hidden: bool = False


@dataclass
class Sheet:
    name: str
    rows: list[Row]


HEADERS = [
    "序号", "目标来源", "任务类型", "目标任务", "责任市领导", "牵头单位", "配合单位", "责任人",
    "完成时限", "年度目标值", "计量单位", "一季度", "二季度", "三季度", "四季度", "备注",
]  # fmt: skip
TITLE = "驻马店市2018年目标任务分解表"


def _header_rows(title: str = TITLE) -> list[Row]:
    return [Row([Cell(title, span=(1, len(HEADERS)))]), Row(list(HEADERS))]


def _instructions() -> Sheet:
    return Sheet(
        "填表说明",
        [
            Row(["填表说明"]),
            Row(["1. 请在“分解表”中逐项填写，序号按“一、（一）1 1.1”分级。"]),
            Row(["2. 完成时限可写“年底前”“6月底前”或日期；年度目标值为数字。"]),
        ],
    )


def breakdown() -> list[Sheet]:
    """The cases of the Excel issue in one workbook, as an office would send it."""
    rows = [
        *_header_rows(),
        Row([Cell("一、政府工作报告确定的目标任务", span=(1, len(HEADERS)))]),
        Row([
            "1", "政府工作报告", "数据指标类", Cell(kind="rich", rich=[("全市", True), ("固定资产投资", False)]),
            "副市长（分管测试）", "甲县（200）", "乙局（100）", "甲县：王县长\n乙局：李局长",
            Cell(dt.date(2018, 12, 31), kind="date"), Cell(300, kind="formula", formula="of:=200+100"), "亿元",
            60, 150, 225, 300, None,
        ]),
        Row([
            "2", "政府工作报告", "任务事项类", "推进“多证合一”改革\n进一步优化审批流程。", None, "乙局", "甲县",
            None, "2018年底", None, None, "完成方案", "100%：全面推开", None, None, "省里督办",
        ]),
        Row([
            "3", "政府工作报告", "数据指标类", "城镇化率提高到51.5%", None, "甲县", None, None, "年底前",
            Cell(0.515, kind="percent"), "%", None, Cell(0.505, kind="percent"), None, Cell(0.515, kind="percent"),
            None,
        ]),
        Row(["4", "政府工作报告", "任务事项类", "已经取消的任务", None, "甲县", None, None, "年底前"], hidden=True),
        Row([
            "5", "政府工作报告", "民生实事类", "改造农村公路１８００公里", None, "乙局", None, None, "年底前",
            "１８００", "公里", None, "进度50%", None, None, None,
        ]),
        Row([
            "6", "政府工作报告", "民生实事类", "新建城市书房30个", None, Cell("甲县", span=(2, 1)), None, None,
            Cell(dt.date(2018, 10, 31), kind="date"), 30, "个", None, None, 20, 30, "四季度的数即10月底的数",
        ]),
        Row([
            "7", "政府工作报告", "任务事项类", "建成智慧城管平台", None, None, None, None, "三季度末",
            None, None, None, None, "进度100%", None, None,
        ]),
    ]  # fmt: skip
    return [_instructions(), Sheet("分解表", rows)]


def two_tables() -> list[Sheet]:
    """Counties and departments on two sheets with the same header: the import must ask which one."""
    county = [*_header_rows(), Row(["1", "政府工作报告", "任务事项类", "县区任务", None, "甲县", None, None, "年底前"])]
    department = [
        *_header_rows(),
        Row(["1", "政府工作报告", "任务事项类", "部门任务", None, "乙局", None, None, "年底前"]),
    ]
    return [Sheet("县区", county), Sheet("市直部门", department)]


def bad_rows() -> list[Sheet]:
    """Rows with problems: each must be named by sheet, row, column header and value."""
    rows = [
        *_header_rows(),
        Row(["1", "政府工作报告", "任务事项类", "一项正常的任务", None, "甲县", None, None, "年底前"]),
        Row(["2", "政府工作报告", "任务事项类", "牵头单位写错", None, "丙县", None, None, "年底前"]),
        Row(["3", "政府工作报告", "任务事项类", "时限写错", None, "甲县", None, None, "明年再说"]),
        Row([
            "4", "政府工作报告", "数据指标类", "季度晚于时限", None, "甲县", None, None,
            Cell(dt.date(2018, 5, 31), kind="date"), 10, "个", None, None, 8, None,
        ]),
    ]  # fmt: skip
    return [Sheet("分解表", rows)]


def cells() -> list[Sheet]:
    """Kinds of cell, starting at C3: what ``tasks.excel.office`` relies on from the library."""
    rows = [
        Row([]),
        Row([]),
        Row([None, None, "文本", 42, 2.5, Cell(dt.date(2018, 6, 30), kind="date"), Cell(0.115, kind="percent")]),
        Row([None, None, Cell(kind="rich", rich=[("加粗", True), ("普通", False)]), Cell(7, kind="formula",
             formula="of:=3+4"), Cell("#DIV/0!", kind="formula", formula="of:=1/0"), None, "多\n行"]),
        Row([None, None, Cell("合并", span=(2, 2)), None, "隐藏行的值"], hidden=True),
        Row([None, None, None, None, "末行"]),
    ]  # fmt: skip
    return [Sheet("单元格", rows), Sheet("第二页", [Row(["第二页"])])]


CASES = {"breakdown": breakdown, "two_tables": two_tables, "bad_rows": bad_rows, "cells": cells}


# --- Flat OpenDocument ------------------------------------------------------------------------------

_NAMESPACES = " ".join(
    f'xmlns:{prefix}="urn:oasis:names:tc:opendocument:xmlns:{name}"'
    for prefix, name in [
        ("office", "office:1.0"), ("style", "style:1.0"), ("text", "text:1.0"), ("table", "table:1.0"),
        ("fo", "xsl-fo-compatible:1.0"), ("number", "datastyle:1.0"), ("of", "of:1.2"),
    ]
)  # fmt: skip
_STYLES = """<office:automatic-styles>
 <number:percentage-style style:name="Npct"><number:number number:decimal-places="1" number:min-integer-digits="1"/>
  <number:text>%</number:text></number:percentage-style>
 <number:date-style style:name="Ndate"><number:year number:style="long"/><number:text>-</number:text>
  <number:month number:style="long"/><number:text>-</number:text><number:day number:style="long"/></number:date-style>
 <style:style style:name="pct" style:family="table-cell" style:data-style-name="Npct"/>
 <style:style style:name="date" style:family="table-cell" style:data-style-name="Ndate"/>
 <style:style style:name="bold" style:family="text"><style:text-properties fo:font-weight="bold"/></style:style>
</office:automatic-styles>"""


def _paragraphs(text: str) -> str:
    return "".join(f"<text:p>{escape(line)}</text:p>" for line in text.split("\n"))


def _cell(cell) -> str:
    if not isinstance(cell, Cell):
        cell = Cell(cell)
    attributes = ""
    if cell.span != (1, 1):
        attributes += f' table:number-rows-spanned="{cell.span[0]}" table:number-columns-spanned="{cell.span[1]}"'
    value = cell.value
    if cell.kind == "rich":
        runs = "".join(
            f'<text:span text:style-name="bold">{escape(text)}</text:span>' if bold else escape(text)
            for text, bold in cell.rich
        )
        return f'<table:table-cell office:value-type="string"{attributes}><text:p>{runs}</text:p></table:table-cell>'
    if value is None:
        return f"<table:table-cell{attributes}/>"
    if cell.kind == "percent":
        return (
            f'<table:table-cell table:style-name="pct" office:value-type="percentage" office:value="{value}"'
            f"{attributes}><text:p>{value * 100:.1f}%</text:p></table:table-cell>"
        )
    if cell.kind == "date":
        return (
            f'<table:table-cell table:style-name="date" office:value-type="date" '
            f'office:date-value="{value.isoformat()}"{attributes}><text:p>{value}</text:p></table:table-cell>'
        )
    if cell.kind == "formula":
        return (
            f'<table:table-cell table:formula="{escape(cell.formula)}" office:value-type="float" '
            f'office:value="{value}"{attributes}><text:p>{value}</text:p></table:table-cell>'
        )
    if isinstance(value, int | float):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}"{attributes}>'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    return f'<table:table-cell office:value-type="string"{attributes}>{_paragraphs(str(value))}</table:table-cell>'


def _row(row: Row, covered: dict[int, int]) -> str:
    """A row from its cells by position; a position merged into from a row above must hold None and is
    written as a covered cell, as are the positions a cell spans to its right."""
    parts = []
    cells = list(row.cells)
    width = max(len(cells), max((c + 1 for c, n in covered.items() if n > 0), default=0))
    cells += [None] * (width - len(cells))
    skip = 0
    spanned: dict[int, int] = {}  # merges that start in this row cover the rows below it
    for column, cell in enumerate(cells):
        if covered.get(column, 0) > 0:
            covered[column] -= 1
            parts.append("<table:covered-table-cell/>")
            continue
        if skip:
            skip -= 1
            continue
        parts.append(_cell(cell))
        span_rows, span_columns = cell.span if isinstance(cell, Cell) else (1, 1)
        if span_rows > 1:
            for offset in range(span_columns):
                spanned[column + offset] = span_rows - 1
        if span_columns > 1:
            parts.append(f'<table:covered-table-cell table:number-columns-repeated="{span_columns - 1}"/>')
            skip = span_columns - 1
    covered.update(spanned)
    visibility = ' table:visibility="collapse"' if row.hidden else ""
    return f"<table:table-row{visibility}>{''.join(parts)}</table:table-row>"


def fods(sheets: list[Sheet]) -> str:
    tables = []
    for sheet in sheets:
        covered: dict[int, int] = {}
        rows = "".join(_row(row, covered) for row in sheet.rows)
        tables.append(f'<table:table table:name="{escape(sheet.name)}">{rows}</table:table>')
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document {_NAMESPACES} office:version="1.2" '
        f'office:mimetype="application/vnd.oasis.opendocument.spreadsheet">{_STYLES}'
        f"<office:body><office:spreadsheet>{''.join(tables)}</office:spreadsheet></office:body></office:document>"
    )


def control_characters_source(path: Path) -> Path:
    """An .xlsx whose title holds a vertical tab and a \\x01, as pasted from Word (escaped as _x000B_)."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "分解表"
    sheet.append([TITLE])
    sheet.append(HEADERS)
    sheet.append(
        ["1", "政府工作报告", "任务事项类", "从Word粘贴的_x000B_标题_x0001_", None, "甲县", None, None, "年底前"]
    )
    workbook.save(path)
    return path


# --- LibreOffice ------------------------------------------------------------------------------------


def build(outdir: Path = HERE, only: list[str] | None = None) -> list[Path]:
    """Every case (or the ``only`` ones) in the three formats, written into ``outdir``."""
    from bench.libreoffice import convert

    written = []
    with tempfile.TemporaryDirectory() as folder:
        sources = []
        for name, case in CASES.items():
            source = Path(folder) / f"{name}.fods"
            source.write_text(fods(case()), encoding="utf-8")
            sources.append(source)
        sources.append(control_characters_source(Path(folder) / "control_chars.xlsx"))
        sample = Path(folder) / "sample.xlsx"
        shutil.copy(SAMPLE, sample)
        sources.append(sample)
        sources = [source for source in sources if not only or source.stem in only]
        for source in sources:
            for fmt in FORMATS:
                converted = convert(source, fmt, Path(folder) / fmt)
                target = outdir / converted.name
                shutil.copy(converted, target)
                written.append(target)
    return written


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parents[2]))  # run as a script from anywhere: the repository's modules

    # build.py [CASE ...]: the named cases only (the others' files stay as they are)
    for path in build(HERE, only=sys.argv[1:] or None):
        print(path)
