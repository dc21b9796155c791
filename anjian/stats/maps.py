"""The hazard risk map (隐患风险分布图): what it shows, read through the jurisdiction scope first.

For a region and a date (``as_of``) the map shows

- the supervised units as points, coloured by their open hazards (none / 1–2 / 3 or more / a major
  one among them) or by their class (分级分类 A–D), from ONE query: the units in scope annotated with
  filtered counts of their hazards;
- a choropleth of the region's child divisions (the townships of a county, the counties of a city)
  by the same open-hazard figure, grouped by the child's code prefix in one query;
- the outlines to draw: the children's boundaries when any are loaded (``anjian import-boundaries``),
  else the region's own outline, else none — then the page falls back to a plain lng/lat plane and
  the table of children.

"Open" and "overdue" are the catalogue's ``hazards_open`` and ``hazards_overdue`` (indicators.md):
found by ``as_of`` and not verified-closed by then; overdue when the deadline is before ``as_of`` too.
The conditions are the catalogue's own (``hazards.selectors.open_q``), taken through the unit's
``hazards`` relation, so the map's totals are the dashboard's figures for the same units.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.http import Http404
from django.utils import timezone

from anjian.core.scope import region_prefix, scoped
from anjian.hazards.selectors import open_q as hazard_open_q
from anjian.hazards.selectors import overdue_at_q
from anjian.regions.models import PREFIX_LENGTH, Boundary, Division, Level
from anjian.regions.selectors import normalise_code
from anjian.stats.api import STATS_READERS
from anjian.stats.compute import units_named_qs, units_qs
from anjian.stats.scope import Scope, ScopeError, build_scope
from anjian.units.models import RiskClass, Unit, UnitStatus

if TYPE_CHECKING:
    from anjian.accounts.models import User

# Who may see the map: the offices that read statistics (a unit's staff, grid workers and experts do not).
MAP_READERS = STATS_READERS
# Point colours by open hazards: key, legend label, colour. The first that applies wins, from the end.
BUCKETS: tuple[tuple[str, str, str], ...] = (
    ("none", "无未销号隐患", "#2e7d32"),
    ("few", "未销号隐患 1—2 项", "#f9a825"),
    ("many", "未销号隐患 3 项及以上", "#ef6c00"),
    ("major", "有未销号重大隐患", "#c62828"),
)
MANY = 3
# Point colours by class (分级分类); "" is a unit not yet classified.
CLASSES: tuple[tuple[str, str, str], ...] = (
    ("A", "A类", "#1565c0"),
    ("B", "B类", "#00897b"),
    ("C", "C类", "#8e24aa"),
    ("D", "D类", "#6d4c41"),
    ("", "未分级", "#9e9e9e"),
)
NO_CLASS = "none"  # the filter's value for "not yet classified"
# The child level of each level, by significant digits (a county's children are its townships).
CHILD_DIGITS = {2: 4, 4: 6, 6: 9, 9: 12}
UNMAPPED_SHOWN = 200


class MapError(ValueError):
    """A map parameter that cannot be used; the message is for the user."""


@dataclass(frozen=True)
class MapFilters:
    sector: str = ""
    risk_class: str = ""  # "A"…"D", NO_CLASS, or "" for all
    only_open: bool = False


@dataclass(frozen=True)
class MapScope:
    """What a map shows: a division in the user's jurisdiction, a date, filters (``scope`` resolves them)."""

    region: Division
    scope: Scope
    filters: MapFilters

    @property
    def as_of(self) -> dt.date:
        return self.scope.as_of


@dataclass
class Point:
    id: int
    name: str
    lng: float | None
    lat: float | None
    risk_class: str
    region_code: str
    open: int
    major: int
    overdue: int
    closed: bool = False  # closed or deregistered, on the map for its open hazards

    @property
    def bucket(self) -> str:
        if self.major:
            return "major"
        if self.open >= MANY:
            return "many"
        return "few" if self.open else "none"

    @property
    def mapped(self) -> bool:
        return self.lng is not None and self.lat is not None


