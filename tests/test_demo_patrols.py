"""The demo county's grid patrols (anjian.demo.patrols): a pure, seeded plan of the last 60 days, recorded
through patrol_record by each grid's worker, with coverage that differs by grid and township, visits linked to
the hazards grid workers reported, and locations near the units.

The plan is tested on a hand-made county (no database), the loader on a small demo county
(``load_demo(n_units=300, n_hazards=220)``) loaded once for the class in a transaction rolled back afterwards;
determinism with the other demo records in tests/test_demo_activity.py (test_two_loads_give_the_same_work), the
full county's coverage in tests/test_demo.py (TestDemoCounty).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from anjian.accounts.models import User
from anjian.accounts.roles import Role
from anjian.core.models import AuditEntry
from anjian.core.scope import scoped
from anjian.demo import patrols as demo_patrols
from anjian.demo.loader import DemoResult, load_demo, registered_at
from anjian.demo.patrols import Facts, GridFacts, HazardFacts, UnitFacts
from anjian.hazards.models import Source
from anjian.patrols import selectors
from anjian.patrols.models import Outcome, Patrol
from anjian.regions.services import builtin_rows, divisions_import
from anjian.units.models import Unit

TODAY = dt.date(2026, 11, 26)


# --- the plan, on a hand-made county ------------------------------------------------------------


def facts(today: dt.date = TODAY) -> Facts:
    grids = tuple(GridFacts(10 + i, f"{'安定镇' if i < 4 else '三市镇'}第{i % 4 + 1}网格",
                            "430626101" if i < 4 else "430626102") for i in range(8))
    grids = (GridFacts(10, demo_patrols.DEMO_GRID, "430626101"), *grids[1:])
    units = tuple(
        UnitFacts(100 + i, 10 + i % 8, "430626101" if i % 8 < 4 else "430626102", i % 3 == 0,
                  "closed" if i == 5 else "normal", Decimal("113.580000") + Decimal(i) / 1000,
                  Decimal("28.700000") if i % 10 else None, today - dt.timedelta(days=400 if i != 7 else 20))
        for i in range(160)
    )
    hazards = tuple(HazardFacts(900 + i, 100 + i * 8, 10, today - dt.timedelta(days=i * 6)) for i in range(5))
    return Facts(today, grids, units, hazards)


def test_the_plan_is_pure_and_seeded():
    a = demo_patrols.plan(facts(), 7)
    assert a == demo_patrols.plan(facts(), 7)
    assert a != demo_patrols.plan(facts(), 8)
    assert [(v.day, v.minute) for v in a] == sorted((v.day, v.minute) for v in a)


def test_the_plan_keeps_the_rules():
    f = facts()
    visits = demo_patrols.plan(f, 3)
    units = {u.id: u for u in f.units}
    grids = {g.id: g for g in f.grids}
    assert len({(v.unit_id, v.day) for v in visits}) == len(visits)  # one visit a unit a day
    for v in visits:
        u = units[v.unit_id]
        assert TODAY - dt.timedelta(days=demo_patrols.DAYS - 1) <= v.day <= TODAY and v.day >= u.registered
        assert v.by in (("grid", u.grid_id), ("township", grids[u.grid_id].township))  # type: ignore[index]
        assert (v.hazard_id is not None) == (v.outcome == "hazard_found")
        if u.status == "closed":
            assert v.outcome == "stopped"
        if v.lat is not None:
            assert u.lat is not None and abs(v.lat - u.lat) < Decimal("0.002") and abs(v.lng - u.lng) < Decimal("0.002")  # type: ignore[operator]
        assert 8 * 60 <= v.minute < 18 * 60
    # Each hazard the grid worker reported is a visit of that day, by that worker.
    found = {(v.unit_id, v.day, v.hazard_id) for v in visits if v.hazard_id}
    assert found == {(h.unit_id, h.found_on, h.id) for h in f.hazards}
    assert all(v.by == ("grid", 10) for v in visits if v.hazard_id)
    # The demo grid is well covered.
    mine = [u for u in f.units if u.grid_id == 10 and u.status != "closed"]
    assert len({v.unit_id for v in visits if units[v.unit_id].grid_id == 10}) >= 0.75 * len(mine)
    assert Counter(v.outcome for v in visits)["normal"] > 0.7 * len(visits)


# --- the loader, on a small demo county ----------------------------------------------------------


@pytest.fixture(scope="class")
def county(django_db_setup: None, django_db_blocker: Any) -> Iterator[DemoResult]:
    with django_db_blocker.unblock(), transaction.atomic():
        divisions_import(list(builtin_rows("430626")))  # 平江县 only: fast
        yield load_demo(n_units=300, n_hazards=220)
        transaction.set_rollback(True)


@pytest.mark.usefixtures("db")
class TestDemoPatrols:
    def test_the_result_names_what_was_made(self, county):
        n = Patrol.objects.count()
        assert n > 150 and county.patrols_created == n
        assert county.patrols_summary.startswith(f"演示网格巡查 {n} 次（近60天）")
        assert county.patrols_summary in county.activity_summary.splitlines()  # load-demo prints it

    def test_the_units_were_registered_before_their_history(self, county):
        assert set(Unit.objects.values_list("created_at", flat=True)) == {registered_at()}

    def test_visits_of_the_last_60_days_by_the_grid_s_worker(self, county):
        today = timezone.localdate()
        for p in Patrol.objects.select_related("by", "unit"):
            assert today - dt.timedelta(days=59) <= p.patrolled_on <= today
            assert (p.grid_id, p.region_code) == (p.unit.grid_id, p.unit.region_code)
            if p.by.role == Role.GRID_WORKER:
                assert p.by.grid_id == p.grid_id
            else:  # the township's officer standing in
                assert p.by.role == Role.TOWNSHIP and p.region_code.startswith(p.by.org.region_code[:9])
            assert timezone.localdate(p.created_at) == p.patrolled_on  # 登记时间: the visit's day
        assert set(Patrol.objects.values_list("outcome", flat=True)) == set(Outcome.values)
        assert Patrol.objects.filter(by__role=Role.TOWNSHIP).exists()

    def test_visits_that_found_a_hazard_point_to_it(self, county):
        found = Patrol.objects.exclude(hazard=None).select_related("hazard")
        assert found.exists()
        assert not Patrol.objects.filter(outcome=Outcome.HAZARD_FOUND, hazard=None).exists()
        for p in found:
            h = p.hazard
            assert (h.unit_id, h.found_on, h.reported_by_id) == (p.unit_id, p.patrolled_on, p.by_id)
            assert h.source == Source.GRID

    def test_locations_near_the_unit(self, county):
        located = Patrol.objects.exclude(lat=None).select_related("unit")
        assert 0.6 * Patrol.objects.count() < located.count() < Patrol.objects.count()
        for p in located:
            assert abs(p.lat - p.unit.lat) < Decimal("0.002") and abs(p.lng - p.unit.lng) < Decimal("0.002")

    def test_coverage_differs_and_some_units_are_never_visited(self, county):
        admin = User.objects.get(username="demo_admin")
        today = timezone.localdate()
        cov = selectors.coverage(admin, today - dt.timedelta(days=59), today, by="township")
        rates = [r.rate for r in cov.rows if r.units >= 5]
        assert max(rates) - min(rates) > 0.3  # type: ignore[operator]
        assert 0.3 < cov.total.rate < 0.85  # type: ignore[operator]
        assert cov.total.visits == Patrol.objects.count()
        assert selectors.not_visited(admin, today - dt.timedelta(days=59)).exists()

    def test_demo_grid_has_visits_of_its_own_grid(self, county):
        worker = User.objects.get(username="demo_grid")
        mine = scoped(worker, Patrol.objects.all())
        assert mine.exists() and set(mine.values_list("by", flat=True)) == {worker.pk}
        today = timezone.localdate()
        cov = selectors.coverage(User.objects.get(username="demo_township"), today - dt.timedelta(days=59), today)
        row = next(r for r in cov.rows if r.key == str(worker.grid_id))
        assert row.units == 0 or row.rate >= 0.6  # type: ignore[operator]

    def test_every_visit_is_audited(self, county):
        entries = AuditEntry.objects.filter(action="patrol.record")
        assert entries.count() == Patrol.objects.count()
        assert AuditEntry.objects.filter(action="demo.patrols").count() == 1

    def test_a_second_load_adds_no_patrols(self, county):
        before = Patrol.objects.count()
        result = demo_patrols.load_patrols(seed=1)
        assert result.skipped == "演示县已有巡查记录，未再生成巡查" and Patrol.objects.count() == before
