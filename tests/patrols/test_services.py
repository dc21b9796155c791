"""patrol_record and patrol_link_hazard: who may record for which unit, validation (nothing written),
idempotent retries, the audit entries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from anjian.core.models import AuditEntry, IdempotencyKey
from anjian.hazards.models import Source
from anjian.hazards.services import HazardData, hazard_report
from anjian.patrols.models import Outcome, Patrol
from anjian.patrols.services import PatrolData, PatrolError, PermissionDenied, patrol_link_hazard, patrol_record
from anjian.units.models import Unit
from anjian.units.services import unit_deactivate
from tests.patrols.conftest import TODAY, record

REFUSED = ["department", "leader", "auditor", "expert", "unit_staff", "sysadmin"]


def nothing_written() -> bool:
    return not Patrol.objects.exists() and not AuditEntry.objects.filter(action__startswith="patrol.").exists()


# --- who records what ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "unit"),
    [
        ("grid_worker", "chem_a"),  # their own grid
        ("township", "build_a"),  # a unit of their township (in a village, in grid_b)
        ("township_b", "build_b"),  # a unit of their township outside any grid
        ("county_admin", "fire_b"),  # anywhere in the county
    ],
)
def test_recorders_record_in_their_scope(county, persona, unit):
    u = county.units[unit]
    patrol, created = patrol_record(actor=county.users[persona], data=PatrolData(unit=u, note="  未见异常 "))
    assert created
    assert (patrol.unit, patrol.grid_id, patrol.region_code) == (u, u.grid_id, u.region_code)
    assert (patrol.patrolled_on, patrol.by, patrol.outcome, patrol.note) == (
        TODAY, county.users[persona], Outcome.NORMAL, "未见异常"
    )


@pytest.mark.parametrize(
    ("persona", "unit", "message"),
    [
        ("grid_worker", "build_a", "该单位不在您的网格内"),  # another grid of the same township
        ("grid_worker", "fire_b", "该单位不在您的网格内"),
        ("township", "fire_b", "该单位不在您的管辖范围内"),  # another township
        ("county_admin", "other", "该单位不在您的管辖范围内"),  # another county
    ],
)
def test_units_outside_scope_are_refused(county, persona, unit, message):
    with pytest.raises(PatrolError) as exc:
        record(county, persona, unit)
    assert exc.value.errors == {"unit": [message]}
    assert nothing_written()


@pytest.mark.parametrize("persona", REFUSED)
def test_other_roles_may_not_record(county, persona):
    user = county.users[persona]
    with pytest.raises(PermissionDenied) as exc:
        record(county, persona, "chem_a")
    assert str(exc.value).startswith(f"{user.get_role_display()}不能登记巡查")
    assert nothing_written()


def test_grid_worker_without_a_grid_records_nothing(county):
    worker = county.users["grid_worker"]
    worker.grid = None
    worker.save()
    with pytest.raises(PatrolError) as exc:
        record(county, "grid_worker", "chem_a")
    assert exc.value.errors == {"unit": ["该单位不在您的网格内"]}


# --- validation ------------------------------------------------------------------------------------


def test_date_not_in_the_future(county):
    with pytest.raises(PatrolError) as exc:
        record(county, "grid_worker", "chem_a", TODAY + dt.timedelta(days=1))
    assert exc.value.errors == {"patrolled_on": ["巡查日期不能晚于今天"]}
    assert nothing_written()


def test_date_not_before_the_unit_was_registered(county):
    # Registered 2026-01-05 (conftest): the 4th is refused, the 5th is accepted.
    with pytest.raises(PatrolError) as exc:
        record(county, "grid_worker", "chem_a", dt.date(2026, 1, 4))
    assert exc.value.errors == {"patrolled_on": ["巡查日期不能早于单位建档日期（2026-01-05）"]}
    assert nothing_written()
    assert record(county, "grid_worker", "chem_a", dt.date(2026, 1, 5)).patrolled_on == dt.date(2026, 1, 5)


def test_deregistered_unit_is_refused(county):
    unit_deactivate(actor=county.users["county_admin"], unit=county.units["chem_a"], reason="已搬离本县")
    with pytest.raises(PatrolError) as exc:
        record(county, "grid_worker", "chem_a")
    assert exc.value.errors == {"unit": ["该单位已注销，不能登记巡查"]}
    assert nothing_written()


def test_outcome_note_and_location_checked(county):
    with pytest.raises(PatrolError) as exc:
        record(county, "grid_worker", "chem_a", outcome="fine", note="字" * 2001, lat=Decimal("28.7"))
    assert exc.value.errors == {
        "outcome": ["请选择巡查结果"], "note": ["情况说明最多 2000 字"], "__all__": ["位置须同时有经度和纬度"],
    }
    assert nothing_written()
    p = record(county, "grid_worker", "chem_a", lat=Decimal("28.701234"), lng=Decimal("113.583456"))
    p.refresh_from_db()
    assert (p.lat, p.lng) == (Decimal("28.701234"), Decimal("113.583456"))


@pytest.mark.parametrize(
    ("lat", "lng"),
    [("90.000001", "113.5"), ("-90.5", "113.5"), ("28.7", "180.000001"), ("28.7", "-181")],
)
def test_a_location_out_of_range_is_refused(county, lat, lng):
    with pytest.raises(PatrolError) as exc:
        record(county, "grid_worker", "chem_a", lat=Decimal(lat), lng=Decimal(lng))
    assert exc.value.errors == {"__all__": ["位置的经纬度超出范围"]}
    assert nothing_written()
    # The ends of the ranges are places too.
    p = record(county, "grid_worker", "chem_a", lat=Decimal("-90"), lng=Decimal("180"))
    assert (p.lat, p.lng) == (Decimal("-90"), Decimal("180"))


# --- retries ---------------------------------------------------------------------------------------


def test_a_retried_key_returns_the_first_record(county):
    worker = county.users["grid_worker"]
    data = PatrolData(unit=county.units["chem_a"], note="第一次")
    first, created = patrol_record(actor=worker, data=data, idempotency_key="k-1")
    again, created_again = patrol_record(actor=worker, data=PatrolData(unit=county.units["chem_a"], note="重试"),
                                         idempotency_key="k-1")
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk and Patrol.objects.count() == 1 and Patrol.objects.get().note == "第一次"
    assert AuditEntry.objects.filter(action="patrol.record").count() == 1
    assert IdempotencyKey.objects.filter(user=worker, scope="patrols.record", key="k-1").count() == 1
    # Even once the retry's data would be refused (the day is in the future now), the first record answers.
    late = PatrolData(unit=county.units["chem_a"], patrolled_on=TODAY + dt.timedelta(days=3))
    assert patrol_record(actor=worker, data=late, idempotency_key="k-1") == (first, False)
    # Another key is another visit.
    assert patrol_record(actor=worker, data=data, idempotency_key="k-2")[1] is True
    assert Patrol.objects.count() == 2


# --- audit -----------------------------------------------------------------------------------------


def test_recording_is_audited(county):
    p = record(county, "grid_worker", "chem_a", dt.date(2026, 6, 10), outcome=Outcome.NO_PRINCIPAL, note="大门紧锁")
    entry = AuditEntry.objects.get(action="patrol.record")
    assert (entry.actor, entry.object_type, entry.object_id) == (county.users["grid_worker"], "patrols.patrol",
                                                                 str(p.pk))
    assert entry.changes == {
        "unit": county.units["chem_a"].pk, "grid": county.grid_a.pk, "region_code": "430626101000",
        "patrolled_on": "2026-06-10", "outcome": "no_principal", "note": "大门紧锁", "hazard": None,
        "lat": None, "lng": None,
    }
    assert entry.object_repr == "2026-06-10 平江县汇丰化工有限公司 未见负责人"


# --- the hazard the finding was reported as --------------------------------------------------------


def _hazard(county, unit="chem_a"):
    hazard, _ = hazard_report(actor=county.users["grid_worker" if unit == "chem_a" else "county_admin"],
                              data=HazardData(unit=county.units[unit], description="灭火器过期", level="general",
                                              found_on=TODAY, deadline=TODAY + dt.timedelta(days=7),
                                              source=Source.GRID if unit == "chem_a" else Source.INSPECTION))
    return hazard


def test_link_hazard(county):
    patrol = record(county, "grid_worker", "chem_a")
    hazard = _hazard(county)
    patrol_link_hazard(actor=county.users["grid_worker"], patrol=patrol, hazard=hazard)
    patrol.refresh_from_db()
    assert (patrol.hazard, patrol.outcome) == (hazard, Outcome.HAZARD_FOUND)
    entry = AuditEntry.objects.get(action="patrol.link_hazard")
    assert entry.changes == {"outcome": ["normal", "hazard_found"], "hazard": [None, hazard.pk]}
    with pytest.raises(PatrolError) as exc:
        patrol_link_hazard(actor=county.users["grid_worker"], patrol=patrol, hazard=hazard)
    assert exc.value.errors == {"hazard": ["该巡查已关联隐患"]}


def test_link_hazard_of_another_unit_or_out_of_scope_is_refused(county):
    patrol = record(county, "township", "chem_a")
    other = _hazard(county, "build_a")  # 安定镇, grid_b
    with pytest.raises(PatrolError) as exc:
        patrol_link_hazard(actor=county.users["township"], patrol=patrol, hazard=other)
    assert exc.value.errors == {"hazard": ["只能关联本单位的隐患"]}
    # The grid worker sees neither grid_b's hazard … nor could they link it.
    with pytest.raises(PatrolError) as exc:
        patrol_link_hazard(actor=county.users["grid_worker"], patrol=patrol, hazard=other)
    assert exc.value.errors == {"hazard": ["未找到该隐患"]}
    # … and another grid's patrol is not theirs to change.
    foreign = record(county, "township", "build_a")
    with pytest.raises(PatrolError):
        patrol_link_hazard(actor=county.users["grid_worker"], patrol=foreign, hazard=other)
    with pytest.raises(PermissionDenied):
        patrol_link_hazard(actor=county.users["leader"], patrol=patrol, hazard=other)
    assert not Patrol.objects.filter(hazard__isnull=False).exists()
    assert not AuditEntry.objects.filter(action="patrol.link_hazard").exists()


def test_a_hazard_is_linked_only_to_a_visit_that_found_one(county):
    hazard = _hazard(county)
    with pytest.raises(PatrolError) as exc:
        record(county, "grid_worker", "chem_a", hazard=hazard)
    assert exc.value.errors == {"hazard": ["只有巡查结果为“发现隐患”时才能关联隐患"]}
    p = record(county, "grid_worker", "chem_a", hazard=hazard, outcome=Outcome.HAZARD_FOUND)
    assert p.hazard == hazard


def test_unit_moved_to_another_grid_keeps_its_past_visits_where_they_were_made(county):
    p = record(county, "grid_worker", "chem_a")
    Unit.objects.filter(pk=county.units["chem_a"].pk).update(grid=county.grid_b)
    p.refresh_from_db()
    assert p.grid == county.grid_a
