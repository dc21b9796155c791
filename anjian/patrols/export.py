"""The coverage table as .xlsx (openpyxl): the rows of the page, the totals row, rates as percentages."""

from __future__ import annotations

import io
from typing import Any

from anjian.patrols.selectors import GROUPS, Coverage, CoverageRow
from anjian.stats.progress import period_label
from anjian.stats.render import DASH

HEADERS = ["在册单位（家）", "已巡查单位（家）", "未巡查单位（家）", "覆盖率", "巡查次数（次）"]


def title(cov: Coverage) -> str:
    return f"网格巡查覆盖情况（{period_label(cov.date_from, cov.date_to)}）"


def header(cov: Coverage) -> list[str]:
    return [GROUPS[cov.by], *(["所属乡镇"] if cov.by == "grid" else []), *HEADERS]


def line(cov: Coverage, r: CoverageRow) -> list[Any]:
    rate = r.rate
    return [r.name, *([r.township] if cov.by == "grid" else []), r.units, r.visited, r.not_visited,
            DASH if rate is None else float(rate), r.visits]


def coverage_xlsx(cov: Coverage) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "巡查覆盖率"
    ws.append([title(cov)])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(header(cov))
    for r in [*cov.rows, cov.total]:
        ws.append(line(cov, r))
    rate_col = len(header(cov)) - 1  # 1-based column of 覆盖率
    for row in ws.iter_rows(min_row=3, min_col=rate_col, max_col=rate_col):
        for cell in row:
            if cell.value != DASH:
                cell.number_format = "0.00%"
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    ws.column_dimensions["A"].width = 20
    ws.freeze_panes = "B3"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
