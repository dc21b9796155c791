"""What the statistics pages show: the dashboard's cards and charts, built from the catalogue once.

Every number comes from ``compute``/``with_yoy`` (the cards) or ``compute_by`` (the charts): one
query per fact table per grouping, however many townships, months or indicators are shown. A chart
is a plain :class:`Chart` (categories × series); the ECharts option and the CSV/.xlsx download are
both made from it, so what is downloaded is what is drawn.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from anjian.stats import cube, cube_charts
from anjian.stats import indicators as ind
from anjian.stats.compute import Values, with_yoy
from anjian.stats.grouped import (
    INDUSTRY,
    MONTH,
    NO_INDUSTRY,
    NO_TOWNSHIP,
    TOWNSHIP,
    Grouped,
    Row,
    compute_by,
    finish,
    months,
    table_by,
)  # fmt: skip
from anjian.stats.links import Links
from anjian.stats.render import DASH, change, value_text
from anjian.stats.scope import Scope

PROVINCE_DIGITS = 2
CITY = "city"  # the province's region chart: by city

# The headline cards, in order: the figures a leader asks for first.
CARDS: tuple[str, ...] = (
    "hazards_found", "rectification_rate", "hazards_overdue", "hazards_open", "hazards_major_found",
    "inspections", "units_inspected", "penalty_cases", "fines_yuan", "accidents", "deaths", "units",
)
# Figures where a rise is bad news (the year-on-year arrow is coloured accordingly).
WORSE_WHEN_UP = frozenset({"hazards_overdue", "hazards_open", "accidents", "deaths", "injuries", "direct_loss_yuan",
                           "road_accidents", "road_deaths", "fires", "fire_deaths"})


@dataclass(frozen=True)
class Card:
    code: str
    name: str
    value: str
    unit: str
    yoy: str
    trend: str  # "good", "bad" or "" — for the colour of the 同比 line
    url: str | None


@dataclass
class Series:
    name: str
    values: list[Any]
    links: list[str | None] = field(default_factory=list)
    kind: str = "bar"  # bar, line


@dataclass
class Chart:
    key: str
    title: str
    dimension: str  # the header of the category column in downloads
    categories: list[str]
    series: list[Series]
    kind: str = "bar"  # bar, hbar, pie, funnel

    @property
    def empty(self) -> bool:
        return not any(v for s in self.series for v in s.values if v is not None)


class Dashboard:
    """The figures of one scope, computed on first use (the chart download computes only what it needs)."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.links = Links(scope)

    @cached_property
    def current(self) -> tuple[Values, dict[str, float | None]]:
        return with_yoy(self.scope)

    @property
    def totals(self) -> Values:
        return self.current[0]

    @cached_property
    def from_days(self) -> bool:
        """A city or the province: the charts' figures come from the day rows (cube.py), as exact."""
        return cube.applies(self.scope)

    @cached_property
    def by_month(self) -> Grouped:
        if self.from_days:
            # The trend chart's figures from the day rows; the accidents chart's (not kept per day:
            # 9,000 rows in a province) from the facts, as compute_by counts them.
            trend = cube_charts.trend(self.scope)
            for key, values in table_by(self.scope, ind.ACCIDENTS, MONTH).items():
                trend.setdefault(key, {}).update(values)
            span = months(self.scope.date_from, self.scope.date_to)
            return Grouped(self.scope, MONTH, [Row(k, name, finish(trend.get(k, {}))) for k, name in span], {})
        return compute_by(self.scope, MONTH, totals=False)

    @cached_property
    def by_township(self) -> Grouped:
        """The townships of a county; of a province, its cities (2,000 townships are not a chart)."""
        if self.from_days and len(self.scope.prefix) == PROVINCE_DIGITS:
            from anjian.regions.models import Division, Level

            figures = cube_charts.by_city(self.scope)
            cities = Division.objects.filter(code__startswith=self.scope.prefix, level=Level.CITY).order_by("code")
            names = {c.code[:4]: c.name for c in cities}
            keys = list(names) + sorted(set(figures) - set(names))
            rows = [Row(k, names.get(k, k), finish(figures.get(k, {}))) for k in keys]
            return Grouped(self.scope, CITY, rows, {})
        return compute_by(self.scope, TOWNSHIP, totals=False)

    @cached_property
    def by_industry(self) -> Grouped:
        if self.from_days and len(self.scope.prefix) == PROVINCE_DIGITS:
            from anjian.units.models import Sector

            figures = cube_charts.by_sector(self.scope)
            ids = [int(k) for k in figures if k != "0"]
            names = {str(pk): name for pk, name in Sector.objects.filter(pk__in=ids).values_list("pk", "name")}
            rows = [Row(k, NO_INDUSTRY if k == "0" else names.get(k, k), finish(v)) for k, v in sorted(figures.items())]
            return Grouped(self.scope, INDUSTRY, rows, {})
        return compute_by(self.scope, INDUSTRY, totals=False)

    def cards(self) -> list[Card]:
        values, yoys = self.current
        out = []
        for code in CARDS:
            i = ind.BY_CODE[code]
            y = yoys.get(code)
            trend = "" if not y else ("bad" if (y > 0) == (code in WORSE_WHEN_UP) else "good")
            unit = "万元" if i.kind == ind.MONEY_KIND else ("" if i.kind == ind.RATE else i.unit)
            shown = value_text(code, values[code], text=True)
            if i.kind == ind.MONEY_KIND:
                shown = shown.removesuffix("万元")
            out.append(Card(code, i.name, shown, unit, change(y) or "同比 —", trend, self.links.url(code)))
        return out

    def chart(self, key: str) -> Chart:
        return CHARTS[key][1](self)

    def charts(self) -> list[Chart]:
        return [self.chart(key) for key in CHARTS]


