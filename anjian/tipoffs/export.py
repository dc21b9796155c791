"""举报受理台账: the list as .xlsx (openpyxl write-only). The reporter is always （保密） here (DOMAIN.md §4)."""

from __future__ import annotations

import datetime as dt
import io

from anjian.regions.selectors import township_names
from anjian.tipoffs.models import Tipoff
from anjian.tipoffs.selectors import is_overdue, reporter_for

HEADERS = ["举报编号", "受理日期", "举报渠道", "举报类型", "被举报单位", "所在乡镇", "举报人", "联系电话", "实名举报",
           "受理机构", "办理状态", "办理期限（含延期）", "是否逾期", "核查结论", "办结日期", "重复于", "奖励状态",
           "奖励金额（元）"]


def tipoffs_xlsx(rows: list[Tipoff], today: dt.date) -> bytes:
    from openpyxl import Workbook

    towns = township_names([t.region_code for t in rows])
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("举报受理台账")
    ws.append(HEADERS)
    for t in rows:
        # reporter_for(None, …): an export is never entitled to the reporter, whoever downloads it.
        reporter = reporter_for(None, t)
        ws.append([
            t.number, t.received_on, t.get_channel_display(), t.get_kind_display(),
            t.unit.name if t.unit is not None else t.unit_text, towns.get(t.region_code[:9], ""),
            reporter.name, reporter.phone, "是" if t.real_name else "否", t.org.name, t.get_status_display(),
            t.due_on, "是" if is_overdue(t, today) else "否", t.get_outcome_display() if t.outcome else "",
            t.closed_on, t.duplicate_of.number if t.duplicate_of is not None else "", t.get_reward_status_display(),
            t.reward_amount,
        ])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
