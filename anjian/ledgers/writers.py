"""Export and the blank template, written from the same column declaration as import reads.

.xlsx is written with xlsxwriter in constant-memory mode (one row in memory at a time), so
an export of 100,000 units streams to a temporary file; .csv is UTF-8 with a BOM, which
Excel on a Chinese Windows opens without garbling.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import xlsxwriter

from anjian.ledgers.columns import Date
from anjian.ledgers.engine import Ledger

if TYPE_CHECKING:
    from anjian.accounts.models import User

NOTES_SHEET = "填写说明"
CHOICES_SHEET = "选项"
# Excel caps an inline list validation at 255 characters; longer lists live on a hidden sheet.
INLINE_LIST_MAX = 250
MAX_ROW = 1_048_575  # Excel's last row, zero-based


def _target(path: str | Path | IO[bytes]) -> Any:
    """A file name, or an open binary file (an HTTP response's temporary file)."""
    return path if hasattr(path, "write") else str(path)


def _formats(book: xlsxwriter.Workbook) -> dict[str, Any]:
    return {
        "header": book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True}),
        "required": book.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "border": 1, "font_color": "#C00000", "text_wrap": True}
        ),
        "text": book.add_format({"num_format": "@"}),
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
        "bold": book.add_format({"bold": True}),
    }


def _data_sheet(book: xlsxwriter.Workbook, ledger: Ledger, fmt: dict[str, Any]) -> Any:
    sheet = book.add_worksheet(ledger.title)
    for index, column in enumerate(ledger.columns):
        # Text-formatted columns keep 430626101 and 0730-… as typed instead of as numbers.
        cell_format = fmt["text"] if column.parse.as_text else (fmt["date"] if isinstance(column.parse, Date) else None)
        sheet.set_column(index, index, column.width, cell_format)
        sheet.write_string(0, index, column.title, fmt["required" if column.required else "header"])
    sheet.freeze_panes(1, 0)
    return sheet


def _write_cell(sheet: Any, row: int, col: int, value: Any, fmt: dict[str, Any]) -> None:
    if value is None or value == "":
        return
    if isinstance(value, bool):
        sheet.write_string(row, col, "是" if value else "否")
    elif isinstance(value, (int, float, Decimal)):
        sheet.write_number(row, col, float(value))
    elif isinstance(value, dt.datetime):
        sheet.write_datetime(row, col, value, fmt["date"])
    elif isinstance(value, dt.date):
        sheet.write_datetime(row, col, dt.datetime.combine(value, dt.time()), fmt["date"])
    else:
        # Always a string: a credit code or region code must never become a number.
        sheet.write_string(row, col, str(value))


def export_xlsx(ledger: Ledger, objects: Iterable[Any], path: str | Path | IO[bytes]) -> int:
    """Write ``objects`` as a ledger workbook at ``path``; returns the number of rows."""
    book = xlsxwriter.Workbook(_target(path), {"constant_memory": True})
    fmt = _formats(book)
    sheet = _data_sheet(book, ledger, fmt)
    count = 0
    for count, obj in enumerate(objects, start=1):
        for col, column in enumerate(ledger.columns):
            _write_cell(sheet, count, col, column.value_of(obj), fmt)
    if count:
        sheet.autofilter(0, 0, count, len(ledger.columns) - 1)
    book.close()
    return count


def _csv_value(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a generator."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(ledger: Ledger, objects: Iterable[Any]) -> Iterator[str]:
    """The export as CSV text, row by row (for a streaming response), starting with a BOM."""
    writer = csv.writer(_Echo())
    yield codecs.BOM_UTF8.decode("utf-8")
    yield writer.writerow([c.title for c in ledger.columns])
    for obj in objects:
        yield writer.writerow([_csv_value(c.value_of(obj)) for c in ledger.columns])


def export_csv(ledger: Ledger, objects: Iterable[Any], out: IO[str]) -> int:
    """Write the export to a text file opened with ``newline=""``; returns the number of rows."""
    chunks = csv_chunks(ledger, objects)
    out.write(next(chunks))  # BOM
    out.write(next(chunks))  # header
    count = 0
    for chunk in chunks:
        out.write(chunk)
        count += 1
    return count


def write_template(ledger: Ledger, user: User | None, path: str | Path | IO[bytes]) -> None:
    """The blank template: header row, one example row, dropdowns on choice columns, notes."""
    book = xlsxwriter.Workbook(_target(path))
    fmt = _formats(book)
    sheet = _data_sheet(book, ledger, fmt)
    example = ledger.example(user)
    for col, column in enumerate(ledger.columns):
        _write_cell(sheet, 1, col, example.get(column.field, ""), fmt)

    choices_sheet = None
    for col, column in enumerate(ledger.columns):
        labels = column.labels()
        if not labels:
            continue
        options: dict[str, Any] = {
            "validate": "list",
            "ignore_blank": True,
            "error_type": "stop",
            "error_title": f"{column.header}填写有误",
            "error_message": f"请从下拉列表中选择{column.header}",
            "input_title": column.header,
            "input_message": "请从下拉列表中选择",
        }
        if len(",".join(labels)) <= INLINE_LIST_MAX:
            options["source"] = labels
        else:
            if choices_sheet is None:
                choices_sheet = book.add_worksheet(CHOICES_SHEET)
                choices_sheet.hide()
            choices_sheet.write_string(0, col, column.header)
            for i, label in enumerate(labels, start=1):
                choices_sheet.write_string(i, col, label)
            letter = xlsxwriter.utility.xl_col_to_name(col)
            options["source"] = f"='{CHOICES_SHEET}'!${letter}$2:${letter}${len(labels) + 1}"
        sheet.data_validation(1, col, MAX_ROW, col, options)

    notes = book.add_worksheet(NOTES_SHEET)
    notes.set_column(0, 0, 18)
    notes.set_column(1, 1, 6)
    notes.set_column(2, 2, 60)
    notes.set_column(3, 3, 40)
    notes.write_string(0, 0, f"{ledger.title}填写说明", fmt["bold"])
    line = 1
    for text in (*ledger.notes, f"匹配规则：{ledger.key_help}" if ledger.key_help else ""):
        if text:
            notes.write_string(line, 0, text)
            line += 1
    line += 1
    for col, header in enumerate(("列名", "必填", "说明", "可选值")):
        notes.write_string(line, col, header, fmt["header"])
    for column in ledger.columns:
        line += 1
        notes.write_string(line, 0, column.header)
        notes.write_string(line, 1, "是" if column.required else "")
        notes.write_string(line, 2, column.note, fmt["wrap"])
        notes.write_string(line, 3, "、".join(column.labels()), fmt["wrap"])
    book.close()
