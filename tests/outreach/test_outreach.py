from __future__ import annotations

import datetime as dt

import pytest

from anjian.core.models import AuditEntry
from anjian.ledgers.engine import run_import
from anjian.ledgers.registry import get_ledger
from anjian.ledgers.writers import export_xlsx
from anjian.outreach.models import Activity, ActivityKind
from anjian.outreach.selectors import activity_list
from anjian.outreach.services import ActivityData, OutreachError, PermissionDenied, activity_create, activity_update

D = dt.date(2026, 6, 16)
HEADERS = ["编号*", "类型*", "日期*", "所属区划*", "人数", "资料份数", "名称"]


def data(**kw):
    base = {"number": "XJ-1", "kind": ActivityKind.TRAINING, "date": D}
    base.update(kw)
    return ActivityData(**base)


def test_create_update_scope(county):
    admin = county.users["county_admin"]
    a = activity_create(actor=admin, data=data(unit=county.units["chem_a"], attendees=30))
    assert a.region_code == county.units["chem_a"].region_code and a.org == county.office
    assert AuditEntry.objects.filter(action="outreach.create", object_id=str(a.pk)).exists()
    _, changes = activity_update(actor=admin, activity=a, data=data(unit=county.units["chem_a"], attendees=40))
    assert changes == {"attendees": [30, 40]}
    activity_create(actor=admin, data=data(number="XJ-2", kind=ActivityKind.FILM, region_code=county.sanshizhen.code))
    with pytest.raises(OutreachError) as exc:
        activity_create(actor=county.users["township"], data=data(number="XJ-3", region_code=county.sanshizhen.code))
    assert "region_code" in exc.value.errors
    with pytest.raises(OutreachError):
        activity_create(actor=admin, data=data(number="XJ-1", region_code="430626"))
    with pytest.raises(PermissionDenied):
        activity_create(actor=county.users["leader"], data=data(number="XJ-4", region_code="430626"))
    seen = lambda p: set(activity_list(county.users[p]).values_list("number", flat=True))  # noqa: E731
    assert seen("county_admin") == {"XJ-1", "XJ-2"}
    assert seen("township") == {"XJ-1"}
    assert seen("township_b") == {"XJ-2"}
    assert seen("other_county_admin") == set()


def test_ledger_good_bad_reimport(county, tmp_path):
    from tests.ledgers.conftest import write_xlsx

    admin = county.users["county_admin"]
    rows = [
        {"编号": "XJ-1", "类型": "培训", "日期": "2026-06-16", "所属区划": "430626101", "人数": 120,
         "资料份数": 300, "名称": "主要负责人培训"},
        {"编号": "XJ-2", "类型": "电影下乡", "日期": "2026/7/1", "所属区划": "430626102", "人数": 200},
    ]
    path = write_xlsx(tmp_path / "o.xlsx", rows, HEADERS)
    report = run_import(get_ledger("outreach"), path, admin)
    assert report.ok and report.created == 2, report.errors
    assert Activity.objects.get(number="XJ-2").kind == ActivityKind.FILM
    again = run_import(get_ledger("outreach"), path, admin)
    assert again.ok and again.unchanged == 2, again.errors
    out = tmp_path / "out.xlsx"
    export_xlsx(get_ledger("outreach"), get_ledger("outreach").export_objects(admin, {}), out)
    third = run_import(get_ledger("outreach"), out, admin)
    assert third.ok and third.unchanged == 2, third.errors
    bad = [
        {"编号": "XJ-9", "类型": "讲座", "日期": "2026-06-16", "所属区划": "430626"},
        {"编号": "XJ-8", "类型": "培训", "日期": "", "所属区划": "430102"},
        {"编号": "XJ-7", "类型": "培训", "日期": "2026-06-16", "所属区划": "430626", "人数": "-3"},
    ]
    report = run_import(get_ledger("outreach"), write_xlsx(tmp_path / "b.xlsx", bad, HEADERS), admin)
    text = [str(e) for e in report.errors]
    for prefix in ("第2行 类型", "第3行 日期", "第3行 所属区划", "第4行 人数"):
        assert any(t.startswith(prefix) for t in text), (prefix, text)
    assert Activity.objects.count() == 2
