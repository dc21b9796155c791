"""公示名单: a draw's result as .xlsx (openpyxl write-only), with what is needed to re-run it; and an annual
plan with its capacity and progress."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from django.utils import timezone

from anjian.plans.capacity import CapacityError, plan_capacity, progress_status
from anjian.plans.selectors import PlanTotals, ResultRow
from anjian.regions.selectors import township_names

if TYPE_CHECKING:
    from anjian.plans.models import AnnualPlan, Draw, PlanItem

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


# --- 年度监督检查计划 ----------------------------------------------------------------------------

ANNUAL_HEADERS = ["序号", "单位名称", "统一社会信用代码", "所在乡镇", "行业领域", "分级分类", "重点监管",
                  "计划检查次数", "计划季度", "已检查次数", "执行情况", "年度上限", "超过上限", "备注"]


def annual_xlsx(plan: AnnualPlan, items: list[PlanItem], totals: PlanTotals) -> bytes:
    """The plan with its capacity and each unit's progress (items annotated by ``selectors.plan_items``)."""
    from openpyxl import Workbook

    from anjian.stats.render import percent

    towns = township_names([i.unit.region_code for i in items])
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("年度监督检查计划")
    approved = timezone.localtime(plan.approved_at).strftime("%Y-%m-%d") if plan.approved_at else ""
    ws.append([f"编号：{plan.number}", f"名称：{plan.title}", f"年度：{plan.year}", f"编制单位：{plan.org.name}",
               f"状态：{plan.get_status_display()}", f"批准日期：{approved}" if approved else "批准日期：未批准"])
    try:
        cap = plan_capacity(plan, totals.planned)
    except CapacityError as exc:
        ws.append(["工作日测算", str(exc)])
    else:
        ws.append(["执法人员数", plan.officers, "国家法定工作日", plan.legal_workdays, "总法定工作日", cap.total_days])
        ws.append(["其他执法工作日", plan.other_enforcement_days, "非执法工作日", plan.non_enforcement_days,
                   "监督检查工作日", cap.inspection_days])
        ws.append([f"重点检查工作日（{plan.key_share}%）", cap.key_days, "重点检查能力（家次）", cap.key_capacity,
                   "每家次所需工作日", plan.days_per_inspection])
        ws.append(["一般检查工作日", cap.general_days, "一般检查能力（家次）", cap.general_capacity,
                   "已安排工作日", cap.scheduled_days])
    ws.append(["列入单位（家）", totals.units, "计划检查（家次）", totals.planned, "已完成（家次）", totals.done,
               "完成率", percent(totals.rate, text=False), "超过上限（家）", totals.over_limit])
    ws.append(ANNUAL_HEADERS)
    for n, item in enumerate(items, start=1):
        unit = item.unit
        actual: int = item.actual  # type: ignore[attr-defined]
        limit: int = item.limit  # type: ignore[attr-defined]
        ws.append([
            n, unit.name, unit.credit_code, towns.get(unit.region_code[:9], ""), unit.sector.name,
            unit.risk_class or "未分级", "是" if unit.key_supervision else "否", item.times,
            f"第{item.quarter}季度" if item.quarter else "", actual, progress_status(actual, item.times), limit,
            "是" if actual > limit else "否", item.note,
        ])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