@dataclass
class Child:
    """One child division (or the facts recorded at the region itself) with its figures."""

    code: str  # significant digits
    name: str
    level: int | None
    units: int = 0
    units_open: int = 0
    open: int = 0
    major: int = 0
    overdue: int = 0
    boundary: bool = False
    own: bool = False  # the region's own row: units registered at the region, not in a child


@dataclass
class MapData:
    ms: MapScope
    points: list[Point]
    children: list[Child]
    mode: str  # "children", "outline" or "none"
    boundaries: list[Boundary] = field(default_factory=list)

    @property
    def mapped(self) -> list[Point]:
        return [p for p in self.points if p.mapped]

    @property
    def unmapped(self) -> list[Point]:
        return [p for p in self.points if not p.mapped]

    def totals(self) -> dict[str, int]:
        return {
            "units": len(self.points),
            "units_open": sum(1 for p in self.points if p.open),
            "open": sum(p.open for p in self.points),
            "major": sum(p.major for p in self.points),
            "overdue": sum(p.overdue for p in self.points),
            "unmapped": sum(1 for p in self.points if not p.mapped),
        }


# --- the scope of a map -------------------------------------------------------------------------


def _date(raw: Any) -> dt.date:
    if not raw:
        return timezone.localdate()
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw).strip())
    except ValueError as exc:
        raise MapError(f"日期无效：“{raw}”，应为 YYYY-MM-DD") from exc


def map_scope(
    user: User,
    *,
    region: str | None = None,
    as_of: Any = None,
    sector: str | None = None,
    risk_class: str | None = None,
    only_open: bool = False,
) -> MapScope:
    """The map ``user`` asked for: PermissionDenied for a role without it, Http404 out of scope, MapError bad input."""
    if not user.is_authenticated or user.role not in MAP_READERS:
        raise PermissionDenied("无权查看隐患风险分布图")
    own = region_prefix(user)
    wanted = (region or "").strip() or (user.org.region_code if own is not None and user.org else "")
    if not wanted:
        raise MapError("请指定区划代码")
    code = normalise_code(wanted)
    if not code or len(wanted) not in (2, 4, 6, 9, 12):
        raise MapError(f"区划代码无效：“{wanted}”，应为2、4、6、9或12位数字")
    division = Division.objects.filter(code=code).first()
    # Outside the jurisdiction and unknown look the same: a 404 that confirms nothing.
    if division is None or (own is not None and not division.prefix.startswith(own)):
        raise Http404("未找到该区划")
    day = _date(as_of)
    risk = (risk_class or "").strip()
    if risk and risk not in RiskClass.values and risk != NO_CLASS:
        raise MapError(f"分级分类无效：“{risk}”，应为 A、B、C、D 或 {NO_CLASS}（未分级）")
    try:
        scope = build_scope(region=division.prefix, date_from=day, date_to=day, as_of=day, sector=sector or None)
    except ScopeError as exc:
        raise MapError(str(exc)) from exc
    return MapScope(division, scope, MapFilters(sector=sector or "", risk_class=risk, only_open=only_open))


# --- points ---------------------------------------------------------------------------------------


def _through(path: str, q: Q) -> Q:
    """``q`` (a condition on hazards) as a condition on units through ``path`` (``hazards``)."""
    children: list[Any] = []
    for child in q.children:
        if isinstance(child, Q):
            children.append(_through(path, child))
        else:
            lookup, value = child  # type: ignore[misc]
            children.append((f"{path}__{lookup}", value))
    return Q(*children, _connector=q.connector, _negated=q.negated)


def open_q(s: Scope) -> Q:
    """hazards_open (indicators.md): the hazard lists' own rule, at the scope's as_of."""
    return hazard_open_q(s.as_of)


def overdue_q(s: Scope) -> Q:
    """hazards_overdue (indicators.md): the hazard lists' own rule, at the scope's as_of."""
    return overdue_at_q(s.as_of)


