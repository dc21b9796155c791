from __future__ import annotations

import datetime as dt
import io

from anjian.campaigns.models import Campaign, Task
from anjian.ledgers.engine import run_import
from anjian.ledgers.registry import get_ledger
from anjian.ledgers.writers import export_xlsx
from tests.ledgers.conftest import write_xlsx

C_HEADERS = ["名称*", "上级行动", "开始日期*", "结束日期*", "牵头部门", "所属区划*"]
T_HEADERS = ["任务编号*", "专项行动*", "任务内容*", "时间节点*", "责任单位*", "完成日期", "进展情况"]


def c_rows():
    return [
        {"名称": "治本攻坚", "开始日期": "2026-01-01", "结束日期": "2026年12月31日", "所属区划": "430626"},
        {"名称": "危化品专项", "上级行动": "治本攻坚", "开始日期": "2026/2/1", "结束日期": "2026-12-31",
         "牵头部门": "应急管理局", "所属区划": "430626"},
        {"名称": "安定镇整治", "上级行动": "危化品专项", "开始日期": "2026-03-01", "结束日期": "2026-06-30",
         "所属区划": "430626101"},
    ]


def test_campaigns_good_then_reimport(county, tmp_path):
    admin = county.users["county_admin"]
    path = write_xlsx(tmp_path / "c.xlsx", c_rows(), C_HEADERS)
    report = run_import(get_ledger("campaigns"), path, admin)
    assert report.ok, report.errors
    assert report.created == 3
    child = Campaign.objects.get(name="安定镇整治")
    assert child.parent.name == "危化品专项" and child.parent.parent.name == "治本攻坚"
    assert child.region_code == "430626101000"
    assert Campaign.objects.get(name="危化品专项").lead_department == county.yingji
    again = run_import(get_ledger("campaigns"), path, admin)
    assert again.ok and again.created == 0 and again.unchanged == 3
    # export → re-import is unchanged
    out = tmp_path / "export.xlsx"
    export_xlsx(get_ledger("campaigns"), get_ledger("campaigns").export_objects(admin, {}), out)
    third = run_import(get_ledger("campaigns"), out, admin)
    assert third.ok and third.unchanged == 3, third.errors


def test_campaigns_bad_rows_write_nothing(county, tmp_path):
    rows = c_rows()
    rows[1]["上级行动"] = "不存在的行动"
    rows[2]["所属区划"] = "430102"
    rows.append(dict(rows[0]))
    rows.append({"名称": "倒序", "开始日期": "2026-05-01", "结束日期": "2026-01-01", "所属区划": "430626"})
    path = write_xlsx(tmp_path / "c.xlsx", rows, C_HEADERS)
    report = run_import(get_ledger("campaigns"), path, county.users["county_admin"])
    text = [str(e) for e in report.errors]
    assert any(t.startswith("第3行 上级行动") for t in text)
    assert any(t.startswith("第4行 所属区划") for t in text)
    assert any(t.startswith("第5行 名称") and "第2行" in t for t in text)
    assert any(t.startswith("第6行 结束日期") for t in text)
    assert Campaign.objects.count() == 0


def test_tasks_good_bad_reimport(county, tmp_path):
    admin = county.users["county_admin"]
    run_import(get_ledger("campaigns"), write_xlsx(tmp_path / "c.xlsx", c_rows(), C_HEADERS), admin)
    rows = [
        {"任务编号": "1-1", "专项行动": "治本攻坚", "任务内容": "排查", "时间节点": "2026-06-30",
         "责任单位": "应急局"},
        {"任务编号": "1-2", "专项行动": "治本攻坚", "任务内容": "整治", "时间节点": "2026-09-30",
         "责任单位": "住建局", "完成日期": "2026-09-01", "进展情况": "已完成"},
    ]
    path = write_xlsx(tmp_path / "t.xlsx", rows, T_HEADERS)
    report = run_import(get_ledger("tasks"), path, admin)
    assert report.ok and report.created == 2, report.errors
    assert Task.objects.get(number="1-2").completed_on == dt.date(2026, 9, 1)
    again = run_import(get_ledger("tasks"), path, admin)
    assert again.ok and again.unchanged == 2
    rows[0]["完成日期"] = "2026-06-01"
    upd = run_import(get_ledger("tasks"), write_xlsx(tmp_path / "t2.xlsx", rows, T_HEADERS), admin)
    assert upd.ok and upd.updated == 1
    bad = [
        {"任务编号": "9", "专项行动": "没有", "任务内容": "x", "时间节点": "2026-06-30", "责任单位": "y"},
        {"任务编号": "1-1", "专项行动": "治本攻坚", "任务内容": "", "时间节点": "明天", "责任单位": "y"},
    ]
    report = run_import(get_ledger("tasks"), write_xlsx(tmp_path / "t3.xlsx", bad, T_HEADERS), admin)
    text = [str(e) for e in report.errors]
    assert any(t.startswith("第2行 专项行动") for t in text)
    assert any(t.startswith("第3行 任务内容") for t in text)
    assert any(t.startswith("第3行 时间节点") for t in text)
    assert Task.objects.count() == 2


def test_template_and_denied(county, tmp_path):
    from anjian.ledgers.writers import write_template

    buf = io.BytesIO()
    write_template(get_ledger("campaigns"), county.users["county_admin"], buf)
    write_template(get_ledger("tasks"), county.users["county_admin"], io.BytesIO())
    assert buf.getvalue()
    path = write_xlsx(tmp_path / "c.xlsx", c_rows(), C_HEADERS)
    report = run_import(get_ledger("campaigns"), path, county.users["leader"])
    assert not report.ok and Campaign.objects.count() == 0
