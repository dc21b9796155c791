"""The triggers mark exactly the days a write may change (anjian/stats/migrations 0002 … 0011).

PostgreSQL's triggers (plpgsql, ``0002`` … ``0010``) and SQLite's (``0011``) must mark the same
(family, day) pairs: every test runs on both databases, and each expected set is worked out by hand
from the rule of the migration named beside it. Each ``marks(write)`` starts with no mark.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from anjian.enforcement.models import EnforcementAction, Interview
from anjian.inspections.models import Inspection
from anjian.stats.models import StaleDay
from anjian.units.models import Unit

from . import factories as f

UTC = dt.UTC
OTHER_CITY = "430102001000"  # 芙蓉区, 长沙市: another city (4301…) and county (430102) of the province (43)
OTHER_COUNTY = "430621100000"  # 岳阳县: another county (430621) of 平江县's city, 岳阳市 (4306)


def marks(write: Callable[[], Any]) -> set[tuple[str, dt.date]]:
    """The (family, day) marks of one write."""
    StaleDay.objects.all().delete()
    write()
    return set(StaleDay.objects.values_list("family", "day"))


def days(family: str, *texts: str) -> set[tuple[str, dt.date]]:
    return {(family, f.d(t)) for t in texts}


def save(obj: Any, **changes: Any) -> Callable[[], None]:
    """A write: ``obj`` with ``changes``, saved."""

    def write() -> None:
        for name, value in changes.items():
            setattr(obj, name, value)
        obj.save()

    return write


# --- inspections (0002, levels 2, 4, 6 since 0010) -------------------------------------------------


def test_inspection_insert_marks_its_day_and_the_next_of_its_unit_and_group_in_each_level(county: Any) -> None:
    chem, build_a, other = county.units["chem_a"], county.units["build_a"], county.units["other"]
    g = f.group("督导组")
    in_changsha = f.inspection(chem, "2024-03-01")
    in_yueyang_county = f.inspection(chem, "2024-03-08")
    f.inspection(chem, "2024-03-10", g)
    f.inspection(chem, "2024-04-01")
    f.inspection(other, "2024-03-05", g)
    group_in_yueyang_county = f.inspection(build_a, "2024-03-07", g)
    # Recorded elsewhere (the unit was there then): 长沙市, another city of the province, and 岳阳县,
    # another county of 岳阳市.
    Inspection.objects.filter(pk=in_changsha.pk).update(region_code=OTHER_CITY)
    Inspection.objects.filter(pk__in=[in_yueyang_county.pk, group_in_yueyang_county.pk]).update(
        region_code=OTHER_COUNTY
    )

    # Backdated, with the group: its day; chem's next one in the province (03-01, 长沙市), in the city
    # (03-08, 岳阳县) and in the county (03-10); the group's next one in the province (03-05, 芙蓉区),
    # in the city (03-07, 岳阳县) and in the county (03-10). Not 04-01: the next of no level.
    assert marks(lambda: f.inspection(chem, "2024-02-01", g)) == days(
        "inspections", "2024-02-01", "2024-03-01", "2024-03-08", "2024-03-10", "2024-03-05", "2024-03-07"
    )
    # The last one of a unit, without a group: its day alone.
    assert marks(lambda: f.inspection(chem, "2024-06-01")) == days("inspections", "2024-06-01")


def test_inspection_update_of_what_the_figures_read_marks_before_and_after(county: Any) -> None:
    chem = county.units["chem_a"]
    first = f.inspection(chem, "2024-03-01")
    moved = f.inspection(chem, "2024-04-01")
    f.inspection(chem, "2024-05-01")
    f.inspection(county.units["build_a"], "2024-07-01")

    # Before: 04-01 and its next, 05-01; after: 06-01, the last.
    assert marks(save(moved, date=f.d("2024-06-01"))) == days("inspections", "2024-04-01", "2024-05-01", "2024-06-01")
    # A head count: the day and the next (now 05-01), before and after alike.
    assert marks(save(first, official_count=3)) == days("inspections", "2024-03-01", "2024-05-01")
    g = f.group("督导组")
    assert marks(save(first, group=g)) == days("inspections", "2024-03-01", "2024-05-01")
    assert marks(save(first, expert_count=1)) == days("inspections", "2024-03-01", "2024-05-01")
    # Recorded in 长沙市: before, the next in the province, city and county (05-01); after, in the province.
    assert marks(save(first, region_code=OTHER_CITY)) == days("inspections", "2024-03-01", "2024-05-01")
    # Of another unit: before, chem has none after 06-01; after, build_a's next is 07-01.
    assert marks(save(moved, unit=county.units["build_a"])) == days("inspections", "2024-06-01", "2024-07-01")


def test_the_next_of_a_unit_is_by_day_then_id_and_of_a_group_by_day(county: Any) -> None:
    chem = county.units["chem_a"]
    x, y = f.inspection(chem, "2024-03-01"), f.inspection(chem, "2024-03-01")
    f.inspection(chem, "2024-04-01")
    # x's next is y, the same day: 04-01 keeps its previous one (y).
    assert marks(save(x, official_count=2)) == days("inspections", "2024-03-01")
    assert marks(save(y, official_count=2)) == days("inspections", "2024-03-01", "2024-04-01")

    # A group's next outing is the next day it went out: the same day is the same outing.
    g = f.group("督导组")
    g1 = f.inspection(county.units["build_a"], "2024-05-01", g)
    f.inspection(county.units["fire_b"], "2024-05-01", g)
    f.inspection(county.units["build_b"], "2024-06-01", g)
    assert marks(save(g1, official_count=2)) == days("inspections", "2024-05-01", "2024-06-01")

    p1, p2 = f.action(chem, "penalty", "2024-03-01", 100), f.action(chem, "penalty", "2024-03-01", 200)
    f.action(chem, "penalty", "2024-04-01", 300)
    assert marks(save(p1, fine_current=Decimal(50))) == days("enforcement", "2024-03-01")
    assert marks(save(p2, fine_current=Decimal(50))) == days("enforcement", "2024-03-01", "2024-04-01")

    a = f.interview("interview", "2024-03-01", [chem])
    b = f.interview("notice", "2024-03-01", [chem])
    f.interview("interview", "2024-04-01", [chem])
    assert marks(save(a, persons=2)) == days("interviews", "2024-03-01")
    assert marks(save(b, persons=2)) == days("interviews", "2024-03-01", "2024-04-01")


def test_inspection_update_of_what_the_figures_do_not_read_marks_nothing(county: Any) -> None:
    i = f.inspection(county.units["chem_a"], "2024-03-01")
    assert marks(save(i, findings="补充检查情况", unit_signatory="张三")) == set()
    assert marks(lambda: Inspection.objects.filter(pk=i.pk).update(findings="再补充")) == set()


def test_inspection_delete_marks_its_day_and_the_next_of_its_unit_and_group(county: Any) -> None:
    chem, build_a, other = county.units["chem_a"], county.units["build_a"], county.units["other"]
    g = f.group("督导组")
    f.inspection(chem, "2024-03-01")
    gone = f.inspection(chem, "2024-04-01", g)
    f.inspection(other, "2024-04-15", g)
    f.inspection(build_a, "2024-05-01", g)

    # Its day; chem has no later one; the group's next: 04-15 in the province (芙蓉区), 05-01 in the
    # city and the county. Not 03-01: an earlier one's "previous" is unchanged.
    assert marks(gone.delete) == days("inspections", "2024-04-01", "2024-04-15", "2024-05-01")


def test_inspection_officials_and_experts_mark_the_inspection_day(county: Any) -> None:
    chem = county.units["chem_a"]
    p1, p2, e1 = f.person("甲"), f.person("乙"), f.person("专家一", "expert")
    i = f.inspection(chem, "2024-03-05", None, [p1])
    f.inspection(chem, "2024-04-01", None, [p1])  # the next one: head counts do not change it

    assert marks(lambda: i.officials.add(p2)) == days("inspections", "2024-03-05")
    assert marks(lambda: i.officials.remove(p1)) == days("inspections", "2024-03-05")
    assert marks(lambda: i.experts.add(e1)) == days("inspections", "2024-03-05")
    assert marks(i.experts.clear) == days("inspections", "2024-03-05")
    # A row moved to another inspection (no ORM path does it, SQL may): both days.
    later = Inspection.objects.get(date=f.d("2024-04-01"))
    through = Inspection.officials.through.objects.filter(inspection=i)
    assert marks(lambda: through.update(inspection=later)) == days("inspections", "2024-03-05", "2024-04-01")


# --- hazards (0003; unit_id read since 0008) -------------------------------------------------------


def test_hazard_insert_marks_found_deadline_plus_one_and_closed(county: Any) -> None:
    chem = county.units["chem_a"]
    assert marks(lambda: f.hazard(chem, "2024-03-05", "2024-04-05", status="closed", closed_on="2024-04-01")) == days(
        "hazards", "2024-03-05", "2024-04-06", "2024-04-01"
    )
    # Not closed: a closed_on is not a 销号 day. The day after 29 February and after 31 December.
    assert marks(
        lambda: f.hazard(chem, "2024-02-01", "2024-02-29", status="rectifying", closed_on="2024-04-20")
    ) == days("hazards", "2024-02-01", "2024-03-01")
    assert marks(lambda: f.hazard(chem, "2024-12-01", "2024-12-31")) == days("hazards", "2024-12-01", "2025-01-01")


def test_hazard_update_marks_before_and_after_what_the_figures_read(county: Any) -> None:
    h = f.hazard(county.units["chem_a"], "2024-03-05", "2024-04-05", status="reported")

    # Short of 销号 no figure changes: a state, a closing date while not closed, a description.
    assert marks(save(h, status="submitted")) == set()
    assert marks(save(h, closed_on=f.d("2024-04-20"))) == set()
    assert marks(save(h, description="隐患描述补充")) == set()
    # 销号: before found and deadline + 1, after the closing day too.
    assert marks(save(h, status="closed", closed_on=f.d("2024-04-10"))) == days(
        "hazards", "2024-03-05", "2024-04-06", "2024-04-10"
    )
    assert marks(save(h, closed_on=f.d("2024-04-12"))) == days("hazards", "2024-03-05", "2024-04-06", "2024-04-10",
                                                                "2024-04-12")  # fmt: skip
    # Reopened: the closing day goes.
    assert marks(save(h, status="rectifying")) == days("hazards", "2024-03-05", "2024-04-06", "2024-04-12")
    assert marks(save(h, deadline=f.d("2024-04-30"))) == days("hazards", "2024-03-05", "2024-04-06", "2024-05-01")
    assert marks(save(h, found_on=f.d("2024-03-01"))) == days("hazards", "2024-03-05", "2024-03-01", "2024-05-01")
    assert marks(save(h, level="major")) == days("hazards", "2024-03-01", "2024-05-01")
    # Another unit (0008: the sector chart counts it under its unit's sector), same region.
    assert marks(save(h, unit=county.units["build_a"])) == days("hazards", "2024-03-01", "2024-05-01")
    assert marks(save(h, region_code=county.sanshizhen.code)) == days("hazards", "2024-03-01", "2024-05-01")


def test_hazard_delete_marks_its_days(county: Any) -> None:
    h = f.hazard(county.units["chem_a"], "2024-03-05", "2024-04-05", status="closed", closed_on="2024-04-01")
    f.hazard(county.units["chem_a"], "2024-03-06", "2024-04-06")
    assert marks(h.delete) == days("hazards", "2024-03-05", "2024-04-06", "2024-04-01")


# --- enforcement actions (0004, levels 2, 4, 6 since 0010) -----------------------------------------


def _actions(county: Any) -> dict[str, Any]:
    chem, build_a = county.units["chem_a"], county.units["build_a"]
    a = {
        "early": f.action(chem, "penalty", "2024-03-05", 100),
        "yueyang": f.action(chem, "penalty", "2024-03-07", 150),
        "mid": f.action(chem, "penalty", "2024-03-10", 200),
        "late": f.action(chem, "penalty", "2024-05-10", 300),
        "order": f.action(chem, "order_rectify", "2024-04-01"),
        "build": f.action(build_a, "penalty", "2024-03-20", 400),
    }
    # Recorded elsewhere (chem was there then): 03-05 in 长沙市, 03-07 in 岳阳县.
    EnforcementAction.objects.filter(pk=a["early"].pk).update(region_code=OTHER_CITY)
    EnforcementAction.objects.filter(pk=a["yueyang"].pk).update(region_code=OTHER_COUNTY)
    return a


def test_action_insert_marks_its_day_and_the_next_of_its_unit_and_kind_in_each_level(county: Any) -> None:
    _actions(county)
    # Its day; chem's next penalty in the province (03-05, 长沙市), in the city (03-07, 岳阳县) and in
    # the county (03-10).
    # Not the order of 04-01 (another kind), nor build_a's penalty (another unit).
    assert marks(lambda: f.action(county.units["chem_a"], "penalty", "2024-03-01", 50)) == days(
        "enforcement", "2024-03-01", "2024-03-05", "2024-03-07", "2024-03-10"
    )


def test_action_update_marks_before_and_after(county: Any) -> None:
    a = _actions(county)
    mid = a["mid"]
    assert marks(save(mid, cause="补充案由", legal_basis="《安全生产法》")) == set()
    # 行政复议 changed the fine: the day and the next penalty, 05-10.
    assert marks(save(mid, fine_current=Decimal("150.00"))) == days("enforcement", "2024-03-10", "2024-05-10")
    assert marks(save(mid, fine_initial=Decimal("250.00"))) == days("enforcement", "2024-03-10", "2024-05-10")
    # Of another unit: before, chem's next penalty (05-10); after, build_a's (03-20). And back.
    chem, build_a = county.units["chem_a"], county.units["build_a"]
    assert marks(save(mid, unit=build_a)) == days("enforcement", "2024-03-10", "2024-05-10", "2024-03-20")
    assert marks(save(mid, unit=chem)) == days("enforcement", "2024-03-10", "2024-05-10", "2024-03-20")
    # Recorded in 岳阳县: its next penalty in the province and the city is 05-10 before and after.
    assert marks(save(mid, region_code=OTHER_COUNTY)) == days("enforcement", "2024-03-10", "2024-05-10")
    assert marks(save(mid, region_code=chem.region_code)) == days("enforcement", "2024-03-10", "2024-05-10")
    # Another kind (an order carries no fine): before, the next penalty (05-10); after, the next order (04-01).
    assert marks(save(mid, kind="order_rectify", fine_initial=None, fine_current=None)) == days(
        "enforcement", "2024-03-10", "2024-05-10", "2024-04-01"
    )
    # Moved in time: before, the next order is 04-01; after (06-01) there is none.
    assert marks(save(mid, date=f.d("2024-06-01"))) == days("enforcement", "2024-03-10", "2024-04-01", "2024-06-01")


def test_action_delete_marks_its_day_and_the_next_in_each_level(county: Any) -> None:
    a = _actions(county)
    # Its day (in 长沙市); chem's next penalty in the province, 03-07; none in 长沙市 or 芙蓉区.
    assert marks(a["early"].delete) == days("enforcement", "2024-03-05", "2024-03-07")


# --- documents and outreach (0005) ------------------------------------------------------------------


def test_document_marks_its_day(county: Any) -> None:
    chem = county.units["chem_a"]
    doc: Any = None

    def issue() -> None:
        nonlocal doc
        doc = f.document(chem, county.yingji, "2024-03-06")

    assert marks(issue) == days("documents", "2024-03-06")
    assert marks(save(doc, sha256="1" * 64)) == set()
    assert marks(save(doc, issued_on=f.d("2024-03-07"))) == days("documents", "2024-03-06", "2024-03-07")
    assert marks(save(doc, region_code=county.sanshizhen.code)) == days("documents", "2024-03-07")
    assert marks(doc.delete) == days("documents", "2024-03-07")


def test_outreach_activity_marks_its_day(county: Any) -> None:
    act: Any = None

    def hold() -> None:
        nonlocal act
        act = f.activity("training", "2024-03-01", attendees=50)

    assert marks(hold) == days("outreach", "2024-03-01")
    assert marks(save(act, name="安全生产月培训")) == set()
    assert marks(save(act, attendees=60)) == days("outreach", "2024-03-01")
    assert marks(save(act, materials=100)) == days("outreach", "2024-03-01")
    assert marks(save(act, kind="drill")) == days("outreach", "2024-03-01")
    assert marks(save(act, region_code=county.sanshizhen.code)) == days("outreach", "2024-03-01")
    assert marks(save(act, date=f.d("2024-03-02"))) == days("outreach", "2024-03-01", "2024-03-02")
    assert marks(act.delete) == days("outreach", "2024-03-02")


# --- interviews (0006) ------------------------------------------------------------------------------


def _interviews(county: Any) -> dict[str, Any]:
    chem, fire = county.units["chem_a"], county.units["fire_b"]
    return {
        "chem_t": f.interview("interview", "2024-03-01", [chem], persons=2),
        "both_t": f.interview("notice", "2024-04-01", [chem, fire]),
        "chem_x": f.interview("exposure", "2024-03-15", [chem]),
        "fire_t": f.interview("interview", "2024-05-01", [fire], persons=1),
        "chem_x2": f.interview("exposure", "2024-06-01", [chem]),
    }


def test_interview_insert_then_its_units_mark_the_next_of_each_unit_and_class(county: Any) -> None:
    _interviews(county)
    chem, fire = county.units["chem_a"], county.units["fire_b"]
    iv: Any = None

    def hold() -> None:
        nonlocal iv
        iv = f.interview("interview", "2024-02-01", [])

    # Naming no unit yet: its day.
    assert marks(hold) == days("interviews", "2024-02-01")
    # Each unit named: the day, and that unit's next 约谈/通报 (chem 03-01, fire 04-01); not the
    # exposures (another class) nor fire's 05-01 (not the next).
    assert marks(lambda: iv.units.set([chem, fire])) == days("interviews", "2024-02-01", "2024-03-01", "2024-04-01")


def test_interview_units_add_and_remove(county: Any) -> None:
    iv = _interviews(county)
    fire = county.units["fire_b"]
    # fire named on 03-01: its next 约谈/通报 is 04-01.
    assert marks(lambda: iv["chem_t"].units.add(fire)) == days("interviews", "2024-03-01", "2024-04-01")
    # chem no longer exposed on 03-15: its next exposure is 06-01.
    assert marks(lambda: iv["chem_x"].units.remove(county.units["chem_a"])) == days(
        "interviews", "2024-03-15", "2024-06-01"
    )
    # A row naming another unit (no ORM path does it, SQL may): the event's day, and the next of the
    # same class of the unit before and of the unit after. Exposed on 06-01: neither chem nor fire is
    # exposed later. Told on 03-01: fire's next is 04-01, build_b has none.
    rows = Interview.units.through.objects.filter(interview=iv["chem_x2"])
    assert marks(lambda: rows.update(unit=fire)) == days("interviews", "2024-06-01")
    rows = Interview.units.through.objects.filter(interview=iv["chem_t"], unit=fire)
    assert marks(lambda: rows.update(unit=county.units["build_b"])) == days("interviews", "2024-03-01", "2024-04-01")


def test_interview_update_marks_before_and_after(county: Any) -> None:
    iv = _interviews(county)
    both = iv["both_t"]
    assert marks(save(both, reason="未按期整改", person_names="张三")) == set()
    # 04-01 → 02-15. Before: 04-01, chem has no later 约谈/通报, fire's next is 05-01. After: 02-15,
    # chem's next 03-01, fire's next 05-01.
    assert marks(save(both, date=f.d("2024-02-15"))) == days("interviews", "2024-04-01", "2024-05-01", "2024-02-15",
                                                              "2024-03-01")  # fmt: skip
    # 约谈 → 曝光 on 03-01: before, chem's next 约谈/通报 (none after 03-01 now that the notice is on
    # 02-15); after, chem's next exposure, 03-15.
    chem_t = iv["chem_t"]
    assert marks(save(chem_t, kind="exposure")) == days("interviews", "2024-03-01", "2024-03-15")
    assert marks(save(chem_t, persons=5)) == days("interviews", "2024-03-01", "2024-03-15")


def test_interview_delete_marks_its_day_and_the_next_of_each_unit(county: Any) -> None:
    iv = _interviews(county)
    # Its units go first (chem: no later 约谈/通报; fire: 05-01), then the event, naming none.
    assert marks(iv["both_t"].delete) == days("interviews", "2024-04-01", "2024-05-01")


# --- units (0007, the local day of Asia/Shanghai; 0006 moved; 0008 sector) -------------------------


def test_unit_insert_marks_the_local_day_it_was_created(county: Any) -> None:
    sector = county.sectors["commerce"]

    def create(name: str, **kw: Any) -> Callable[[], Unit]:
        return lambda: Unit.objects.create(name=name, region_code=county.sanshizhen.code, sector=sector, **kw)

    # 17:30 UTC on 31 March is 01:30 on 1 April in Shanghai.
    with time_machine.travel(dt.datetime(2024, 3, 31, 17, 30, tzinfo=UTC), tick=False):
        assert marks(create("夜班单位")) == days("units", "2024-04-01")
    with time_machine.travel(dt.datetime(2024, 3, 31, 15, 59, 59, tzinfo=UTC), tick=False):
        assert marks(create("晚班单位")) == days("units", "2024-03-31")
        # Deregistered at 16:00 UTC on 30 June: 1 July, 00:00 in Shanghai.
        gone = dt.datetime(2024, 6, 30, 16, 0, tzinfo=UTC)
        assert marks(create("注销单位", is_active=False, deactivated_at=gone)) == days(
            "units", "2024-03-31", "2024-07-01"
        )


def test_unit_update_marks_its_local_days_before_and_after(county: Any) -> None:
    u = county.units["chem_a"]  # key supervision
    # Created at 00:30 on 11 January in Shanghai.
    Unit.objects.filter(pk=u.pk).update(created_at=dt.datetime(2024, 1, 10, 16, 30, tzinfo=UTC))
    u.refresh_from_db()

    assert marks(save(u, phone="0730-1234567", address="安定镇工业园2号")) == set()
    assert marks(save(u, key_supervision=False)) == days("units", "2024-01-11")
    assert marks(save(u, status="suspended")) == set()  # only closed or not is read
    assert marks(save(u, status="closed")) == days("units", "2024-01-11")
    # Deregistered at 00:10 on 21 May in Shanghai.
    deregister = save(u, is_active=False, deactivated_at=dt.datetime(2024, 5, 20, 16, 10, tzinfo=UTC))
    assert marks(deregister) == days("units", "2024-01-11", "2024-05-21")
    # Created at 23:00 on 1 February in Shanghai.
    later = dt.datetime(2024, 2, 1, 15, 0, tzinfo=UTC)
    assert marks(lambda: Unit.objects.filter(pk=u.pk).update(created_at=later)) == days(
        "units", "2024-01-11", "2024-05-21", "2024-02-01"
    )
    u.refresh_from_db()
    assert marks(save(u, is_active=True)) == days("units", "2024-02-01", "2024-05-21")
    assert marks(save(u, deactivated_at=None)) == days("units", "2024-02-01", "2024-05-21")


def test_unit_delete_marks_its_local_days(county: Any) -> None:
    with time_machine.travel(dt.datetime(2024, 8, 31, 20, 0, tzinfo=UTC), tick=False):
        u = Unit.objects.create(
            name="临时单位",
            region_code=county.sanshizhen.code,
            sector=county.sectors["commerce"],
            is_active=False,
            deactivated_at=dt.datetime(2024, 9, 1, 1, 0, tzinfo=UTC),
        )
    assert marks(u.delete) == days("units", "2024-09-01")


def test_unit_moved_marks_the_days_of_the_events_naming_it(county: Any) -> None:
    _interviews(county)
    fire = county.units["fire_b"]
    Unit.objects.filter(pk=fire.pk).update(created_at=dt.datetime(2024, 1, 10, 8, 0, tzinfo=UTC))
    fire.refresh_from_db()
    # The events naming fire (04-01, 05-01) count in its new region; its registry row moves too.
    assert marks(save(fire, region_code=county.andingzhen.code)) == days(
        "interviews", "2024-04-01", "2024-05-01"
    ) | days("units", "2024-01-10")


def test_unit_sector_change_marks_its_hazards_and_inspections(county: Any) -> None:
    chem, build_a = county.units["chem_a"], county.units["build_a"]
    f.hazard(chem, "2024-03-05", "2024-04-05", status="closed", closed_on="2024-04-01")
    f.hazard(chem, "2024-05-01", "2024-05-31", status="rectifying")
    f.hazard(build_a, "2024-07-01", "2024-07-31")
    f.inspection(chem, "2024-03-05")
    f.inspection(chem, "2024-06-10")
    f.inspection(build_a, "2024-07-01")
    f.interview("interview", "2024-08-01", [chem])
    # The sector is no column of the registry rows, nor of the interviews (chem stays where it is).
    assert marks(save(chem, sector=county.sectors["construction"])) == days(
        "hazards", "2024-03-05", "2024-04-06", "2024-04-01", "2024-05-01", "2024-06-01"
    ) | days("inspections", "2024-03-05", "2024-06-10")


def test_sqlite_local_day_is_a_fixed_offset_or_refused() -> None:
    from anjian.stats.migrations._vendor import sqlite_local_day_modifier

    assert sqlite_local_day_modifier("Asia/Shanghai") == "+480 minutes"
    assert sqlite_local_day_modifier("Asia/Kolkata") == "+330 minutes"
    assert sqlite_local_day_modifier("UTC") == "+0 minutes"
    with pytest.raises(ValueError, match="Europe/Berlin"):
        sqlite_local_day_modifier("Europe/Berlin")  # summer time
