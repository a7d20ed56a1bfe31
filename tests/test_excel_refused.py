"""Files the importer refuses, each with its own clear message, and nothing stored."""

import random
import re
import zipfile

import pytest

from tasks.excel.office import OLE_MAGIC
from tasks.excel.plan import plan_import
from tasks.excel.reader import FileRefused
from tasks.models import Target
from tests.data.office import FORMATS, OFFICE
from tests.sheets import make_sheet, row


def _refusal(path, user, name=None) -> str:
    # Each caller checks the reason; every refusal starts by naming the file.
    with pytest.raises(FileRefused, match=f"^{re.escape(f'File “{name or path.name}”')}") as refused:
        plan_import(path, name or path.name, year=2018, acting_user=user)
    assert not Target.objects.exists()
    return str(refused.value)


def test_an_old_word_document_is_refused_as_not_a_spreadsheet(tmp_path, erin):
    path = tmp_path / "letter.xls"
    path.write_bytes(OLE_MAGIC + b"\0" * 100 + "WordDocument".encode("utf-16-le") + b"\0" * 500)
    message = _refusal(path, erin)
    assert "不是表格文件" in message and "letter.xls" in message


def test_a_password_protected_workbook_is_refused(tmp_path, erin):
    path = tmp_path / "secret.xlsx"
    path.write_bytes(OLE_MAGIC + b"\0" * 100 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 100)
    message = _refusal(path, erin)
    assert "文件已加密" in message and "secret.xlsx" in message


def test_a_csv_file_is_refused_as_csv_whatever_its_name(tmp_path, erin):
    for name in ("notes.csv", "fake.xlsx", "old.xls"):
        path = tmp_path / name
        path.write_text("序号,目标任务\n1,任务", encoding="gbk")
        message = _refusal(path, erin)
        assert "这是CSV文件" in message and name in message


def test_a_web_page_saved_as_xls_is_refused(tmp_path, erin):
    path = tmp_path / "export.xls"
    path.write_text("<html><body><table><tr><td>序号</td></tr></table></body></html>")
    assert "web page" in _refusal(path, erin)


def test_a_binary_xlsb_workbook_is_refused_with_what_to_do(tmp_path, erin):
    path = tmp_path / "book.xlsb"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.bin", b"\0")
    assert ".xlsb" in _refusal(path, erin)


def test_a_file_that_is_not_a_spreadsheet_is_refused(tmp_path, erin):
    path = tmp_path / "photo.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    assert "不是表格文件" in _refusal(path, erin)


def test_a_word_document_named_xlsx_is_refused(tmp_path, erin):
    path = tmp_path / "letter.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert "不是表格文件" in _refusal(path, erin)


def test_a_damaged_workbook_is_refused(tmp_path, erin, unit_a):
    good = make_sheet(tmp_path / "good.xlsx", [row(目标任务="任务")])
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    message = _refusal(path, erin)
    assert "damaged" in message and "damaged.xlsx" in message


def test_a_workbook_larger_than_the_limit_is_refused(tmp_path, erin, unit_a, settings):
    settings.ZMD_IMPORT_MAX_MB = 0
    path = make_sheet(tmp_path / "big.xlsx", [row(目标任务="任务")])
    assert "at most 0 MB" in _refusal(path, erin)


def test_a_sheet_with_more_rows_than_the_limit_is_refused(tmp_path, erin, unit_a, settings):
    settings.ZMD_IMPORT_MAX_ROWS = 2
    path = make_sheet(tmp_path / "long.xlsx", [row(目标任务=f"任务{n}") for n in range(3)])
    assert "more than 2 rows" in _refusal(path, erin)


def test_a_sheet_without_a_header_row_is_refused(tmp_path, erin):
    path = make_sheet(tmp_path / "nohead.xlsx", [], headers=["名称", "金额"], raw=[["甲", 1]])
    assert "header" in _refusal(path, erin)


def test_a_sheet_without_any_target_is_refused(tmp_path, erin):
    path = make_sheet(tmp_path / "empty.xlsx", [])
    assert "no targets" in _refusal(path, erin)


@pytest.mark.parametrize("name", ["damaged_panic.xls", "damaged_huge_allocation.xls"])
def test_a_damaged_xls_that_breaks_the_reading_library_is_refused_and_the_worker_lives(tmp_path, erin, name):
    """Two real damaged files (from fuzzing the LibreOffice fixtures): calamine panics on the first and
    asks for 4 GB at once on the second, which aborts the process that reads it. The reading runs in a
    child process with a memory limit, so this process sees a refusal."""
    path = tmp_path / name
    path.write_bytes((OFFICE / name).read_bytes())
    message = _refusal(path, erin)
    assert "damaged" in message and name in message


def test_a_reader_out_of_memory_is_a_refusal(tmp_path, erin, settings):
    settings.ZMD_IMPORT_READ_MEMORY_MB = 8  # not even the interpreter fits
    path = tmp_path / "breakdown.xlsx"
    path.write_bytes((OFFICE / "breakdown.xlsx").read_bytes())
    assert "damaged" in _refusal(path, erin)


@pytest.mark.parametrize("fmt", FORMATS)
def test_randomly_damaged_office_files_are_refused_or_read_never_a_crash(tmp_path, erin, unit_a, unit_b, fmt):
    """Bytes flipped, cut or zeroed in the LibreOffice fixtures (seeded, 12 per format): each file is
    either read into a plan or refused with a message; nothing else escapes."""
    rng = random.Random(f"damage-{fmt}")
    original = (OFFICE / f"breakdown.{fmt}").read_bytes()
    for attempt in range(12):
        data = bytearray(original)
        how = rng.choice(["flip", "cut", "zero"])
        if how == "flip":
            for _ in range(rng.randint(1, 20)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        elif how == "cut":
            data = data[: rng.randrange(len(data))]
        else:
            start = rng.randrange(len(data))
            data[start : start + 500] = bytes(len(data[start : start + 500]))
        path = tmp_path / f"{attempt}.{fmt}"
        path.write_bytes(bytes(data))
        try:
            plan_import(path, path.name, year=2018, acting_user=erin)
        except FileRefused as refused:
            assert path.name in str(refused)
