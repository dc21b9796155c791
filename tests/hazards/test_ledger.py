"""隐患台账: import (historical states, events, all or nothing, re-import), export, template, CLI."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from anjian.core.events import verify_all
from anjian.core.models import AuditEntry, Counter
from anjian.hazards.ledger import HazardLedger
from anjian.hazards.models import Hazard, HazardEvent, Level, Source, Status
from anjian.ledgers.engine import ImportReport, Ledger, run_import
from anjian.ledgers.registry import get_ledger
from tests.ledgers.conftest import write_csv, write_xlsx

HEADERS = [
    "隐患编号",
    "单位*",
    "隐患描述*",
    "隐患等级*",
    "隐患类别",
    "发现日期*",
    "发现方式",
    "检查编号",
    "专项行动",
    "整改期限",
    "整改措施",
    "整改责任人",
    "整改资金(元)",
    "整改完成日期",
    "验收销号日期",
    "状态",
]


def hazard_row(**overrides: Any) -> dict[str, Any]:
    """A valid row of an open general hazard of 平江县汇丰化工有限公司 (安定镇); keys are headers without '*'."""
    row: dict[str, Any] = {
        "隐患编号": "",
        "单位": "平江县汇丰化工有限公司",
        "隐患描述": "仓库消防通道堆放杂物",
        "隐患等级": "一般",
        "隐患类别": "消防安全",
        "发现日期": "2025-03-01",
        "发现方式": "检查",
        "检查编号": "JC2025-001",
        "专项行动": "",
        "整改期限": "2025/3/15",
        "整改措施": "清理杂物",
        "整改责任人": "李四",
        "整改资金(元)": "1,200.5",
        "整改完成日期": "",
        "验收销号日期": "",
        "状态": "",
    }
    row.update(overrides)
    return row


HISTORY = [
    hazard_row(),  # 待认领 (no dates)
    hazard_row(隐患描述="配电箱未接地", 隐患类别="用电安全", 状态="整改中"),
    hazard_row(隐患描述="灭火器过期未更换", 整改完成日期="2025年3月10日"),  # → 待验收
    hazard_row(
        单位="三市镇花炮批发部",
        隐患描述="药物存放超量",
        隐患等级="重大",
        发现方式="群众举报",
        整改期限="",
        整改完成日期="2025-03-05",
        验收销号日期="2025-03-08",
    ),  # → 已销号, deadline taken from the completion date
]


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def do_import(path: Path, user: Any, *, dry_run: bool = False) -> ImportReport:
    return run_import(get_ledger("hazards"), path, user, dry_run=dry_run)


def messages(report: ImportReport) -> list[str]:
    return [str(e) for e in report.errors]


def xlsx(tmp_path: Path, rows: list[dict[str, Any]], name: str = "h.xlsx", headers: list[str] | None = None) -> Path:
    return write_xlsx(tmp_path / name, rows, headers or HEADERS)


def test_registered_as_a_ledger():
    assert isinstance(get_ledger("hazards"), HazardLedger)


def test_history_comes_in_its_states_with_chained_import_events(county, tmp_path):
    admin = county.users["county_admin"]

    report = do_import(xlsx(tmp_path, HISTORY), admin)

    assert messages(report) == []
    assert (report.created, report.updated, report.unchanged, report.written) == (4, 0, 0, True)
    hazards = {h.description: h for h in Hazard.objects.all()}
    assert {d: h.status for d, h in hazards.items()} == {
        "仓库消防通道堆放杂物": Status.REPORTED,
        "配电箱未接地": Status.RECTIFYING,
        "灭火器过期未更换": Status.SUBMITTED,
        "药物存放超量": Status.CLOSED,
    }
    open_one = hazards["仓库消防通道堆放杂物"]
    assert open_one.number == "YH4306262025000001"
    assert open_one.unit == county.units["chem_a"]
    assert (open_one.region_code, open_one.sector, open_one.grid) == (
        "430626101000",
        county.sectors["hazardous_chemicals"],
        county.grid_a,
    )
    assert (open_one.found_on, open_one.deadline) == (dt.date(2025, 3, 1), dt.date(2025, 3, 15))
    assert (open_one.funds, open_one.measures, open_one.responsible_person) == (Decimal("1200.50"), "清理杂物", "李四")
    assert (open_one.source, open_one.inspection_ref, open_one.category) == (
        Source.INSPECTION,
        "JC2025-001",
        "消防安全",
    )
    assert open_one.reported_by == admin and open_one.verifier_org == county.office
    closed = hazards["药物存放超量"]
    assert closed.level == Level.MAJOR and closed.criterion is None
    assert (closed.rectified_on, closed.closed_on, closed.deadline) == (
        dt.date(2025, 3, 5),
        dt.date(2025, 3, 8),
        dt.date(2025, 3, 5),
    )
    assert closed.source == Source.PUBLIC
    assert sorted(h.number for h in hazards.values()) == [f"YH4306262025{n:06d}" for n in range(1, 5)]

    # One hash-chained event per hazard, carrying the row's state and dates.
    event = closed.events.get()
    assert (event.kind, event.seq, event.actor, event.note) == ("import", 1, admin, "由台账第5行导入")
    assert event.data == {
        "status": "closed",
        "level": "major",
        "source": "public",
        "found_on": "2025-03-01",
        "deadline": "2025-03-05",
        "rectified_on": "2025-03-05",
        "closed_on": "2025-03-08",
        "criterion": None,
        "criterion_missing": True,
    }
    assert HazardEvent.objects.count() == 4
    assert AuditEntry.objects.filter(action="hazard.import").count() == 4
    assert AuditEntry.objects.filter(action="ledger.import.hazards").count() == 1
    assert list(verify_all()) == []
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert out.getvalue().strip() == "事件哈希链完整，未发现篡改。"


def test_major_rows_without_criterion_are_noticed(county, tmp_path):
    ledger = get_ledger("hazards")
    assert isinstance(ledger, HazardLedger)
    report = do_import(xlsx(tmp_path, HISTORY), county.users["county_admin"])
    assert report.ok
    if "notices" in Ledger.__dict__:  # once the engine asks every ledger for its notices
        assert any(n.startswith("第5行为重大隐患") for n in report.notices)
    # The ledger offers them whether or not the engine asks yet.
    ctx = ledger.begin(county.users["county_admin"], frozenset())
    ctx.unflagged_major = [5, 9]
    assert ledger.notices(ctx) == [
        "第5、9行为重大隐患，台账中没有判定标准列：导入后请在隐患页面补选所符合的重大事故隐患判定标准条款"
    ]
    assert ledger.notices(None) == []


def test_every_bad_row_is_reported_and_nothing_is_written(county, tmp_path):
    rows = [
        hazard_row(),  # row 2: fine
        hazard_row(单位="不存在的公司", 隐患等级="较大"),  # row 3
        hazard_row(隐患描述="杂物", 发现日期="2099-01-01", 整改期限=""),  # row 4
        hazard_row(隐患描述="电线老化", 专项行动="百日攻坚", **{"整改资金(元)": "-5"}),  # row 5
        hazard_row(隐患描述="消防栓损坏", 整改期限="2025-02-01", 状态="已销号"),  # row 6
        hazard_row(隐患描述="应急灯不亮", 整改完成日期="2025-03-10", 状态="整改中", 发现方式="路人"),  # row 7
        hazard_row(隐患描述="安全出口上锁", 整改期限="", 发现日期="2025-02-30"),  # row 8
        hazard_row(),  # row 9: the same as row 2
        hazard_row(隐患编号="OLD-1", 隐患描述="叉车无证驾驶"),  # row 10
        hazard_row(隐患编号="OLD-1", 隐患描述="叉车超速"),  # row 11
        hazard_row(隐患描述="验收早于整改", 整改完成日期="2025-03-10", 验收销号日期="2025-03-09"),  # row 12
    ]
    before = (Hazard.objects.count(), HazardEvent.objects.count(), AuditEntry.objects.count())

    report = do_import(xlsx(tmp_path, rows), county.users["county_admin"])

    assert messages(report) == [
        "第3行 单位: 系统中没有名为“不存在的公司”的单位，请先在单位台账中登记",
        "第3行 隐患等级: 应为 一般、重大 之一，实际为“较大”",
        "第4行 隐患描述: 请描述隐患（至少4个字）",
        "第4行 发现日期: 发现日期不能晚于今天",
        "第4行 整改期限: 未整改完成的隐患须填写整改期限",
        "第5行 专项行动: 专项行动“百日攻坚”不存在或不在您的管辖范围内，请先登记该专项行动",
        "第5行 整改资金(元): 整改资金应在 0—999999999999.99 之间",
        "第6行 整改期限: 整改期限不能早于发现日期",
        "第6行 状态: 已销号的隐患须填写验收销号日期",
        "第7行 发现方式: 应为 检查、企业自查、网格员报告、群众举报 之一，实际为“路人”",
        "第7行 状态: “整改中”的隐患不应有整改完成日期",
        "第8行 发现日期: 日期“2025-02-30”不存在",
        "第9行 隐患描述: 与第2行重复（单位、发现日期和隐患描述都相同）",
        "第11行 隐患编号: 与第10行的隐患编号重复",
        "第12行 验收销号日期: 验收销号日期不能早于整改完成日期",
    ]
    assert not report.written
    assert (Hazard.objects.count(), HazardEvent.objects.count(), AuditEntry.objects.count()) == before


def test_missing_required_column_rejects_the_file(county, tmp_path):
    headers = [h for h in HEADERS if h != "隐患等级*"]
    report = do_import(xlsx(tmp_path, [hazard_row()], headers=headers), county.users["county_admin"])
    assert messages(report) == ["第1行 隐患等级: 缺少必填列"]
    assert not Hazard.objects.exists()


@pytest.mark.parametrize("numbered", [False, True], ids=["natural-key", "numbered"])
def test_reimport_changes_nothing(county, tmp_path, numbered):
    rows = [dict(r) for r in HISTORY]
    if numbered:
        for i, row in enumerate(rows, start=1):
            row["隐患编号"] = f"PJ-2025-{i:03d}"
    path = xlsx(tmp_path, rows)
    admin = county.users["county_admin"]
    assert do_import(path, admin).created == 4
    snapshot = list(Hazard.objects.order_by("id").values())
    counts = (HazardEvent.objects.count(), AuditEntry.objects.count(), list(Counter.objects.values_list("value")))

    again = do_import(path, admin)

    assert messages(again) == []
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert list(Hazard.objects.order_by("id").values()) == snapshot
    assert (
        HazardEvent.objects.count(),
        AuditEntry.objects.count(),
        list(Counter.objects.values_list("value")),
    ) == counts
    if numbered:
        assert sorted(Hazard.objects.values_list("number", flat=True)) == [f"PJ-2025-{i:03d}" for i in range(1, 5)]


def test_export_then_reimport_is_unchanged_even_with_a_second_unit_of_the_same_name(county, tmp_path, report):
    from anjian.units.services import UnitData, unit_create

    # Same name in another township (allowed by the registry): export writes names, and the
    # numbered rows still find their own hazards' units.
    twin = unit_create(
        actor=county.users["county_admin"],
        data=UnitData(name="平江县汇丰化工有限公司", region_code="430626102000", sector=county.sectors["fireworks"]),
    )
    admin = county.users["county_admin"]
    report()  # reported in the system today, with a photo and a report event
    do_import(xlsx(tmp_path, [hazard_row(单位=county.units["chem_a"].credit_code)]), admin)
    assert Hazard.objects.count() == 2
    out = tmp_path / "export.xlsx"
    call_command("export_ledger", "hazards", str(out), "--user", "county_admin", stdout=io.StringIO())

    result = do_import(out, admin)

    assert messages(result) == []
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert not Hazard.objects.filter(unit=twin).exists()


def test_existing_hazard_updates_descriptive_columns_only(county, tmp_path, report):
    hazard = report(description="消防通道堆放杂物")
    admin = county.users["county_admin"]
    base = {
        "隐患编号": hazard.number,
        "隐患描述": "消防通道及楼梯间堆放杂物",
        "发现日期": hazard.found_on.isoformat(),
        "整改期限": hazard.deadline.isoformat(),
        "整改措施": "立即清理",
        "整改资金(元)": "300",
        "发现方式": "",
    }

    result = do_import(xlsx(tmp_path, [hazard_row(**base)]), admin)

    assert messages(result) == []
    assert (result.created, result.updated) == (0, 1)
    hazard.refresh_from_db()
    assert (hazard.description, hazard.measures, hazard.funds, hazard.status) == (
        "消防通道及楼梯间堆放杂物",
        "立即清理",
        Decimal("300.00"),
        Status.REPORTED,
    )
    assert hazard.source == Source.INSPECTION  # an empty 发现方式 keeps it
    event = hazard.events.last()
    assert (event.kind, event.seq) == ("import_update", 2)
    assert event.data["changes"]["measures"] == ["", "立即清理"]
    assert list(verify_all()) == []

    # State, dates, level and unit belong to the closed loop: a differing cell is an error.
    closing = hazard_row(**base, 验收销号日期=hazard.found_on.isoformat(), 状态="已销号", 隐患等级="重大")
    moved = hazard_row(**{**base, "单位": "三市镇宏远建设有限公司"})
    result = do_import(xlsx(tmp_path, [closing, moved], name="bad.xlsx"), admin)
    assert messages(result) == [
        "第2行 隐患等级: 与系统记录不符（系统为“一般”）：已有隐患的隐患等级须在隐患流程中办理，不能通过导入修改",
        "第2行 验收销号日期: 与系统记录不符（系统为“空”）：已有隐患的验收销号日期须在隐患流程中办理，不能通过导入修改",
        "第2行 状态: 与系统记录不符（系统为“待认领”）：已有隐患的状态须在隐患流程中办理，不能通过导入修改",
        "第3行 隐患编号: 与第2行的隐患编号重复",
    ]
    result = do_import(xlsx(tmp_path, [moved], name="moved.xlsx"), admin)
    assert messages(result) == [
        "第2行 单位: 与系统中该隐患的单位（平江县汇丰化工有限公司）不符，单位不能通过导入修改",
    ]
    hazard.refresh_from_db()
    assert hazard.status == Status.REPORTED and hazard.events.count() == 2


@pytest.mark.parametrize(
    ("persona", "unit"),
    [("township", "fire_b"), ("department", "build_a"), ("county_admin", "other")],
)
def test_units_outside_the_importers_scope_are_rejected(county, tmp_path, persona, unit):
    target = county.units[unit]
    rows = [hazard_row(单位=target.name), hazard_row(单位=target.credit_code, 隐患描述="另一条隐患")]

    result = do_import(xlsx(tmp_path, rows), county.users[persona])

    assert messages(result) == ["第2行 单位: 该单位不在您的管辖范围内", "第3行 单位: 该单位不在您的管辖范围内"]
    assert not Hazard.objects.exists()


def test_a_hazard_number_out_of_scope_is_not_taken_over(county, tmp_path, report):
    theirs = report(unit="fire_b")
    result = do_import(
        xlsx(tmp_path, [hazard_row(隐患编号=theirs.number)]),
        county.users["township"],  # 安定镇 cannot see 三市镇's hazard
    )
    assert messages(result) == ["第2行 隐患编号: 该编号的隐患已存在，且不在您的管辖范围内"]


def test_roles_that_may_not_import(county, tmp_path):
    result = do_import(xlsx(tmp_path, [hazard_row()]), county.users["grid_worker"])
    assert messages(result) == ["网格员无权导入隐患台账"]


def test_gb18030_csv(county, tmp_path):
    rows = [hazard_row(隐患描述="𠀾号仓库（东）消防通道堵塞", 单位=county.units["chem_a"].credit_code)]
    path = write_csv(tmp_path / "gbk.csv", rows, "gb18030", HEADERS)
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")

    result = do_import(path, county.users["township"])

    assert messages(result) == []
    # NFKC, as for every text: full-width brackets become ASCII ones.
    assert Hazard.objects.get().description == "𠀾号仓库(东)消防通道堵塞"


def test_a_number_in_the_platforms_format_moves_the_counter(county, tmp_path, report):
    do_import(xlsx(tmp_path, [hazard_row(隐患编号="YH4306262025000050")]), county.users["county_admin"])
    later = report(found_on=dt.date(2025, 6, 1), deadline=dt.date(2025, 6, 10))
    assert later.number == "YH4306262025000051"


def test_dry_run_writes_nothing(county, tmp_path):
    result = do_import(xlsx(tmp_path, HISTORY), county.users["county_admin"], dry_run=True)
    assert result.ok and result.created == 4 and not result.written
    assert not Hazard.objects.exists() and not Counter.objects.exists()


# --- export -------------------------------------------------------------------------------------


def _sheet_rows(path_or_bytes: Path | bytes) -> list[list[Any]]:
    source = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    return [list(r) for r in load_workbook(source)["隐患台账"].iter_rows(values_only=True)]


def test_export_of_the_filtered_list(county, client, tmp_path):
    do_import(xlsx(tmp_path, HISTORY), county.users["county_admin"])
    client.force_login(county.users["county_admin"])

    response = client.get(reverse("ledgers:export", args=["hazards"]), {"level": "general", "status": "reported"})

    assert response.status_code == 200
    rows = _sheet_rows(b"".join(response.streaming_content))
    assert rows == [
        HEADERS,
        [
            "YH4306262025000001",
            "平江县汇丰化工有限公司",
            "仓库消防通道堆放杂物",
            "一般",
            "消防安全",
            dt.datetime(2025, 3, 1),
            "检查",
            "JC2025-001",
            None,
            dt.datetime(2025, 3, 15),
            "清理杂物",
            "李四",
            1200.5,
            None,
            None,
            "待认领",
        ],
    ]
    entry = AuditEntry.objects.filter(action="ledger.export.hazards").latest("id")
    assert entry.changes["filters"] == {"level": "general", "status": "reported"}


def test_export_follows_scope(county, client, tmp_path):
    do_import(xlsx(tmp_path, HISTORY), county.users["county_admin"])
    client.force_login(county.users["township_b"])  # 三市镇 sees only the fireworks shop's hazard
    response = client.get(reverse("ledgers:export", args=["hazards"]), {"format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0] == ",".join(HEADERS)
    assert len(lines) == 2 and "药物存放超量" in lines[1] and ",已销号" in lines[1]


def test_template_has_example_and_dropdowns_and_the_example_imports(county, client, tmp_path):
    client.force_login(county.users["township"])
    response = client.get(reverse("ledgers:template", args=["hazards"]))
    data = b"".join(response.streaming_content)
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames[:2] == ["隐患台账", "填写说明"]
    sheet = book["隐患台账"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == HEADERS and len(rows) == 2
    assert rows[1][1] == "平江县汇丰化工有限公司"  # a unit of the user's own scope
    lists = {}
    for validation in sheet.data_validations.dataValidation:
        column = str(validation.sqref).split(":")[0].rstrip("0123456789")
        lists[rows[0][ord(column) - ord("A")]] = validation.formula1
    assert lists == {
        "隐患等级*": '"一般,重大"',
        "发现方式": '"检查,企业自查,网格员报告,群众举报"',
        "状态": '"待认领,整改中,待验收,已销号"',
    }
    notes = [r[0] for r in book["填写说明"].iter_rows(values_only=True) if r[0]]
    assert any("单位 + 发现日期 + 隐患描述" in str(n) for n in notes)

    path = tmp_path / "template.xlsx"
    path.write_bytes(data)
    result = do_import(path, county.users["township"])
    assert messages(result) == [] and result.created == 1


# --- command line -------------------------------------------------------------------------------


def test_cli_import_dry_run_and_export(county, tmp_path):
    path = xlsx(tmp_path, HISTORY)
    out = io.StringIO()
    call_command("import_ledger", "hazards", str(path), "--dry-run", "--user", "county_admin", stdout=out)
    assert out.getvalue().strip() == "预检通过（未写入）：共 4 行：将新增 4，将更新 0，未变 0"
    assert not Hazard.objects.exists()

    out = io.StringIO()
    call_command("import_ledger", "hazards", str(path), "--user", "county_admin", stdout=out)
    assert out.getvalue().strip() == "导入完成：共 4 行：新增 4，更新 0，未变 0"
    event = HazardEvent.objects.first()
    assert event is not None
    assert AuditEntry.objects.filter(action="hazard.import").latest("id").channel == "cli"

    target = tmp_path / "out.xlsx"
    out = io.StringIO()
    call_command("export_ledger", "hazards", str(target), "--region", "430626102", stdout=out)
    assert out.getvalue().strip() == f"已导出 1 行到 {target}"
    rows = _sheet_rows(target)
    assert [r[2] for r in rows[1:]] == ["药物存放超量"]


def test_cli_rejected_import_exits_non_zero(county, tmp_path):
    path = xlsx(tmp_path, [hazard_row(隐患等级="")])
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_ledger", "hazards", str(path), "--user", "anding", stdout=io.StringIO(), stderr=err)
    assert raised.value.returncode == 1
    assert err.getvalue().splitlines() == ["第2行 隐患等级: 不能为空"]