def _hazard_counts(s: Scope) -> dict[str, Any]:
    opened = _through("hazards", open_q(s))
    return {
        "n_open": Count("hazards", filter=opened),
        "n_major": Count("hazards", filter=opened & Q(hazards__level="major")),
        "n_overdue": Count("hazards", filter=_through("hazards", overdue_q(s))),
    }


def map_units(user: User, ms: MapScope) -> QuerySet[Unit]:
    """The units of the map, in the region and the user's scope, with the filters.

    Those in the registry at as_of (the catalogue's ``units``), and also a closed or deregistered unit
    that still has open hazards: the catalogue counts those hazards, so the map shows where they are.
    """
    from anjian.hazards.models import Hazard

    s = ms.scope
    registered = Q(pk__in=units_qs(s).values("pk"))
    still_open = Q(pk__in=Hazard.objects.filter(s.region_q("region_code") & open_q(s)).values("unit_id"))
    qs = scoped(user, units_named_qs(s).filter(registered | still_open))
    if ms.filters.risk_class == NO_CLASS:
        qs = qs.filter(risk_class="")
    elif ms.filters.risk_class:
        qs = qs.filter(risk_class=ms.filters.risk_class)
    return qs


def map_points(user: User, ms: MapScope) -> list[Point]:
    """Every unit of the map with its open, major-open and overdue hazard counts: one query."""
    # Any: the annotations come from a dict, which the type checker's model of the query cannot see.
    units: Any = map_units(user, ms)
    qs = (
        units.order_by()
        .annotate(**_hazard_counts(ms.scope))
        .values(
            "id", "name", "lng", "lat", "risk_class", "region_code", "status", "is_active",
            "n_open", "n_major", "n_overdue",
        )
        .order_by("region_code", "name_pinyin", "id")
    )
    if ms.filters.only_open:
        qs = qs.filter(n_open__gt=0)
    return [
        Point(
            id=r["id"], name=r["name"], lng=_float(r["lng"]), lat=_float(r["lat"]), risk_class=r["risk_class"],
            region_code=r["region_code"], open=r["n_open"], major=r["n_major"], overdue=r["n_overdue"],
            closed=r["status"] == UnitStatus.CLOSED or not r["is_active"],
        )
        for r in qs
    ]


