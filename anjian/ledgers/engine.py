"""The import engine every ledger uses: read, validate every row, then write all or nothing.

A ledger (a :class:`Ledger` subclass in ``anjian/<app>/ledger.py``) declares its columns and
answers three questions: what does a batch of parsed rows mean (``check_batch``: create,
update or leave alone, or row errors), how are the planned changes written (``write``,
inside the engine's transaction, through the app's services), and which objects does an
export contain. The engine does the rest the same way for every ledger:

1. headers → columns (order free, ``*`` and spaces ignored, unknown columns noticed);
2. every data row parsed and checked, every error collected as ``第N行 列名: 原因``;
3. if any row is bad, or on a dry run, nothing is written;
4. otherwise the plan is written in one transaction; an error raised by a service while
   writing rolls the whole file back and is reported like a validation error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from django.db import connection, transaction

from anjian.accounts.roles import LEDGER_IMPORTERS, Role
from anjian.core import audit
from anjian.ledgers.columns import CellError, Column, is_blank, normalise_header
from anjian.ledgers.readers import HEADER_SEARCH_ROWS, LedgerFileError, open_sheet

if TYPE_CHECKING:
    from anjian.accounts.models import User

CREATE = "create"
UPDATE = "update"
UNCHANGED = "unchanged"
# Rows handed to a ledger at a time: large enough for one lookup query per batch,
# small enough that a 100,000-row file never holds all its parsed rows at once.
BATCH_SIZE = 1000

# SQLite page cache while writing, in KiB (see _write_cache).
WRITE_CACHE_KIB = 64 * 1024
# phase ("validate" or "write"), rows done, rows in total (None when unknown)
Progress = Callable[[str, int, int | None], None]


class LedgerDenied(Exception):
    """The actor may not import this ledger; the message is for the user."""


@dataclass(frozen=True)
class RowError:
    row: int | None  # Excel row number; None for an error about the file as a whole
    column: str
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return f"{self.column}: {self.message}" if self.column else self.message
        return f"第{self.row}行 {self.column}: {self.message}" if self.column else f"第{self.row}行: {self.message}"

    def as_list(self) -> list[Any]:
        return [self.row, self.column, self.message]


@dataclass
class Row:
    """One data row after parsing: the values of the columns present in the file."""

    number: int
    values: dict[str, Any]
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column header, reason)
    bad: set[str] = field(default_factory=set)  # fields whose cell could not be read

    def error(self, header: str, message: str, field_name: str | None = None) -> None:
        self.errors.append((header, message))
        if field_name:
            self.bad.add(field_name)

    def ok(self, field_name: str) -> bool:
        """Whether the column is in the file and its cell was read without error."""
        return field_name in self.values and field_name not in self.bad


@dataclass
class Planned:
    """What the ledger will do with one valid row."""

    row: int
    action: str  # CREATE, UPDATE or UNCHANGED
    payload: Any = None


@dataclass
class ImportReport:
    ledger: str
    filename: str
    dry_run: bool
    total: int = 0  # data rows read (blank rows are not counted)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0  # may exceed len(errors) in a stored, truncated report
    notices: list[str] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors and not self.error_count

    def summary(self) -> str:
        verb = "将" if self.dry_run or not self.written else ""
        return f"共 {self.total} 行：{verb}新增 {self.created}，{verb}更新 {self.updated}，未变 {self.unchanged}"

    def to_dict(self, max_errors: int | None = None) -> dict[str, Any]:
        errors = self.errors if max_errors is None else self.errors[:max_errors]
        return {
            "ledger": self.ledger,
            "filename": self.filename,
            "dry_run": self.dry_run,
            "total": self.total,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [e.as_list() for e in errors],
            "error_count": max(self.error_count, len(self.errors)),
            "notices": list(self.notices),
            "written": self.written,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImportReport:
        fields = {k: data[k] for k in ("ledger", "filename", "dry_run") if k in data}
        report = cls(**{"ledger": "", "filename": "", "dry_run": True, **fields})
        for name in ("total", "created", "updated", "unchanged", "error_count"):
            setattr(report, name, int(data.get(name, 0)))
        report.errors = [RowError(*e) for e in data.get("errors", [])]
        report.notices = list(data.get("notices", []))
        report.written = bool(data.get("written", False))
        return report


class Ledger:
    """Base class of a ledger declaration. Subclasses set the class attributes and hooks."""

    name: ClassVar[str]  # URL and command-line name: 'units'
    title: ClassVar[str]  # '单位台账'; also the data sheet's name in templates and exports
    columns: ClassVar[Sequence[Column]]
    key_help: ClassVar[str] = ""  # how a row finds its existing record, for the notes sheet
    notes: ClassVar[Sequence[str]] = ()
    importers: ClassVar[frozenset[Role]] = LEDGER_IMPORTERS
    list_url: ClassVar[str] = ""  # URL name of the list the ledger fills, linked after an import

    # --- declaration helpers ---------------------------------------------------------
    def column(self, field_name: str) -> Column:
        return next(c for c in self.columns if c.field == field_name)

    def header_index(self) -> dict[str, Column]:
        index: dict[str, Column] = {}
        for column in self.columns:
            for name in (column.header, *column.aliases):
                index[normalise_header(name)] = column
        return index

    def filename(self, suffix: str) -> str:
        return f"{self.title}{suffix}"

    # --- hooks -------------------------------------------------------------------------
    def check_actor(self, actor: User) -> None:
        if actor.role not in self.importers:
            raise LedgerDenied(f"{actor.get_role_display()}无权导入{self.title}")

    def begin(self, actor: User, present: frozenset[str]) -> Any:
        """Per-import context (lookup caches, keys seen so far). ``present``: fields in the file."""
        return None

    def check_batch(self, ctx: Any, rows: list[Row]) -> list[Planned]:
        """Plans for the rows that are valid; errors are added to the rows that are not."""
        raise NotImplementedError

    def write(self, ctx: Any, items: list[Planned], tick: Callable[[int], None]) -> list[RowError]:
        """Write the plan (inside the engine's transaction); return the rows a service refused."""
        raise NotImplementedError

    def export_objects(self, user: User | None, params: dict[str, Any]) -> Iterable[Any]:
        raise NotImplementedError

    def example(self, user: User | None) -> dict[str, Any]:
        """field → cell value of the template's example row."""
        return {}

    def notices(self, ctx: Any) -> list[str]:
        """Notices for the report after validation (rows accepted with something to follow up)."""
        return []


def _match_headers(
    ledger: Ledger, cells: tuple[Any, ...]
) -> tuple[dict[int, Column], list[str], list[tuple[str, str]]]:
    """Column positions, ignored headers, and header errors (duplicates)."""
    index = ledger.header_index()
    mapping: dict[int, Column] = {}
    unknown: list[str] = []
    errors: list[tuple[str, str]] = []
    seen: set[str] = set()
    for position, raw in enumerate(cells):
        if is_blank(raw):
            continue
        column = index.get(normalise_header(raw))
        if column is None:
            unknown.append(str(raw).strip())
        elif column.field in seen:
            errors.append((column.header, "列名重复"))
        else:
            seen.add(column.field)
            mapping[position] = column
    return mapping, unknown, errors


def _parse_row(number: int, cells: tuple[Any, ...], mapping: dict[int, Column]) -> Row | None:
    """The parsed row, or None for a row with nothing in any known column."""
    raws = [(column, cells[i] if i < len(cells) else None) for i, column in mapping.items()]
    if all(is_blank(raw) for _, raw in raws):
        return None
    row = Row(number=number, values={})
    for column, raw in raws:
        if is_blank(raw):
            if column.required:
                row.error(column.header, "不能为空", column.field)
            else:
                row.values[column.field] = column.parse.default
            continue
        try:
            row.values[column.field] = column.parse(raw)
        except CellError as exc:
            row.error(column.header, str(exc), column.field)
    return row


def run_import(
    ledger: Ledger,
    path: str | Path,
    actor: User,
    *,
    filename: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Validate the whole file and, unless ``dry_run`` or any row is bad, write it in one transaction."""
    filename = filename or Path(path).name
    report = ImportReport(ledger=ledger.name, filename=filename, dry_run=dry_run)
    order = {c.header: i for i, c in enumerate(ledger.columns)}
    try:
        ledger.check_actor(actor)
    except LedgerDenied as exc:
        report.errors.append(RowError(None, "", str(exc)))
        return report
    plan: list[Planned] = []
    try:
        with open_sheet(path, filename, preferred=ledger.title) as sheet:
            plan, ctx = _validate(ledger, sheet, actor, report, progress)
    except LedgerFileError as exc:
        report.errors.append(RowError(None, "", str(exc)))
    report.errors.sort(key=lambda e: (e.row or 0, order.get(e.column, len(order))))
    report.error_count = len(report.errors)
    if report.errors or dry_run:
        return report

    changes = [p for p in plan if p.action != UNCHANGED]
    del plan  # the unchanged rows need nothing more; let a large file's memory go
    if not changes:
        # Re-importing the same file: nothing to write, so nothing to audit either.
        report.written = True
        return report

    def tick(done: int) -> None:
        if progress is not None:
            progress("write", done, len(changes))

    with _write_cache(), transaction.atomic():
        refused = ledger.write(ctx, changes, tick)
        if refused:
            # A service refused a row the checks let through (a concurrent change, or a rule
            # the ledger does not mirror): nothing of this file stays.
            transaction.set_rollback(True)
            report.errors = sorted(refused, key=lambda e: (e.row or 0, order.get(e.column, len(order))))
            report.error_count = len(report.errors)
            return report
        audit.record(
            actor=actor,
            action=f"ledger.import.{ledger.name}",
            changes={
                "file": filename,
                "rows": report.total,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
            },
        )
    report.written = True
    return report


@contextmanager
def _write_cache() -> Iterator[None]:
    """A larger SQLite page cache while a file is written (the connection's own setting).

    Every unit goes into half a dozen indexes at random places; with SQLite's default 2 MB
    cache the index pages of a large import are read back again and again.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = {-WRITE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {previous}")


def _validate(
    ledger: Ledger,
    sheet: Any,
    actor: User,
    report: ImportReport,
    progress: Progress | None,
) -> tuple[list[Planned], Any]:
    rows = iter(sheet.rows)
    mapping: dict[int, Column] = {}
    header_row = 1
    first_seen: tuple[Any, ...] | None = None
    # The header row: the first of the top rows that names a column we know.
    for number, cells in rows:
        if first_seen is None:
            first_seen = cells
        mapping, unknown, header_errors = _match_headers(ledger, cells)
        if mapping:
            header_row = number
            break
        if number >= HEADER_SEARCH_ROWS:
            break
    if not mapping:
        if first_seen is None:
            report.errors.append(RowError(None, "", "文件是空的"))
            return [], None
        unknown, header_errors = [], []
    for header, message in header_errors:
        report.errors.append(RowError(header_row, header, message))
    if unknown:
        report.notices.append(f"已忽略未识别的列：{'、'.join(unknown)}")
    if header_row > 1:
        report.notices.append(f"第{header_row}行为表头，其上的 {header_row - 1} 行已跳过")
    present = frozenset(c.field for c in mapping.values())
    for column in ledger.columns:
        if column.required and column.field not in present:
            report.errors.append(RowError(header_row, column.header, "缺少必填列"))
    if report.errors:
        return [], None

    ctx = ledger.begin(actor, present)
    total = (sheet.total - header_row) if sheet.total else None
    plan: list[Planned] = []
    batch: list[Row] = []
    done = 0

    def flush() -> None:
        nonlocal done
        if not batch:
            return
        planned = ledger.check_batch(ctx, batch)
        bad = set()
        for row in batch:
            if row.errors:
                bad.add(row.number)
                report.errors.extend(RowError(row.number, header, message) for header, message in row.errors)
        # A row with any error is never planned, whatever the ledger returned for it.
        plan.extend(p for p in planned if p.row not in bad)
        done += len(batch)
        batch.clear()
        if progress is not None:
            progress("validate", done, total)

    for number, cells in rows:
        row = _parse_row(number, cells, mapping)
        if row is None:
            continue
        report.total += 1
        batch.append(row)
        if len(batch) >= BATCH_SIZE:
            flush()
    flush()
    if report.total == 0:
        report.errors.append(RowError(None, "", "文件中没有数据行"))
    report.notices.extend(ledger.notices(ctx))
    for item in plan:
        if item.action == CREATE:
            report.created += 1
        elif item.action == UPDATE:
            report.updated += 1
        else:
            report.unchanged += 1
    return plan, ctx
