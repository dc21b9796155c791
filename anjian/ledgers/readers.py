""".xlsx and .csv ledger files as one stream of rows: the header row, then numbered data rows.

Row numbers are the ones Excel shows (the header is row 1), so an error message points
at the row the user sees. CSV comes in UTF-8 (with or without BOM), GB18030/GBK (what
Excel on a Chinese Windows writes) or UTF-16 ("Unicode 文本"); the encoding is detected,
never asked for.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SUFFIXES = (".xlsx", ".csv")
# How far down a header row is looked for: real ledgers often start with a title row
# ("平江县生产经营单位台账") and a blank line before the column names.
HEADER_SEARCH_ROWS = 10


class LedgerFileError(Exception):
    """The file as a whole cannot be read; the message is for the user."""


@dataclass
class Sheet:
    rows: Iterator[tuple[int, tuple[Any, ...]]]  # (Excel row number, cell values), header included
    total: int | None  # number of rows including the header, when the file says so cheaply


def suffix_of(filename: str) -> str:
    return os.path.splitext(filename or "")[1].lower()


def check_suffix(filename: str) -> str:
    suffix = suffix_of(filename)
    if suffix == ".xls":
        raise LedgerFileError("不支持旧版 .xls 文件，请在 Excel/WPS 中另存为 .xlsx 后再上传")
    if suffix not in SUFFIXES:
        raise LedgerFileError("仅支持 .xlsx 和 .csv 文件")
    return suffix


@contextmanager
def open_sheet(path: str | Path, filename: str | None = None, preferred: str = "") -> Iterator[Sheet]:
    """Open ``path`` (named ``filename`` by the user) and yield its rows."""
    suffix = check_suffix(filename or str(path))
    if suffix == ".csv":
        with open(path, "rb") as handle:
            yield _csv_sheet(handle.read())
        return
    yield from _xlsx_sheet(path, preferred)


def _xlsx_sheet(path: str | Path, preferred: str) -> Iterator[Sheet]:
    import zipfile

    from openpyxl import load_workbook

    try:
        # read_only streams the sheet XML instead of building every cell object at once.
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise LedgerFileError("无法读取该 .xlsx 文件，请确认它是 Excel 工作簿（不是改了扩展名的其他文件）") from exc
    try:
        sheets = workbook.worksheets
        if not sheets:
            raise LedgerFileError("工作簿中没有工作表")
        # The template names its data sheet after the ledger; otherwise the first sheet.
        sheet = next((s for s in sheets if s.title == preferred), sheets[0])
        total = sheet.max_row if isinstance(sheet.max_row, int) and sheet.max_row > 0 else None

        def rows() -> Iterator[tuple[int, tuple[Any, ...]]]:
            yield from enumerate(sheet.iter_rows(values_only=True), start=1)  # type: ignore[union-attr]

        yield Sheet(rows=rows(), total=total)
    finally:
        workbook.close()


def decode(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was in.

    UTF-8 is tried strictly first: GB18030 accepts almost any byte string, UTF-8 almost
    never accepts GB18030 Chinese, so the order decides correctly.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise LedgerFileError("无法识别 CSV 文件的编码，请另存为 UTF-8 或 GB18030 编码，或改用 .xlsx")
    return str(best), best.encoding


def _csv_sheet(data: bytes) -> Sheet:
    text, _encoding = decode(data)
    first_line = text.split("\n", 1)[0]
    # Excel's "Unicode 文本" is tab-separated; everything else we meet is comma-separated.
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    try:
        total = sum(1 for _ in csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as exc:
        raise LedgerFileError(f"CSV 文件格式错误：{exc}") from exc

    def rows() -> Iterator[tuple[int, tuple[Any, ...]]]:
        # Record numbers, not line numbers: a quoted cell with a line break is still one Excel row.
        for number, values in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
            yield number, tuple(values)

    return Sheet(rows=rows(), total=total)
