"""公示名单: a draw's result as .xlsx (openpyxl write-only), with what is needed to re-run it."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from django.utils import timezone

from anjian.plans.selectors import ResultRow
from anjian.regions.selectors import township_names

if TYPE_CHECKING:
    from anjian.plans.models import Draw

HEADERS = ["序号", "单位名称", "统一社会信用代码", "所在乡镇", "检查人员（执法证号）"]


def inspectors_text(row: ResultRow) -> str:
    return "、".join(f"{p.name}（{p.cert_no or '无执法证号'}）" for p in row.inspectors)


def draw_xlsx(draw: Draw, rows: list[ResultRow]) -> bytes:
    from openpyxl import Workbook

    towns = township_names([r.unit.region_code for r in rows if r.unit is not None])
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("公示名单")
    drawn_at = timezone.localtime(draw.created_at).strftime("%Y-%m-%d %H:%M:%S")
    # One header row: what identifies the draw and what anyone needs to re-run it (the seed).
    ws.append([f"编号：{draw.number}", f"名称：{draw.title}", f"抽取单位：{draw.org.name}", f"抽取时间：{drawn_at}",
               f"随机种子：{draw.seed}", f"结果哈希：{draw.result_hash}"])
    ws.append(HEADERS)
    for r in rows:
        unit = r.unit
        ws.append([
            r.position,
            unit.name if unit is not None else "（单位已删除）",
            unit.credit_code if unit is not None else "",
            towns.get(unit.region_code[:9], "") if unit is not None else "",
            inspectors_text(r),
        ])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
