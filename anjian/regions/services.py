"""Writes to the division tree and grids: import of statistical codes, grid creation.

The division tree is the NBS statistical code list (统计用区划代码, ARCHITECTURE.md principle 2):
a code's significant digits give its level (2 province, 4 city, 6 county, 9 township,
12 village) and its parent (the code cut to the level above), so a list of ``code,name``
rows is all the importer needs. Import is an upsert — new codes are added, changed names
are updated, nothing is ever deleted (units and facts refer to divisions) — and it is
all-or-nothing: every row is checked before anything is written.
"""

from __future__ import annotations

import csv
import getpass
import gzip
import io
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from django.db import transaction

from anjian.core import audit
from anjian.core.text import clean
from anjian.regions.models import Division, Grid, Level, level_of, pad

if TYPE_CHECKING:
    from anjian.accounts.models import User

DATA_DIR = Path(__file__).resolve().parent / "data"
# The shipped files, parents before children (anjian/regions/data/SOURCE.md).
BUILTIN_FILES = ["provinces", "cities", "areas", "streets", "villages"]
CODE_LENGTHS = (2, 4, 6, 9, 12)
NAME_MAX = Division._meta.get_field("name").max_length or 64
# Header cells recognised for the two columns (any other header: the first two columns).
CODE_HEADERS = {"code", "区划代码", "代码", "统计用区划代码", "行政区划代码"}
NAME_HEADERS = {"name", "名称", "区划名称", "行政区划名称"}
# Keep the database round trips small and under SQLite's bound-parameter limit.
_CHUNK = 900


