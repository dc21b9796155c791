"""检查记录 ledger: import (good, bad, re-import, GB18030), groups and people, outings from rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from anjian.campaigns.models import Campaign
from anjian.inspections.models import Inspection, InspectionGroup, Person, PersonKind
from anjian.inspections.selectors import outings
from anjian.ledgers.engine import ImportReport, run_import
from anjian.ledgers.registry import get_ledger
from tests.ledgers import conftest as ledger_files

HEADERS = [
    "检查编号",
    "检查日期",
    "检查类型",
    "检查组",
    "被检查单位",
    "检查人员",
    "检查人数",
    "专家",
    "专家人数",
    "专项行动",
    "检查情况",
]


def write_xlsx(path: Path, rows: list[dict[str, Any]]) -> Path:
    return ledger_files.write_xlsx(path, rows, HEADERS)


def write_csv(path: Path, rows: list[dict[str, Any]], encoding: str) -> Path:
    return ledger_files.write_csv(path, rows, encoding, HEADERS)


HUIFENG = "平江县汇丰化工有限公司"
ANDING_BUILD = "平江县安定建筑工程有限公司"
HUAPAO = "三市镇花炮批发部"


def row(number: str, **kw: Any) -> dict[str, Any]:
    base = {
        "检查编号": number,
        "检查日期": "2026-03-01",
        "检查类型": "专项检查",
        "检查组": "A组",
        "被检查单位": HUIFENG,
        "检查人员": "",
        "检查人数": "",
        "专家": "",
        "专家人数": "",
        "专项行动": "",
        "检查情况": "",
    }
    base.update(kw)
    return base


# Hand-computed outings: A组 on 3-01 inspects three units (张三、李四 / 李四、王五 / nobody named,
# 检查人数 2) → one outing, 3 officials; A组 on 3-02 → a second outing; a row without 检查组 is
# an outing alone (its 检查人数 4); B组 on 3-01 is a different outing from A组's.
LEDGER = [
    row("JC-1", 检查人员="张三、李四", 专家="赵专家"),
    row("JC-2", 被检查单位=ANDING_BUILD, 检查人员="李四,王五", 专家人数="3"),
    row("JC-3", 被检查单位=HUAPAO, 检查人数="2"),
    row("JC-4", 检查日期="2026/3/2", 检查人员="张三"),
    row("JC-5", 检查组="", 检查人数="4", 检查类型="日常检查"),
    row("JC-6", 检查组="B组", 检查人员="张三", 检查类型="明查暗访（四不两直）"),
]


def do_import(path: Path, user: Any, *, dry_run: bool = False) -> ImportReport:
    return run_import(get_ledger("inspections"), path, user, dry_run=dry_run)


def test_import_creates_inspections_groups_and_people(county, tmp_path):
    admin = county.users["county_admin"]
    report = do_import(write_xlsx(tmp_path / "i.xlsx", LEDGER), admin)
    assert report.ok, [str(e) for e in report.errors]
    assert (report.created, report.written) == (6, True)
    assert set(InspectionGroup.objects.values_list("name", flat=True)) == {"A组", "B组"}
    officials = set(Person.objects.filter(kind=PersonKind.OFFICIAL).values_list("name", flat=True))
    assert officials == {"张三", "李四", "王五"}
    assert Person.objects.filter(kind=PersonKind.OFFICIAL, name="张三").count() == 1
    assert Person.objects.get(kind=PersonKind.EXPERT).name == "赵专家"
    first = Inspection.objects.get(number="JC-1")
    assert first.unit == county.units["chem_a"] and first.official_count == 2
    assert Inspection.objects.get(number="JC-6").kind == "unannounced"


def test_outings_from_ledger_rows(county, tmp_path, django_assert_max_num_queries):
    admin = county.users["county_admin"]
    assert do_import(write_xlsx(tmp_path / "i.xlsx", LEDGER), admin).ok
    ids = dict(Inspection.objects.values_list("number", "pk"))
    with django_assert_max_num_queries(4):
        result = outings(Inspection.objects.all())
    got = {
        (o.group.name if o.group else None, o.date, o.officials, o.experts, tuple(sorted(o.inspections)))
        for o in result
    }
    assert got == {
        ("A组", dt.date(2026, 3, 1), 3, 3, tuple(sorted((ids["JC-1"], ids["JC-2"], ids["JC-3"])))),
        ("A组", dt.date(2026, 3, 2), 1, 0, (ids["JC-4"],)),
        (None, dt.date(2026, 3, 1), 4, 0, (ids["JC-5"],)),
        ("B组", dt.date(2026, 3, 1), 1, 0, (ids["JC-6"],)),
    }
    # Person-times: 3 + 1 + 4 + 1 officials over 4 outings.
    assert sum(o.officials for o in result) == 9


def test_reimport_changes_nothing_then_updates(county, tmp_path):
    admin = county.users["county_admin"]
    path = write_xlsx(tmp_path / "i.xlsx", LEDGER)
    assert do_import(path, admin).ok
    again = do_import(path, admin)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 6)
    assert Inspection.objects.count() == 6 and Person.objects.count() == 4
    changed = [*LEDGER[:5], row("JC-6", 检查组="B组", 检查人员="张三、李四", 检查情况="复核")]
    report = do_import(write_xlsx(tmp_path / "j.xlsx", changed), admin)
    assert (report.updated, report.unchanged) == (1, 5)
    item = Inspection.objects.get(number="JC-6")
    assert item.findings == "复核" and item.official_count == 2


def test_bad_rows_write_nothing(county, tmp_path):
    admin = county.users["county_admin"]
    rows = [
        row("JC-1", 专项行动="不存在的行动"),
        row("JC-2", 被检查单位="芙蓉区长岛商贸有限公司"),
        row("JC-3", 检查类型="随便看看"),
        row("JC-1"),
    ]
    report = do_import(write_xlsx(tmp_path / "bad.xlsx", rows), admin)
    messages = [str(e) for e in report.errors]
    assert "第2行 专项行动: 专项行动“不存在的行动”不存在" in messages
    assert any(m.startswith("第3行 被检查单位") for m in messages)
    assert any(m.startswith("第4行 检查类型") for m in messages)
    assert "第5行 检查编号: 与第2行的检查编号重复" in messages
    assert Inspection.objects.count() == 0 and InspectionGroup.objects.count() == 0


def test_campaign_by_name_and_credit_code(county, tmp_path):
    admin = county.users["county_admin"]
    c = Campaign.objects.create(
        name="打非治违", start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31), region_code=county.county.code
    )
    code = county.units["fire_b"].credit_code
    report = do_import(
        write_csv(tmp_path / "g.csv", [row("JC-9", 被检查单位=code, 专项行动="打非治违")], "gb18030"), admin
    )
    assert report.ok, [str(e) for e in report.errors]
    item = Inspection.objects.get(number="JC-9")
    assert item.unit == county.units["fire_b"] and item.campaign == c


def test_township_scope_and_other_roles(county, tmp_path):
    path = write_xlsx(tmp_path / "i.xlsx", [row("JC-1"), row("JC-2", 被检查单位=HUAPAO)])
    report = do_import(path, county.users["township"])
    assert [str(e) for e in report.errors] == ["第3行 被检查单位: “三市镇花炮批发部”不是您辖区内已登记的单位"]
    report = do_import(path, county.users["grid_worker"])
    assert not report.ok and Inspection.objects.count() == 0


def test_export_round_trip(county, tmp_path, client):
    admin = county.users["county_admin"]
    assert do_import(write_xlsx(tmp_path / "i.xlsx", LEDGER), admin).ok
    ledger = get_ledger("inspections")
    objects = list(ledger.export_objects(admin, {}))
    assert len(objects) == 6
    cells = {c.header: c.value_of(next(o for o in objects if o.number == "JC-1")) for c in ledger.columns}
    assert cells["检查人员"] == "张三、李四" and cells["检查组"] == "A组" and cells["检查类型"] == "专项检查"