def _num(value: Any) -> Any:
    """JSON-friendly: money as a float of yuan, undefined as None."""
    if isinstance(value, Decimal):
        return float(value)
    return value


def _series(d: Dashboard, grouped: Grouped, code: str, narrow: str, kind: str = "bar",
            rows: list[Any] | None = None) -> Series:
    rows = grouped.rows if rows is None else rows
    links = [d.links.url(code, **{narrow: r.key}) for r in rows]  # type: ignore[arg-type]
    return Series(ind.BY_CODE[code].name, [_num(r.values[code]) for r in rows], links, kind)


def _trend(d: Dashboard) -> Chart:
    g = d.by_month
    return Chart("trend", "隐患排查与检查趋势（按月）", "月份", [r.name for r in g.rows], [
        _series(d, g, "hazards_found", "month"),
        _series(d, g, "hazards_rectified", "month"),
        _series(d, g, "inspections", "month", "line"),
    ])


def _townships(d: Dashboard) -> Chart:
    rows = [r for r in d.by_township.rows if r.name != NO_TOWNSHIP]
    g = d.by_township
    what = "市（州）" if g.group == CITY else "乡镇（街道）"
    return Chart("townships", f"各{what}隐患情况", what, [r.name for r in rows], [
        _series(d, g, code, "region", rows=rows) for code in ("hazards_found", "hazards_rectified", "hazards_overdue")
    ])


def _sectors(d: Dashboard) -> Chart:
    g = d.by_industry
    rows = sorted(g.rows, key=lambda r: (-r.values["hazards_found"], r.key))
    return Chart("sectors", "各行业领域隐患与检查情况", "行业领域", [r.name for r in rows], [
        _series(d, g, code, "sector", rows=rows) for code in ("hazards_found", "hazards_rectified", "inspections")
    ], "hbar")


def _funnel(d: Dashboard) -> Chart:
    codes = ("hazards_found", "hazards_rectified", "hazards_open", "hazards_overdue")
    v = d.totals
    return Chart("funnel", "隐患闭环（发现 → 整改）", "环节", [ind.BY_CODE[c].name for c in codes], [
        Series("隐患数", [v[c] for c in codes], [d.links.url(c) for c in codes]),
    ], "funnel")


ENFORCEMENT_MIX = ("orders_rectify_units", "cases_filed", "penalty_cases", "suspended_units", "closed_units",
                   "licenses_suspended", "licenses_revoked", "cases_transferred", "criminal_transfers")


