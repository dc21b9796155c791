"""隐患清单, 措施清单, 责任清单: .xlsx exports of the filtered hazards, read back with openpyxl."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.test import RequestFactory
from openpyxl import load_workbook

from anjian.core.models import AuditEntry
from anjian.hazards import list_views
from anjian.hazards.lists import LISTS, write_list
from anjian.hazards.models import Hazard
from anjian.units.models import Assignment, AssignmentKind, Unit
from tests.hazards.test_ledger import HISTORY, do_import, xlsx

TODAY = dt.date(2025, 3, 20)
PLAN = {
    "goal": "消除超量储存",
    "measures": "清退超量药物",
    "funds": "2万元",
    "people": "企业安全科",
    "time_limit": "7日",
    "safety": "停止生产",
}


@pytest.fixture(autouse=True)
def today():
    # The lists print today's date and mark overdue hazards: fix both.
    with time_machine.travel(dt.datetime(2025, 3, 20, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False):
        yield TODAY


@pytest.fixture
def hazards(county: Any, tmp_path: Path) -> dict[str, Hazard]:
    """The four hazards of the ledger history, with what the responsibility list shows."""
    report = do_import(xlsx(tmp_path, HISTORY), county.users["county_admin"])
    assert report.ok, report.errors
    Unit.objects.filter(pk=county.units["chem_a"].pk).update(principal="王五", phone="0730-6221234")
    Unit.objects.filter(pk=county.units["fire_b"].pk).update(principal="赵六", phone="13800000000")
    chem = county.units["chem_a"]
    Assignment.objects.create(
        kind=AssignmentKind.UNIT,
        person=county.users["department"],
        unit=chem,
        region_code=chem.region_code,
        since=dt.date(2025, 1, 1),
    )
    Assignment.objects.create(  # ended: history, not shown
        kind=AssignmentKind.UNIT,
        person=county.users["zhujian"],
        unit=chem,
        region_code=chem.region_code,
        since=dt.date(2024, 1, 1),
        until=dt.date(2024, 12, 31),
    )
    Hazard.objects.filter(description="药物存放超量").update(plan=PLAN)
    return {h.description: h for h in Hazard.objects.all()}


def read(kind: str, user: Any, params: dict[str, str] | None = None) -> list[list[Any]]:
    buffer = io.BytesIO()
    write_list(kind, user, params or {}, buffer)
    buffer.seek(0)
    book = load_workbook(buffer)
    assert book.sheetnames == [LISTS[kind].title]
    sheet = book.active
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def day(y: int, m: int, d: int) -> dt.datetime:
    return dt.datetime(y, m, d)


def test_hazard_list(county, hazards):
    rows = read("hazards", county.users["county_admin"])

    header = [
        "序号",
        "隐患编号",
        "单位名称",
        "所属乡镇",
        "隐患描述",
        "隐患等级",
        "隐患类别",
        "发现日期",
        "发现方式",
        "状态",
    ]
    blank = [None] * (len(header) - 1)
    assert rows == [
        ["平江县隐患清单", *blank],
        ["制表日期：2025-03-20　共 4 条", *blank],
        header,
        [1, "YH4306262025000001", "平江县汇丰化工有限公司", "安定镇", "仓库消防通道堆放杂物", "一般", "消防安全",
         day(2025, 3, 1), "检查", "待认领（逾期）"],
        [2, "YH4306262025000002", "平江县汇丰化工有限公司", "安定镇", "配电箱未接地", "一般", "用电安全",
         day(2025, 3, 1), "检查", "整改中（逾期）"],
        [3, "YH4306262025000003", "平江县汇丰化工有限公司", "安定镇", "灭火器过期未更换", "一般", "消防安全",
         day(2025, 3, 1), "检查", "待验收（逾期）"],
        [4, "YH4306262025000004", "三市镇花炮批发部", "三市镇", "药物存放超量", "重大", "消防安全",
         day(2025, 3, 1), "群众举报", "已销号"],
    ]  # fmt: skip


def test_measure_list(county, hazards):
    rows = read("measures", county.users["county_admin"], {"region": "430626"})

    header = [
        "序号",
        "隐患编号",
        "单位名称",
        "隐患描述",
        "整改措施",
        "整改资金(元)",
        "治理方案",
        "整改期限",
        "整改完成日期",
    ]
    assert rows[:3] == [
        ["平江县措施清单", *[None] * 8],
        ["制表日期：2025-03-20　共 4 条", *[None] * 8],
        header,
    ]
    plan = (
        "目标任务：消除超量储存；方法措施：清退超量药物；经费物资：2万元；"
        "机构人员：企业安全科；时限要求：7日；安全措施和应急预案：停止生产"
    )
    assert rows[3:] == [
        [1, "YH4306262025000001", "平江县汇丰化工有限公司", "仓库消防通道堆放杂物", "清理杂物", 1200.5, None,
         day(2025, 3, 15), None],
        [2, "YH4306262025000002", "平江县汇丰化工有限公司", "配电箱未接地", "清理杂物", 1200.5, None,
         day(2025, 3, 15), None],
        [3, "YH4306262025000003", "平江县汇丰化工有限公司", "灭火器过期未更换", "清理杂物", 1200.5, None,
         day(2025, 3, 15), day(2025, 3, 10)],
        [4, "YH4306262025000004", "三市镇花炮批发部", "药物存放超量", "清理杂物", 1200.5, plan,
         day(2025, 3, 5), day(2025, 3, 5)],
    ]  # fmt: skip


def test_a_major_hazard_without_a_plan_says_so(county, hazards):
    Hazard.objects.filter(description="药物存放超量").update(plan={})
    rows = read("measures", county.users["county_admin"], {"level": "major"})
    assert rows[1][0] == "制表日期：2025-03-20　共 1 条　筛选：等级：重大"
    assert rows[3][6] == "未制定"


def test_responsibility_list(county, hazards):
    rows = read("duties", county.users["county_admin"], {"status": "closed"})

    assert rows == [
        ["平江县责任清单", *[None] * 10],
        ["制表日期：2025-03-20　共 1 条　筛选：状态：已销号", *[None] * 10],
        ["序号", "隐患编号", "单位名称", "整改责任人", "单位主要负责人", "联系电话", "监管部门", "验收单位", "包联干部",
         "整改期限", "状态"],
        [1, "YH4306262025000004", "三市镇花炮批发部", "李四", "赵六", "13800000000", "应急管理局", "平江县安委办", None,
         day(2025, 3, 5), "已销号"],
    ]  # fmt: skip
    rows = read("duties", county.users["county_admin"], {"township": "430626101", "overdue": "1"})
    assert rows[0][0] == "安定镇责任清单"
    assert rows[1][0] == "制表日期：2025-03-20　共 3 条　筛选：仅逾期"
    assert rows[3][1:] == [
        "YH4306262025000001", "平江县汇丰化工有限公司", "李四", "王五", "0730-6221234", "应急管理局", "平江县安委办",
        "应急局监管员", day(2025, 3, 15), "待认领（逾期）",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("persona", "title", "numbers"),
    [
        ("township_b", "三市镇隐患清单", ["YH4306262025000004"]),
        ("unit_staff", "平江县汇丰化工有限公司隐患清单", [f"YH4306262025{n:06d}" for n in (1, 2, 3)]),
        ("zhujian", "平江县隐患清单", []),
        ("other_county_admin", "芙蓉区隐患清单", []),
    ],
)
def test_lists_follow_scope(county, hazards, persona, title, numbers):
    rows = read("hazards", county.users[persona])
    assert rows[0][0] == title
    assert rows[1][0] == f"制表日期：2025-03-20　共 {len(numbers)} 条"
    assert [r[1] for r in rows[3:]] == numbers


def test_download_view(county, hazards):
    request = RequestFactory().get("/hazards/lists/duties.xlsx", {"township": "430626102"})
    request.user = county.users["township_b"]

    response = list_views.download(request, "duties")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    assert "20250320.xlsx" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book["责任清单"]["A1"].value == "三市镇责任清单"
    entry = AuditEntry.objects.filter(action="hazards.list.duties").latest("id")
    assert entry.actor == county.users["township_b"]
    assert entry.changes == {"list": "责任清单", "rows": 1, "filters": {"township": "430626102"}}


def test_download_view_unknown_list_and_anonymous(county):
    request = RequestFactory().get("/hazards/lists/nothing.xlsx")
    request.user = county.users["county_admin"]
    with pytest.raises(Http404):
        list_views.download(request, "nothing")
    request.user = AnonymousUser()
    response = list_views.download(request, "hazards")
    assert response.status_code == 302 and "login" in response["Location"]