def _float(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


# --- children (the choropleth) ----------------------------------------------------------------------


def child_digits(division: Division) -> int | None:
    """Significant digits of the division's children's codes (None for a village)."""
    return CHILD_DIGITS.get(PREFIX_LENGTH[Level(division.level)])


def map_children(user: User, ms: MapScope) -> list[Child]:
    """The child divisions with their open-hazard figures (one grouped query), then any facts at the region itself.

    The units counted are the map's (same scope and filters, "only with open hazards" aside: it
    does not change a child's open hazards).
    """
    digits = child_digits(ms.region)
    if digits is None:
        return []
    units: Any = map_units(user, ms)
    rows = (
        units.order_by()
        .annotate(k_child=Substr("region_code", 1, digits))
        .values("k_child")
        .annotate(
            n_units=Count("id", distinct=True),
            n_units_open=Count("id", distinct=True, filter=_through("hazards", open_q(ms.scope))),
            **_hazard_counts(ms.scope),
        )
    )
    figures = {r["k_child"]: r for r in rows}
    children = [
        Child(code=d.prefix, name=d.name, level=d.level)
        for d in Division.objects.filter(parent_id=ms.region.code).order_by("code")
    ]
    known = {c.code for c in children}
    # Units registered at the region itself (a county-level unit has no township): a row of their own.
    for key in sorted(set(figures) - known):
        children.append(Child(code=key, name=f"未落到{_level_name(digits)}", level=None, own=True))
    for child in children:
        r = figures.get(child.code)
        if r is not None:
            child.units, child.units_open = r["n_units"], r["n_units_open"]
            child.open, child.major, child.overdue = r["n_open"], r["n_major"], r["n_overdue"]
    return children


def _level_name(digits: int) -> str:
    return {4: "市", 6: "县（区）", 9: "乡镇（街道）", 12: "村（社区）"}[digits]


def child_level_name(division: Division) -> str:
    digits = child_digits(division)
    return _level_name(digits) if digits else ""


# --- boundaries -----------------------------------------------------------------------------------


def map_boundaries(region: Division) -> tuple[str, list[Boundary]]:
    """("children", the children's outlines) if any is loaded, else ("outline", [the region's]), else ("none", [])."""
    found = list(Boundary.objects.filter(Q(division__parent_id=region.code) | Q(division_id=region.code)))
    children = [b for b in found if b.division_id != region.code]
    if children:
        return "children", sorted(children, key=lambda b: b.division_id)
    own = [b for b in found if b.division_id == region.code]
    return ("outline", own) if own else ("none", [])


def map_data(user: User, ms: MapScope) -> MapData:
    """Everything the map page and its data.json show (four queries, however many units)."""
    mode, boundaries = map_boundaries(ms.region)
    children = map_children(user, ms)
    drawn = {_prefix(b) for b in boundaries} if mode == "children" else set()
    for child in children:
        child.boundary = child.code in drawn
    return MapData(ms, map_points(user, ms), children, mode, boundaries)


def _prefix(b: Boundary) -> str:
    """The boundary's division code, significant digits (without fetching the division)."""
    return b.division_id[: PREFIX_LENGTH[Level(b.level)]]


def geojson(data: MapData) -> dict[str, Any] | None:
    """The outlines as one FeatureCollection for ECharts' registerMap; features named as the data are."""
    if not data.boundaries:
        return None
    names = {c.code: c.name for c in data.children}
    labels = _unique_labels(data)
    features = []
    for b in data.boundaries:
        code = _prefix(b)
        features.append(
            {
                "type": "Feature",
                "properties": {"name": labels.get(code, names.get(code, b.name)), "code": code},
                "geometry": json.loads(b.geometry),
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _unique_labels(data: MapData) -> dict[str, str]:
    """Each child's name on the map; a name two children share gets its code (ECharts keys areas by name)."""
    counts: dict[str, int] = {}
    for c in data.children:
        counts[c.name] = counts.get(c.name, 0) + 1
    return {c.code: c.name if counts[c.name] == 1 else f"{c.name}（{c.code}）" for c in data.children}


def as_json(data: MapData, *, unit_url: str, child_url: dict[str, str]) -> dict[str, Any]:
    """The JSON of ``/stats/map/data.json``.

    ``unit_url`` is a unit's page with ``0`` for its id; ``child_url`` maps child codes to their links.
    """
    ms = data.ms
    labels = _unique_labels(data)
    return {
        "region": {"code": ms.region.prefix, "name": ms.region.name, "level": ms.region.level},
        "as_of": ms.as_of.isoformat(),
        "filters": {"sector": ms.filters.sector, "class": ms.filters.risk_class, "only_open": ms.filters.only_open},
        "mode": data.mode,
        "child_level": child_level_name(ms.region),
        "geojson": geojson(data),
        "unit_url": unit_url,
        "buckets": [{"key": k, "label": label, "color": color} for k, label, color in BUCKETS],
        "classes": [{"key": k, "label": label, "color": color} for k, label, color in CLASSES],
        "points": [
            {
                "id": p.id, "name": p.name, "lng": p.lng, "lat": p.lat, "class": p.risk_class,
                "open": p.open, "major": p.major, "overdue": p.overdue, "bucket": p.bucket, "closed": p.closed,
            }
            for p in data.mapped
        ],
        "unmapped": {
            "count": len(data.unmapped),
            "units": [{"id": p.id, "name": p.name, "open": p.open} for p in data.unmapped[:UNMAPPED_SHOWN]],
        },
        "children": [
            {
                "code": c.code, "name": labels.get(c.code, c.name), "units": c.units, "units_open": c.units_open,
                "open": c.open, "major": c.major, "overdue": c.overdue, "boundary": c.boundary,
                "url": child_url.get(c.code, ""),
            }
            for c in data.children
        ],
        "totals": data.totals(),
    }