def _enforcement(d: Dashboard) -> Chart:
    v = d.totals
    return Chart("enforcement", "执法措施构成", "措施", [ind.BY_CODE[c].name for c in ENFORCEMENT_MIX], [
        Series("数量", [v[c] for c in ENFORCEMENT_MIX], [d.links.url(c) for c in ENFORCEMENT_MIX]),
    ], "pie")


def _accidents(d: Dashboard) -> Chart:
    g = d.by_month
    return Chart("accidents", "事故起数与死亡人数（按月）", "月份", [r.name for r in g.rows], [
        _series(d, g, "accidents", "month"),
        _series(d, g, "road_accidents", "month"),
        _series(d, g, "fires", "month"),
        _series(d, g, "deaths", "month", "line"),
    ])


CHARTS: dict[str, tuple[str, Callable[[Dashboard], Chart]]] = {
    "trend": ("隐患排查与检查趋势", _trend),
    "townships": ("各乡镇（街道）", _townships),
    "sectors": ("各行业领域", _sectors),
    "funnel": ("隐患闭环", _funnel),
    "enforcement": ("执法措施构成", _enforcement),
    "accidents": ("事故", _accidents),
}


# --- ECharts options (built here, drawn by static/stats/dashboard.js) ------------------------------


def echarts_option(chart: Chart) -> dict[str, Any]:
    """The ECharts option of a chart; tooltips as plain text (the CSP forbids inline styles)."""
    base: dict[str, Any] = {
        "tooltip": {"renderMode": "richText", "trigger": "item" if chart.kind in ("pie", "funnel") else "axis"},
        "legend": {"type": "scroll", "bottom": 0},
        "grid": {"left": 8, "right": 16, "top": 24, "bottom": 40, "containLabel": True},
    }
    if chart.kind in ("pie", "funnel"):
        s = chart.series[0]
        data = [{"name": n, "value": v} for n, v in zip(chart.categories, s.values, strict=True)]
        if chart.kind == "pie":
            shown = [x for x in data if x["value"]]
            serie: dict[str, Any] = {"type": "pie", "name": s.name, "radius": ["35%", "65%"], "data": shown,
                                     "label": {"formatter": "{b}：{c}"}}
        else:
            # Labels beside the funnel: the small stages (overdue) are too narrow to hold their text.
            serie = {"type": "funnel", "name": s.name, "sort": "none", "left": "4%", "width": "58%", "minSize": "12%",
                     "data": data, "label": {"show": True, "position": "right", "formatter": "{b}：{c}"},
                     "labelLine": {"show": True}}
        return {**base, "series": [serie]}
    horizontal = chart.kind == "hbar"
    category: dict[str, Any] = {"type": "category", "data": chart.categories,
                                "axisLabel": {"interval": 0, "hideOverlap": True}}
    value: dict[str, Any] = {"type": "value", "minInterval": 1}
    return {
        **base,
        "xAxis": value if horizontal else category,
        "yAxis": {**category, "inverse": True} if horizontal else value,
        "series": [{"type": s.kind, "name": s.name, "data": s.values} for s in chart.series],
    }


def chart_payload(chart: Chart) -> dict[str, Any]:
    """What the page hands to the script: the option, and per series the URL behind each point."""
    links: list[list[str | None]] = []
    for s in chart.series:
        if chart.kind == "pie":
            links.append([u for u, v in zip(s.links or [None] * len(s.values), s.values, strict=True) if v])
        else:
            links.append(s.links or [None] * len(s.values))
    return {"option": echarts_option(chart), "links": links}


# --- downloads ---------------------------------------------------------------------------------


def chart_rows(chart: Chart) -> list[list[Any]]:
    header: list[Any] = [chart.dimension] + [s.name for s in chart.series]
    rows = [header]
    for n, category in enumerate(chart.categories):
        rows.append([category] + [s.values[n] for s in chart.series])
    return rows


def chart_csv(chart: Chart) -> bytes:
    """UTF-8 with a BOM, so that Excel/WPS open the Chinese headers right."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in chart_rows(chart):
        writer.writerow([DASH if v is None else v for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def chart_xlsx(chart: Chart, title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = chart.key
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=13)
    for row in chart_rows(chart):
        ws.append([DASH if v is None else v for v in row])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    ws.column_dimensions["A"].width = 22
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
