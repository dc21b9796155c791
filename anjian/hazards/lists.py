"""The three lists of the seeds (隐患清单, 措施清单, 责任清单) as .xlsx exports.

"隐患排查、签字认领、整改销号" runs on three lists a county office prints and signs: what the
hazards are, how each is being rectified, and who answers for each. Each list here is the
current filtered hazard list (the same filters as the list page, the ledger export and the
API, always inside the user's scope) laid out with a title row naming the region, a line
with the date and the filters, and Chinese column headers, ready to print.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import xlsxwriter
from django.db.models import Q
from django.utils import timezone

from anjian.hazards.filters import filters_from_params
from anjian.hazards.models import Hazard, Level, Source, Status
from anjian.hazards.selectors import HazardFilters, hazard_list
from anjian.regions.models import Division, Grid
from anjian.units.models import Assignment, AssignmentKind, Sector

if TYPE_CHECKING:
    from anjian.accounts.models import User

# Short names of the six contents of a 治理方案 (services.PLAN_FIELDS), for a one-cell summary.
PLAN_SHORT = {
    "goal": "目标任务",
    "measures": "方法措施",
    "funds": "经费物资",
    "people": "机构人员",
    "time_limit": "时限要求",
    "safety": "安全措施和应急预案",
}
# Rows fetched at a time: the 包联 lookup is one query per chunk.
CHUNK = 500


@dataclass
class Lookups:
    """What rows need beyond the hazard and its joins, fetched once per chunk of rows."""

    townships: dict[str, str]  # 9-digit township code → name
    cadres: dict[int, str]  # unit id → 包联干部 names
    today: dt.date


@dataclass(frozen=True)
class ListColumn:
    header: str
    width: int
    value: Callable[[Hazard, Lookups], Any]
    wrap: bool = False


@dataclass(frozen=True)
class HazardList:
    kind: str  # URL name: 'hazards', 'measures', 'duties'
    title: str
    columns: tuple[ListColumn, ...]


def _status(h: Hazard, lk: Lookups) -> str:
    label = Status(h.status).label
    return f"{label}（逾期）" if h.is_overdue(lk.today) else label


def _plan(h: Hazard, lk: Lookups) -> str:
    """The 治理方案 of a major hazard in one cell; general hazards need none (16号令 第十五条)."""
    if h.level != Level.MAJOR:
        return ""
    parts = [f"{label}：{h.plan[key]}" for key, label in PLAN_SHORT.items() if (h.plan or {}).get(key)]
    return "；".join(parts) if parts else "未制定"


def _org(obj: Any) -> str:
    return obj.name if obj is not None else ""


NUMBER = ListColumn("隐患编号", 22, lambda h, lk: h.number)
UNIT = ListColumn("单位名称", 28, lambda h, lk: h.unit.name, wrap=True)
DESCRIPTION = ListColumn("隐患描述", 40, lambda h, lk: h.description, wrap=True)
DEADLINE = ListColumn("整改期限", 12, lambda h, lk: h.deadline)

LISTS: dict[str, HazardList] = {
    item.kind: item
    for item in (
        HazardList(
            "hazards",
            "隐患清单",
            (
                NUMBER,
                UNIT,
                ListColumn("所属乡镇", 12, lambda h, lk: lk.townships.get(h.region_code[:9], "")),
                DESCRIPTION,
                ListColumn("隐患等级", 8, lambda h, lk: Level(h.level).label),
                ListColumn("隐患类别", 12, lambda h, lk: h.category),
                ListColumn("发现日期", 12, lambda h, lk: h.found_on),
                ListColumn("发现方式", 10, lambda h, lk: Source(h.source).label),
                ListColumn("状态", 12, _status),
            ),
        ),
        HazardList(
            "measures",
            "措施清单",
            (
                NUMBER,
                UNIT,
                DESCRIPTION,
                ListColumn("整改措施", 36, lambda h, lk: h.measures, wrap=True),
                ListColumn("整改资金(元)", 12, lambda h, lk: h.funds),
                ListColumn("治理方案", 40, _plan, wrap=True),
                DEADLINE,
                ListColumn("整改完成日期", 12, lambda h, lk: h.rectified_on),
            ),
        ),
        HazardList(
            "duties",
            "责任清单",
            (
                NUMBER,
                UNIT,
                ListColumn("整改责任人", 12, lambda h, lk: h.responsible_person),
                ListColumn("单位主要负责人", 12, lambda h, lk: h.unit.principal),
                ListColumn("联系电话", 14, lambda h, lk: h.unit.phone),
                ListColumn("监管部门", 18, lambda h, lk: _org(h.unit.department), wrap=True),
                ListColumn("验收单位", 18, lambda h, lk: _org(h.verifier_org), wrap=True),
                ListColumn("包联干部", 16, lambda h, lk: lk.cadres.get(h.unit_id, ""), wrap=True),
                DEADLINE,
                ListColumn("状态", 12, _status),
            ),
        ),
    )
}


def get_list(kind: str) -> HazardList:
    """The list called ``kind``; LookupError if there is none."""
    try:
        return LISTS[kind]
    except KeyError:
        raise LookupError(f"没有名为“{kind}”的清单（可用：{'、'.join(LISTS)}）") from None


# --- what the title says ------------------------------------------------------------------------


def region_name(user: User, filters: HazardFilters) -> str:
    """The area the list covers, for its title: the filter's township or region, else the user's."""
    code = filters.township or filters.region
    if code:
        division = Division.objects.filter(code=code.ljust(12, "0")).first()
        if division is not None:
            return division.name
    if user.unit_id is not None:
        return user.unit.name  # type: ignore[union-attr]
    if user.grid_id is not None:
        return user.grid.name  # type: ignore[union-attr]
    if user.org_id is not None:
        division = Division.objects.filter(code=user.org.region_code).first()  # type: ignore[union-attr]
        return division.name if division is not None else user.org.name  # type: ignore[union-attr]
    return "全部辖区"


def describe_filters(filters: HazardFilters) -> str:
    """The filters in Chinese, so that a printed list says what it is a list of."""
    parts: list[str] = []
    if filters.status in Status.values:
        parts.append(f"状态：{Status(filters.status).label}")
    if filters.level in Level.values:
        parts.append(f"等级：{Level(filters.level).label}")
    if filters.overdue is True:
        parts.append("仅逾期")
    elif filters.overdue is False:
        parts.append("未逾期")
    if filters.source in Source.values:
        parts.append(f"发现方式：{Source(filters.source).label}")
    if filters.sector:
        sector = Sector.objects.filter(code=filters.sector).first()
        parts.append(f"行业领域：{sector.name if sector else filters.sector}")
    if filters.grid:
        grid = Grid.objects.filter(pk=filters.grid).first()
        parts.append(f"网格：{grid.name if grid else filters.grid}")
    if filters.found_from or filters.found_to:
        parts.append(f"发现日期：{_day(filters.found_from)}至{_day(filters.found_to)}")
    if filters.deadline_from or filters.deadline_to:
        parts.append(f"整改期限：{_day(filters.deadline_from)}至{_day(filters.deadline_to)}")
    if filters.q:
        parts.append(f"关键词：{filters.q}")
    return "，".join(p for p in parts if p)


def _day(value: dt.date | None) -> str:
    return value.isoformat() if value is not None else "…"


# --- rows ---------------------------------------------------------------------------------------


def list_queryset(user: User, filters: HazardFilters) -> Any:
    return hazard_list(user, filters).select_related("unit__department", "verifier_org").order_by("found_on", "id")


def _chunks(hazards: Iterable[Hazard]) -> Iterator[list[Hazard]]:
    chunk: list[Hazard] = []
    for hazard in hazards:
        chunk.append(hazard)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _lookups(chunk: list[Hazard], today: dt.date) -> Lookups:
    # A unit registered at county level has no township (its code's digits 7–9 are 000).
    codes = {h.region_code[:9].ljust(12, "0") for h in chunk if h.region_code[6:9] != "000"}
    townships = {code[:9]: name for code, name in Division.objects.filter(code__in=codes).values_list("code", "name")}
    unit_ids = {h.unit_id for h in chunk}
    # 包联干部: the cadres assigned to the unit now (an ended assignment is history).
    current = Assignment.objects.filter(
        Q(until__isnull=True) | Q(until__gte=today),
        kind=AssignmentKind.UNIT,
        unit_id__in=unit_ids,
        since__lte=today,
    ).select_related("person")
    names: dict[int, list[str]] = {}
    for item in current.order_by("since", "id"):
        assert item.unit_id is not None
        person = item.person.display_name
        if person not in names.setdefault(item.unit_id, []):
            names[item.unit_id].append(person)
    return Lookups(townships=townships, cadres={k: "、".join(v) for k, v in names.items()}, today=today)


def list_rows(user: User, params: Mapping[str, Any], kind: str) -> Iterator[list[Any]]:
    """The cell values of every data row of list ``kind`` for ``user`` and the filters ``params``."""
    spec = get_list(kind)
    today = timezone.localdate()
    seq = 0
    for chunk in _chunks(list_queryset(user, filters_from_params(params)).iterator(chunk_size=CHUNK)):
        lookups = _lookups(chunk, today)
        for hazard in chunk:
            seq += 1
            yield [seq, *(column.value(hazard, lookups) for column in spec.columns)]


# --- the workbook -------------------------------------------------------------------------------


def write_list(kind: str, user: User, params: Mapping[str, Any], path: str | Path | IO[bytes]) -> int:
    """Write list ``kind`` as .xlsx at ``path`` (a name or an open binary file); returns the row count."""
    spec = get_list(kind)
    filters = filters_from_params(params)
    today = timezone.localdate()
    total = list_queryset(user, filters).count()
    headers = ["序号", *(c.header for c in spec.columns)]
    widths = [6, *(c.width for c in spec.columns)]
    wraps = [False, *(c.wrap for c in spec.columns)]
    last = len(headers) - 1

    target = path if hasattr(path, "write") else str(path)
    # Constant memory: rows stream to disk in order, so a county-wide list costs no more than a page.
    book = xlsxwriter.Workbook(target, {"constant_memory": True})
    title_fmt = book.add_format({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"})
    info_fmt = book.add_format({"align": "left", "valign": "vcenter"})
    header_fmt = book.add_format(
        {"bold": True, "bg_color": "#DDEBF7", "border": 1, "align": "center", "valign": "vcenter", "text_wrap": True}
    )
    cell_fmt = book.add_format({"border": 1, "valign": "top"})
    wrap_fmt = book.add_format({"border": 1, "valign": "top", "text_wrap": True})
    date_fmt = book.add_format({"border": 1, "valign": "top", "num_format": "yyyy-mm-dd"})
    money_fmt = book.add_format({"border": 1, "valign": "top", "num_format": "#,##0.00"})

    sheet = book.add_worksheet(spec.title)
    for index, width in enumerate(widths):
        sheet.set_column(index, index, width)
    sheet.set_row(0, 30)
    sheet.merge_range(0, 0, 0, last, f"{region_name(user, filters)}{spec.title}", title_fmt)
    info = f"制表日期：{today.isoformat()}　共 {total} 条"
    summary = describe_filters(filters)
    if summary:
        info += f"　筛选：{summary}"
    sheet.merge_range(1, 0, 1, last, info, info_fmt)
    for col, header in enumerate(headers):
        sheet.write_string(2, col, header, header_fmt)

    count = 0
    for count, values in enumerate(list_rows(user, params, kind), start=1):
        row = 2 + count
        for col, value in enumerate(values):
            if value is None or value == "":
                sheet.write_blank(row, col, None, cell_fmt)
            elif isinstance(value, dt.date):
                sheet.write_datetime(row, col, dt.datetime.combine(value, dt.time()), date_fmt)
            elif isinstance(value, Decimal):
                sheet.write_number(row, col, float(value), money_fmt)
            elif isinstance(value, int):
                sheet.write_number(row, col, value, cell_fmt)
            else:
                sheet.write_string(row, col, str(value), wrap_fmt if wraps[col] else cell_fmt)
    sheet.freeze_panes(3, 0)
    if count:
        sheet.autofilter(2, 0, 2 + count, last)
    # Printed on A4 landscape, one page wide, the header rows repeated on every page.
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0, 2)
    book.close()
    return count


def filename(kind: str) -> str:
    return f"{get_list(kind).title}_{timezone.localdate():%Y%m%d}.xlsx"
