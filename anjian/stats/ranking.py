"""通报排名: townships or departments ranked by one indicator of the catalogue."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from anjian.stats import indicators as ind
from anjian.stats.grouped import NO_DEPARTMENT, NO_TOWNSHIP, Grouped, compute_by
from anjian.stats.scope import Scope, ScopeError

# Rows that are not a township or a department (records of the county itself, units without one).
NOT_RANKED = frozenset({NO_TOWNSHIP, NO_DEPARTMENT})


@dataclass(frozen=True)
class Ranked:
    rank: int | None  # None: the figure is undefined (a rate with denominator 0), listed last
    key: str
    name: str
    value: Any


def ranking(s: Scope, group: str, indicator: str, descending: bool = True,
            grouped: Grouped | None = None) -> list[Ranked]:
    """Rows ordered by ``indicator``; equal figures share a rank (1, 2, 2, 4); undefined ones last, unranked."""
    if indicator not in ind.BY_CODE:
        raise ScopeError(f"指标代码无效：{indicator}")
    grouped = grouped or compute_by(s, group, totals=False)
    rows = [r for r in grouped.rows if r.name not in NOT_RANKED]
    defined = [r for r in rows if r.values[indicator] is not None]
    undefined = [r for r in rows if r.values[indicator] is None]
    defined.sort(key=lambda r: r.key)
    defined.sort(key=lambda r: r.values[indicator], reverse=descending)
    ranks = competition_ranks([r.values[indicator] for r in defined])
    out = [Ranked(n, r.key, r.name, r.values[indicator]) for n, r in zip(ranks, defined, strict=True)]
    out += [Ranked(None, r.key, r.name, None) for r in sorted(undefined, key=lambda r: r.key)]
    return out


def competition_ranks(values: list[Any]) -> list[int]:
    """Ranks of values already sorted best first; equal values share a rank (1, 2, 2, 4), as notices rank.

    Used for one indicator here and for the monthly assessments' total scores (campaigns.selectors).
    """
    ranks: list[int] = []
    for n, value in enumerate(values, start=1):
        ranks.append(ranks[-1] if ranks and values[n - 2] == value else n)
    return ranks


def ranking_xlsx(s: Scope, group: str, indicator: str, rows: list[Ranked]) -> bytes:
    """The ranking as a workbook for a notice (通报排名): 名次, name, figure."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from anjian.stats.grouped import GROUPS
    from anjian.stats.progress import period_label, region_name
    from anjian.stats.render import DASH

    i = ind.BY_CODE[indicator]
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "排名"
    ws.append([f"{region_name(s)}{period_label(s.date_from, s.date_to)}{GROUPS[group]}{i.name}排名"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=3)
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(["名次", GROUPS[group], f"{i.name}（{i.unit}）"])
    for r in rows:
        value = DASH if r.value is None else (float(r.value) if i.kind == ind.MONEY_KIND else r.value)
        ws.append([DASH if r.rank is None else r.rank, r.name, value])
        if i.kind == ind.RATE and r.value is not None:
            ws.cell(row=ws.max_row, column=3).number_format = "0.00%"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
