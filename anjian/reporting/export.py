"""The summary as .xlsx (openpyxl): one row per subordinate, 未上报 where none came, the 合计 row."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from anjian.reporting.selectors import Summary
from anjian.stats import indicators as ind
from anjian.stats.progress import period_label
from anjian.stats.render import DASH

MISSING = "未上报"


def title(upper_name: str, s: Summary) -> str:
    return f"{upper_name}下级上报汇总表（{period_label(s.date_from, s.date_to)}）"


def total_label(s: Summary) -> str:
    return f"合计（已上报 {s.reported} 个，未上报 {s.missing} 个）"


def header(codes: list[str]) -> list[str]:
    names = [f"{ind.BY_CODE[c].name}（{ind.BY_CODE[c].unit}）" for c in codes]
    return ["下级", "区划代码", *names, "判定日期", "接收时间"]


def cell(code: str, value: Any) -> Any:
    """A number as a number (money in yuan, a rate as a fraction shown as a percentage), undefined "—"."""
    kind = ind.BY_CODE[code].kind
    if value is None:
        return DASH
    if kind == ind.MONEY_KIND:
        return float(Decimal(str(value)))
    return value


def summary_xlsx(s: Summary, codes: list[str], heading: str) -> bytes:
    from django.utils import timezone
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "下级上报汇总"
    ws.append([heading])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(header(codes))
    for r in s.rows:
        line: list[Any] = [r.subordinate.name, r.subordinate.code]
        if r.submission is None:
            line += [MISSING] + [None] * (len(codes) + 1)
        else:
            sub = r.submission
            line += [cell(c, sub.indicators[c]) for c in codes]
            line += [sub.as_of.isoformat(), timezone.localtime(sub.received_at).strftime("%Y-%m-%d %H:%M")]
        ws.append(line)
        if r.submission is None:
            # One merged cell across the indicators (and the dates): the row has no figures at all.
            ws.merge_cells(start_row=ws.max_row, start_column=3, end_row=ws.max_row, end_column=4 + len(codes))
    ws.append([total_label(s), ""] + [cell(c, s.total[c]) for c in codes] + ["", ""])
    for row in ws.iter_rows(min_row=3, min_col=3, max_col=2 + len(codes)):
        for c in row:
            kind = ind.BY_CODE[codes[c.column - 3]].kind
            if kind == ind.RATE and isinstance(c.value, float | int):
                c.number_format = "0.00%"
            elif kind == ind.MONEY_KIND and isinstance(c.value, float):
                c.number_format = "#,##0.00"
    for c in ws[ws.max_row]:
        c.font = Font(bold=True)
    ws.column_dimensions["A"].width = 24
    ws.freeze_panes = "C3"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
