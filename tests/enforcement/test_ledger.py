"""执法记录 and 约谈曝光 ledgers: good, bad, 万元 header, re-import, export round trip, template."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from anjian.enforcement.models import EnforcementAction, Interview
from anjian.ledgers.engine import ImportReport, run_import
from anjian.ledgers.registry import get_ledger
from anjian.ledgers.writers import export_xlsx, write_template
from tests.ledgers.conftest import write_xlsx

ACTION_HEADERS = ["文书编号*", "单位*", "措施类型*", "日期*", "罚款金额(元)", "检查编号", "专项行动", "案由"]
INTERVIEW_HEADERS = ["编号*", "类型*", "日期*", "单位*", "人数", "事由"]


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def action_row(**kw: Any) -> dict[str, Any]:
    row = {
        "文书编号": "平应急罚〔2025〕3号",
        "单位": "平江县汇丰化工有限公司",
        "措施类型": "行政处罚",
        "日期": "2025-04-01",
        "罚款金额(元)": "30,000",
        "检查编号": "",
        "专项行动": "",
        "案由": "未按规定设置防火堤",
    }
    row.update(kw)
    return row


def do(name: str, path: Path, user: Any) -> ImportReport:
    return run_import(get_ledger(name), path, user)


def errors(report: ImportReport) -> list[str]:
    return [str(e) for e in report.errors]


def test_actions_import_and_reimport(county: Any, tmp_path: Path) -> None:
    admin = county.users["county_admin"]
    rows = [
        action_row(),
        action_row(
            文书编号="平应急责改〔2025〕9号", 措施类型="责令限期整改", 单位="三市镇花炮批发部", **{"罚款金额(元)": ""}
        ),
    ]
    path = write_xlsx(tmp_path / "a.xlsx", rows, ACTION_HEADERS)
    report = do("enforcement", path, admin)
    assert errors(report) == [] and (report.created, report.written) == (2, True)
    action = EnforcementAction.objects.get(number="平应急罚〔2025〕3号")
    assert action.fine_initial == action.fine_current == Decimal("30000")
    assert action.penalty_events.count() == 1
    again = do("enforcement", path, admin)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    changed = write_xlsx(tmp_path / "b.xlsx", [action_row(案由="另查明未设置报警装置")], ACTION_HEADERS)
    report = do("enforcement", changed, admin)
    assert (report.updated, errors(report)) == (1, [])
    action.refresh_from_db()
    assert action.cause == "另查明未设置报警装置"


def test_fine_in_wan_by_header(county: Any, tmp_path: Path) -> None:
    headers = [h if h != "罚款金额(元)" else "罚款金额（万元）" for h in ACTION_HEADERS]
    path = write_xlsx(tmp_path / "w.xlsx", [{**action_row(), "罚款金额（万元）": "3.5"}], headers)
    report = do("enforcement", path, county.users["county_admin"])
    assert errors(report) == []
    assert EnforcementAction.objects.get().fine_initial == Decimal("35000.00")


def test_bad_rows_write_nothing(county: Any, tmp_path: Path) -> None:
    rows = [
        action_row(),
        action_row(文书编号="X2", 措施类型="责令限期整改"),  # fine on a non-penalty
        action_row(文书编号="X3", 单位="不存在的公司"),
        action_row(文书编号="X4", 单位="芙蓉区长岛商贸有限公司"),  # out of scope
        action_row(文书编号="X5", 措施类型="罚酒三杯"),
        action_row(文书编号="X6", 检查编号="JC-none"),
        action_row(文书编号="平应急罚〔2025〕3号"),  # repeated key
    ]
    report = do("enforcement", write_xlsx(tmp_path / "bad.xlsx", rows, ACTION_HEADERS), county.users["county_admin"])
    found = errors(report)
    assert any(m.startswith("第3行 罚款金额") for m in found)
    assert any(m.startswith("第4行 单位") for m in found)
    assert any(m.startswith("第5行 单位") for m in found)
    assert any(m.startswith("第6行 措施类型") for m in found)
    assert any(m.startswith("第7行 检查编号") for m in found)
    assert any(m.startswith("第8行 文书编号") for m in found)
    assert EnforcementAction.objects.count() == 0


def test_township_may_not_import(county: Any, tmp_path: Path) -> None:
    report = do(
        "enforcement", write_xlsx(tmp_path / "t.xlsx", [action_row()], ACTION_HEADERS), county.users["township"]
    )
    assert report.errors and EnforcementAction.objects.count() == 0


def test_interviews_import_units_separated_and_reimport(county: Any, tmp_path: Path) -> None:
    row = {
        "编号": "YT2025001",
        "类型": "约谈",
        "日期": "2025-05-06",
        "单位": "平江县汇丰化工有限公司、三市镇花炮批发部",
        "人数": 3,
        "事由": "重大隐患逾期未整改",
    }
    path = write_xlsx(tmp_path / "i.xlsx", [row], INTERVIEW_HEADERS)
    admin = county.users["county_admin"]
    report = do("interviews", path, admin)
    assert errors(report) == [] and report.created == 1
    interview = Interview.objects.get()
    assert {u.name for u in interview.units.all()} == {"平江县汇丰化工有限公司", "三市镇花炮批发部"}
    assert interview.persons == 3
    assert do("interviews", path, admin).unchanged == 1
    bad = write_xlsx(
        tmp_path / "j.xlsx",
        [{**row, "编号": "YT2", "单位": "平江县汇丰化工有限公司、无此单位", "类型": "表扬"}],
        INTERVIEW_HEADERS,
    )
    report = do("interviews", bad, admin)
    assert any("第2行 单位" in m for m in errors(report)) and any("第2行 类型" in m for m in errors(report))
    assert Interview.objects.count() == 1


def test_export_round_trip_and_template(county: Any, tmp_path: Path) -> None:
    admin = county.users["county_admin"]
    do("enforcement", write_xlsx(tmp_path / "a.xlsx", [action_row()], ACTION_HEADERS), admin)
    ledger = get_ledger("enforcement")
    out = tmp_path / "out.xlsx"
    assert export_xlsx(ledger, ledger.export_objects(admin, {}), out) == 1
    report = do("enforcement", out, admin)
    assert errors(report) == [] and report.unchanged == 1
    for name in ("enforcement", "interviews"):
        write_template(get_ledger(name), admin, tmp_path / f"{name}-template.xlsx")
        assert (tmp_path / f"{name}-template.xlsx").stat().st_size > 0
