"""进展情况统计表: townships (or departments) × indicators, with a 合计 row, as .xlsx or text."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

from anjian.stats import indicators as ind
from anjian.stats.grouped import GROUPS, Grouped, compute_by
from anjian.stats.render import DASH, _width, value_text
from anjian.stats.scope import Scope, ScopeError

TOTAL = "合计"
TITLE = "{region}{period}安全生产工作进展情况统计表"

# The columns when none are asked for: the figures a monthly progress table usually carries.
DEFAULT_INDICATORS: tuple[str, ...] = (
    "units", "inspections", "units_inspected", "hazards_found", "hazards_rectified", "rectification_rate",
    "hazards_major_found", "hazards_major_rectified", "hazards_overdue", "cases_filed", "penalty_cases",
    "fines_yuan",
)


def check_indicators(codes: list[str] | None) -> list[str]:
    codes = list(codes or DEFAULT_INDICATORS)
    unknown = [c for c in codes if c not in ind.BY_CODE]
    if unknown:
        raise ScopeError(f"指标代码无效：{'，'.join(unknown)}")
    return codes


def region_name(s: Scope) -> str:
    from anjian.regions.models import Division

    division = Division.objects.filter(code=s.prefix.ljust(12, "0")).first()
    return division.name if division else s.region


def period_label(start: dt.date, end: dt.date) -> str:
    """2024-01-01 … 2024-06-30 → "2024年1月1日至6月30日"; another year in full."""
    tail = f"{end.month}月{end.day}日" if end.year == start.year else f"{end.year}年{end.month}月{end.day}日"
    return f"{start.year}年{start.month}月{start.day}日至{tail}"


def title(s: Scope) -> str:
    return TITLE.format(region=region_name(s), period=period_label(s.date_from, s.date_to))


def header(codes: list[str], group: str) -> list[str]:
    return [GROUPS[group]] + [f"{ind.BY_CODE[c].name}（{ind.BY_CODE[c].unit}）" for c in codes]


def _rows(grouped: Grouped) -> list[tuple[str, dict[str, Any]]]:
    return [(r.name, r.values) for r in grouped.rows] + [(TOTAL, grouped.total)]


def progress_table_xlsx(s: Scope, group: str, indicators: list[str] | None = None,
                        grouped: Grouped | None = None) -> bytes:
    """The progress table as an .xlsx workbook (numbers as numbers, rates as percentages)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    codes = check_indicators(indicators)
    grouped = grouped or compute_by(s, group)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "进展情况统计表"
    width = len(codes) + 1
    ws.append([title(s)])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws["A1"].font = Font(name="方正小标宋简体", size=16)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.append(header(codes, group))
    thin = Side(style="thin")
    for name, values in _rows(grouped):
        line: list[Any] = [name]
        for c in codes:
            v = values[c]
            line.append(float(v) if isinstance(v, Decimal) else (DASH if v is None else v))
        ws.append(line)
    for row in ws.iter_rows(min_row=2, max_row=ws.max_row, max_col=width):
        for cell in row:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=cell.row == 2)
            if cell.row == 2 or (cell.row == ws.max_row):
                cell.font = Font(bold=True)
            if cell.row > 2 and cell.column > 1:
                kind = ind.BY_CODE[codes[cell.column - 2]].kind
                if kind == ind.RATE and cell.value != DASH:
                    cell.number_format = "0.00%"
                elif kind == ind.MONEY_KIND:
                    cell.number_format = "#,##0.00"
    ws.column_dimensions["A"].width = 20
    for col in range(2, width + 1):
        ws.column_dimensions[get_column_letter(col)].width = 14
    ws.freeze_panes = "B3"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def progress_table_text(s: Scope, group: str, indicators: list[str] | None = None,
                        grouped: Grouped | None = None) -> str:
    """The progress table as readable text (for the command line)."""
    codes = check_indicators(indicators)
    grouped = grouped or compute_by(s, group)
    rows = [header(codes, group)]
    rows += [[name] + [value_text(c, values[c]) for c in codes] for name, values in _rows(grouped)]
    widths = [max(_width(r[c]) for r in rows) for c in range(len(rows[0]))]
    lines = [title(s)]
    for r in rows:
        cells = [cell + " " * (widths[c] - _width(cell)) if c == 0 else " " * (widths[c] - _width(cell)) + cell
                 for c, cell in enumerate(r)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)