class DivisionImportError(Exception):
    """Rejected input; ``errors`` are Chinese reasons, each ``第N行 列名: 原因``."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("\n".join(errors))


class GridError(Exception):
    """A rejected grid write; the message is for the user."""


@dataclass(frozen=True)
class DivisionRow:
    """One input row: the code with its significant digits only, as published by NBS."""

    line: int
    code: str
    name: str
    source: str = ""

    def where(self) -> str:
        return f"{self.source} 第{self.line}行" if self.source else f"第{self.line}行"


@dataclass
class ImportResult:
    created: Counter[int] = field(default_factory=Counter)  # by Level
    updated: Counter[int] = field(default_factory=Counter)
    unchanged: int = 0
    # Rows that repeat their parent's code once padded (东莞市 441900 under 4419): merged into the parent.
    merged: int = 0
    dry_run: bool = False

    @property
    def total_created(self) -> int:
        return sum(self.created.values())

    @property
    def total_updated(self) -> int:
        return sum(self.updated.values())

    def summary(self) -> str:
        def by_level(counts: Counter[int]) -> str:
            parts = [f"{Level(level).label} {counts[level]}" for level in Level.values if counts[level]]
            return "（" + "，".join(parts) + "）" if parts else ""

        text = (
            f"新增 {self.total_created}{by_level(self.created)}，"
            f"更新 {self.total_updated}{by_level(self.updated)}，未变 {self.unchanged}"
        )
        if self.merged:
            text += f"，与上级同码并入上级 {self.merged}"
        return text


# --- reading -------------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 — what Excel and WPS save on Chinese Windows.

    GB18030 is a superset of GBK and GB2312. Text in one of the two almost never decodes
    as the other, so trying UTF-8 first is a reliable detection.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise DivisionImportError(["文件编码无法识别：应为 UTF-8 或 GB18030（GBK）编码的 CSV"]) from exc


def read_bytes(data: bytes, source: str = "") -> list[DivisionRow]:
    """Rows of a ``code,name`` CSV (gzip-compressed or not). Blank lines are skipped.

    A first line whose first cell is not a number is a header; a header naming the columns
    (``code``/``区划代码`` and ``name``/``名称``) may put them anywhere, otherwise the first two
    columns are taken, so modood's and NBS-derived lists with extra columns load as they are.
    """
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    text = decode(data)
    rows: list[DivisionRow] = []
    code_col, name_col = 0, 1
    for line, cells in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [clean(c) for c in cells]
        if not any(cells):
            continue
        if line == 1 and not cells[0].isdigit():
            lowered = [c.lower() for c in cells]
            code_col = next((i for i, c in enumerate(lowered) if c in CODE_HEADERS), 0)
            name_col = next((i for i, c in enumerate(lowered) if c in NAME_HEADERS), 1)
            continue
        code = cells[code_col] if code_col < len(cells) else ""
        name = cells[name_col] if name_col < len(cells) else ""
        rows.append(DivisionRow(line=line, code=code, name=name, source=source))
    return rows


def read_file(path: str | Path) -> list[DivisionRow]:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DivisionImportError([f"无法读取文件 {path}：{exc.strerror or exc}"]) from exc
    return read_bytes(data)


def _significant(code: str) -> str:
    """'430626' stays '430626'; a 12-digit county code '430626000000' becomes '430626'.

    Unambiguous for NBS codes: no village or township number is 000 and no county number
    is 00, except the placeholders that repeat their parent (see ``_plan``).
    """
    code = unicodedata.normalize("NFKC", code).strip()
    if len(code) == 12 and code.isdigit():
        for length in CODE_LENGTHS:
            if code[length:] == "0" * (12 - length):
                return code[:length]
    return code


def builtin_rows(within: str | None = None) -> Iterator[DivisionRow]:
    """The shipped division list (whole country to townships, villages of the target counties).

    ``within`` (significant digits, e.g. '430626') keeps that division, its ancestors and its
    descendants only: enough for one county, and much faster to load in tests.
    """
    for name in BUILTIN_FILES:
        path = DATA_DIR / f"{name}.csv.gz"
        yield from filter_within(read_bytes(path.read_bytes(), source=path.name), within)


def filter_within(rows: Iterable[DivisionRow], within: str | None) -> Iterator[DivisionRow]:
    """The rows of ``within`` (significant digits), its ancestors and its descendants."""
    if not within:
        yield from rows
        return
    prefix = _significant(within)
    for row in rows:
        code = _significant(row.code)
        if code.startswith(prefix) or prefix.startswith(code):
            yield row


# --- importing -----------------------------------------------------------------------------


@dataclass
class _Planned:
    row: DivisionRow
    key: str
    level: Level
    parent: str | None


def _parent_code(code: str) -> str | None:
    index = CODE_LENGTHS.index(len(code))
    return code[: CODE_LENGTHS[index - 1]] if index else None


def _existing(keys: Iterable[str]) -> dict[str, tuple[str, int, str | None]]:
    keys = list(keys)
    out: dict[str, tuple[str, int, str | None]] = {}
    for start in range(0, len(keys), _CHUNK):
        for code, name, level, parent in Division.objects.filter(code__in=keys[start : start + _CHUNK]).values_list(
            "code", "name", "level", "parent_id"
        ):
            out[code] = (name, level, parent)
    return out


def _plan(rows: Iterable[DivisionRow]) -> tuple[list[_Planned], int, list[str]]:
    """Check every row; return the divisions to write, the merged-row count and the errors."""
    errors: list[tuple[DivisionRow, str]] = []
    planned: dict[str, _Planned] = {}
    merged = 0
    first_line: dict[str, DivisionRow] = {}
    candidates: list[DivisionRow] = []
    for row in rows:
        code = unicodedata.normalize("NFKC", row.code).strip()
        if not code:
            errors.append((row, "区划代码: 不能为空"))
            continue
        if not code.isdigit():
            errors.append((row, f"区划代码: “{code}”应为数字"))
            continue
        if len(code) not in CODE_LENGTHS:
            reason = f"区划代码: “{code}”为{len(code)}位，应为2、4、6、9或12位（省、市、县、乡镇、村的统计用区划代码）"
            errors.append((row, reason))
            continue
        if not row.name:
            errors.append((row, "名称: 不能为空"))
            continue
        if len(row.name) > NAME_MAX:
            errors.append((row, f"名称: 超过{NAME_MAX}个字"))
            continue
        # NBS's own tables pad every code to 12 digits: 430626000000 is the county 430626.
        code = _significant(code)
        seen = first_line.get(code)
        if seen is not None:
            if seen.name != row.name:
                errors.append((row, f"区划代码: {code} 与{seen.where()}重复且名称不同（“{seen.name}”）"))
            continue
        first_line[code] = DivisionRow(row.line, code, row.name, row.source)
        candidates.append(first_line[code])

    for row in candidates:
        parent = _parent_code(row.code)
        key = pad(row.code)
        if parent is not None and pad(parent) == key:
            # A placeholder that repeats its parent (东莞市 441900 under city 4419, 金门县 350527000):
            # the same division, already keyed by the parent's code. Its children hang on the parent.
            merged += 1
            continue
        planned[key] = _Planned(row, key, level_of(row.code), pad(parent) if parent else None)

    # Every parent must exist in the file or already in the database.
    missing = {p.parent for p in planned.values() if p.parent and p.parent not in planned}
    in_db = set(_existing(sorted(missing))) if missing else set()
    for item in planned.values():
        if item.parent and item.parent not in planned and item.parent not in in_db:
            errors.append(
                (item.row, f"区划代码: 上级区划 {_significant(item.parent)} 不存在（文件中和已导入的区划中都没有）")
            )
    # Reasons in file order, so that they read like the file.
    return list(planned.values()), merged, [f"{row.where()} {reason}" for row, reason in sorted(errors, key=_order)]


def _order(item: tuple[DivisionRow, str]) -> tuple[str, int]:
    return item[0].source, item[0].line


def divisions_import(rows: Iterable[DivisionRow], *, actor: User | None = None, dry_run: bool = False) -> ImportResult:
    """Upsert divisions from rows; raise DivisionImportError (nothing written) on any bad row."""
    planned, merged, errors = _plan(rows)
    if errors:
        raise DivisionImportError(errors)
    result = ImportResult(merged=merged, dry_run=dry_run)
    existing = _existing(p.key for p in planned)
    new: list[Division] = []
    changed: list[Division] = []
    for item in sorted(planned, key=lambda p: p.key):
        current = existing.get(item.key)
        division = Division(code=item.key, name=item.row.name, level=item.level, parent_id=item.parent)
        if current is None:
            new.append(division)
            result.created[item.level] += 1
        elif current != (item.row.name, item.level, item.parent):
            changed.append(division)
            result.updated[item.level] += 1
        else:
            result.unchanged += 1
    if dry_run or not (new or changed):
        return result
    with transaction.atomic():
        Division.objects.bulk_create(new, batch_size=2000)
        Division.objects.bulk_update(changed, ["name", "level", "parent"], batch_size=500)
        audit.record(
            actor=actor,
            action="divisions.import",
            changes={"created": result.total_created, "updated": result.total_updated},
            actor_name=cli_actor_name(actor),
        )
    return result


def load_builtin(*, actor: User | None = None, within: str | None = None) -> ImportResult:
    """Load (or refresh) the shipped division list; running it again changes nothing."""
    return divisions_import(builtin_rows(within), actor=actor)


def cli_actor_name(actor: User | None) -> str:
    """Who did it, when there is no signed-in user: the operating-system account on the CLI."""
    if actor is not None:
        return ""
    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError):  # no passwd entry in some containers
        return "cli"


# --- grids ---------------------------------------------------------------------------------


def grid_name(township: Division, number: int) -> str:
    """The conventional name of a township's N-th grid: 安定镇第1网格."""
    return f"{township.name}第{number}网格"


