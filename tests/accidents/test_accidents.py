from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from anjian.accidents.models import Accident, Category
from anjian.accidents.selectors import accident_list
from anjian.accidents.services import AccidentData, AccidentError, PermissionDenied, accident_create, accident_update
from anjian.core.models import AuditEntry
from anjian.ledgers.engine import run_import
from anjian.ledgers.registry import get_ledger
from anjian.ledgers.writers import export_xlsx
from tests.ledgers.conftest import write_xlsx

WHEN = timezone.make_aware(dt.datetime(2026, 5, 12, 14, 30))
HEADERS = ["事故编号*", "发生时间*", "所属区划*", "单位", "事故类别", "道路交通", "死亡人数", "受伤人数",
           "直接经济损失", "简要经过"]


def data(**kw):
    base = {"number": "SG-1", "occurred_at": WHEN, "category": Category.PRODUCTION}
    base.update(kw)
    return AccidentData(**base)


def test_unit_gives_the_region_and_audit(county):
    admin = county.users["county_admin"]
    unit = county.units["chem_a"]
    a = accident_create(actor=admin, data=data(unit=unit, region_code="430626102", deaths=1, road=True))
    assert a.region_code == unit.region_code and a.road
    assert AuditEntry.objects.filter(action="accident.create", object_id=str(a.pk)).exists()
    road = accident_create(actor=admin, data=data(number="SG-2", category=Category.ROAD,
                                                   region_code=county.sanshizhen.code))
    assert road.road is True and road.unit is None
    _, changes = accident_update(actor=admin, accident=a, data=data(unit=unit, deaths=2, road=True))
    assert changes == {"deaths": [1, 2]}


def test_validation_and_scope(county):
    admin = county.users["county_admin"]
    with pytest.raises(AccidentError) as exc:
        accident_create(actor=admin, data=data())
    assert "region_code" in exc.value.errors
    with pytest.raises(AccidentError) as exc:
        accident_create(actor=county.users["township"], data=data(unit=county.units["fire_b"]))
    assert "unit" in exc.value.errors
    with pytest.raises(AccidentError) as exc:
        accident_create(actor=county.users["township"], data=data(region_code=county.sanshizhen.code))
    assert "region_code" in exc.value.errors
    with pytest.raises(AccidentError) as exc:
        accident_create(actor=admin, data=data(region_code="430626", category="bogus", deaths=-1))
    assert {"category", "deaths"} <= set(exc.value.errors)
    for persona in ("leader", "grid_worker", "unit_staff", "auditor"):
        with pytest.raises(PermissionDenied):
            accident_create(actor=county.users[persona], data=data(region_code="430626"))
    accident_create(actor=county.users["department"], data=data(unit=county.units["chem_a"]))
    with pytest.raises(AccidentError):
        accident_create(actor=admin, data=data(region_code="430626"))  # duplicate number


def test_who_sees_what(county):
    admin = county.users["county_admin"]
    accident_create(actor=admin, data=data(number="A", unit=county.units["chem_a"]))
    accident_create(actor=admin, data=data(number="B", region_code=county.sanshizhen.code))
    accident_create(actor=admin, data=data(number="C", unit=county.units["build_b"]))
    seen = lambda p: set(accident_list(county.users[p]).values_list("number", flat=True))  # noqa: E731
    assert seen("county_admin") == {"A", "B", "C"}
    assert seen("leader") == {"A", "B", "C"}
    assert seen("township") == {"A"}
    assert seen("township_b") == {"B", "C"}
    assert seen("department") == {"A"}
    assert seen("unit_staff") == {"A"}
    assert seen("other_county_admin") == set()


def rows():
    return [
        {"事故编号": "SG-1", "发生时间": "2026-05-12 14:30", "所属区划": "430626101", "单位": "平江县汇丰化工有限公司",
         "事故类别": "生产经营性", "道路交通": "是", "死亡人数": 1, "受伤人数": 2, "直接经济损失": "12000.5"},
        {"事故编号": "SG-2", "发生时间": "2026年6月1日", "所属区划": "430626102", "事故类别": "道路交通",
         "道路交通": "否", "死亡人数": 0},
        {"事故编号": "SG-3", "发生时间": "2026/7/1", "所属区划": "430626", "事故类别": "火灾"},
    ]


def test_ledger_good_reimport_export(county, tmp_path):
    admin = county.users["county_admin"]
    path = write_xlsx(tmp_path / "a.xlsx", rows(), HEADERS)
    report = run_import(get_ledger("accidents"), path, admin)
    assert report.ok and report.created == 3, report.errors
    a = Accident.objects.get(number="SG-1")
    assert a.unit == county.units["chem_a"] and a.road and a.category == Category.PRODUCTION
    assert a.direct_loss == Decimal("12000.50") and timezone.localtime(a.occurred_at).hour == 14
    assert a.region_code == county.units["chem_a"].region_code
    assert Accident.objects.get(number="SG-2").road is True
    again = run_import(get_ledger("accidents"), path, admin)
    assert again.ok and again.unchanged == 3, again.errors
    out = tmp_path / "out.xlsx"
    export_xlsx(get_ledger("accidents"), get_ledger("accidents").export_objects(admin, {}), out)
    third = run_import(get_ledger("accidents"), out, admin)
    assert third.ok and third.unchanged == 3, third.errors


def test_ledger_bad_rows(county, tmp_path):
    bad = rows()
    bad[0]["所属区划"] = "430626102"  # unit is in 安定镇
    bad[1]["事故类别"] = "交通"
    bad[2]["发生时间"] = "昨天"
    bad.append({"事故编号": "SG-4", "发生时间": "2026-07-01", "所属区划": "430102", "事故类别": "其他"})
    bad.append({"事故编号": "SG-1", "发生时间": "2026-07-01", "所属区划": "430626", "事故类别": "其他"})
    path = write_xlsx(tmp_path / "a.xlsx", bad, HEADERS)
    report = run_import(get_ledger("accidents"), path, county.users["county_admin"])
    text = [str(e) for e in report.errors]
    for prefix in ("第2行 所属区划", "第3行 事故类别", "第4行 发生时间", "第5行 所属区划", "第6行 事故编号"):
        assert any(t.startswith(prefix) for t in text), (prefix, text)
    assert Accident.objects.count() == 0