def grid_create(*, township: Division, name: str, actor: User | None = None) -> Grid:
    """A grid (网格) inside a township; names are unique within the township."""
    name = clean(name)
    if township.level != Level.TOWNSHIP:
        raise GridError(f"“{township.name}”不是乡镇/街道，网格只能建在乡镇/街道下")
    if not name:
        raise GridError("网格名称不能为空")
    if len(name) > 64:
        raise GridError("网格名称不能超过64个字")
    if Grid.objects.filter(township=township, name=name).exists():
        raise GridError(f"{township.name}已有名为“{name}”的网格")
    with transaction.atomic():
        grid = Grid.objects.create(township=township, name=name, region_code=township.code)
        audit.record(
            actor=actor,
            action="grid.create",
            obj=grid,
            changes={"township": township.code, "name": name},
            actor_name=cli_actor_name(actor),
        )
    return grid


def grids_ensure(*, township: Division, count: int, actor: User | None = None) -> list[Grid]:
    """Make sure the township has grids 第1…第N网格 (existing ones are kept); returns the new ones."""
    have = set(Grid.objects.filter(township=township).values_list("name", flat=True))
    created = []
    for number in range(1, count + 1):
        name = grid_name(township, number)
        if name not in have:
            created.append(grid_create(township=township, name=name, actor=actor))
    return created
