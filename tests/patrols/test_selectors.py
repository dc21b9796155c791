"""Coverage and the not-visited list, worked out by hand (tests/patrols/conftest.py ``visits``), per persona;
the list's scope and filters; one query per table whatever the number of grids."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from anjian.patrols import selectors
from anjian.patrols.models import Outcome, Patrol
from anjian.patrols.selectors import NO_GRID, NO_GRID_NAME, PatrolFilters, coverage, not_visited, patrol_list
from anjian.regions.models import Grid
from tests.patrols.conftest import PERIOD, add_unit, record


def table(cov):
    """(name, units, visited, not visited, rate, visits) per row, then the totals row."""
    return [(r.name, r.units, r.visited, r.not_visited, r.rate_text, r.visits) for r in [*cov.rows, cov.total]]


# --- coverage --------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["county_admin", "leader"])
def test_coverage_by_grid_for_the_county(visits, persona):
    cov = coverage(visits.users[persona], *PERIOD, by="grid")
    assert table(cov) == [
        ("安定镇第一网格", 2, 1, 1, "50.00%", 3),  # chem_a twice counts once; a_closed's visit is a visit
        ("安定镇第二网格", 3, 2, 1, "66.67%", 3),  # build_a on the last day; b2 the day before the first
        (NO_GRID_NAME, 2, 1, 1, "50.00%", 1),  # fire_b visited the day after the period
        ("合计", 7, 4, 3, "57.14%", 7),
    ]
    assert cov.total.rate == Fraction(4, 7)
    assert [r.township for r in cov.rows] == ["安定镇", "安定镇", ""]
    assert [r.key for r in cov.rows] == [str(visits.grid_a.pk), str(visits.grid_b.pk), NO_GRID]


def test_coverage_by_township(visits):
    cov = coverage(visits.users["county_admin"], *PERIOD, by="township")
    assert table(cov) == [
        ("安定镇", 5, 3, 2, "60.00%", 6),
        ("三市镇", 2, 1, 1, "50.00%", 1),
        ("合计", 7, 4, 3, "57.14%", 7),
    ]
    assert [r.key for r in cov.rows] == ["430626101", "430626102"]


def test_period_edges_are_inclusive(visits):
    admin = visits.users["county_admin"]
    # One day: the first day holds chem_a's visit only.
    assert table(coverage(admin, PERIOD[0], PERIOD[0]))[-1] == ("合计", 7, 1, 6, "14.29%", 1)
    # The day after the period: fire_b's visit.
    day = dt.date(2026, 6, 16)
    assert table(coverage(admin, day, day))[-1] == ("合计", 7, 1, 6, "14.29%", 1)
    # Widened by a day at each end: b2 (05-31) and fire_b (06-16) come in.
    assert table(coverage(admin, dt.date(2026, 5, 31), day))[-1] == ("合计", 7, 6, 1, "85.71%", 9)


def test_coverage_for_a_township_officer(visits):
    assert table(coverage(visits.users["township"], *PERIOD)) == [
        ("安定镇第一网格", 2, 1, 1, "50.00%", 3),
        ("安定镇第二网格", 3, 2, 1, "66.67%", 3),
        ("合计", 5, 3, 2, "60.00%", 6),
    ]
    # 三市镇 has no grid: its units are the one row outside any grid.
    assert table(coverage(visits.users["township_b"], *PERIOD)) == [
        (NO_GRID_NAME, 2, 1, 1, "50.00%", 1),
        ("合计", 2, 1, 1, "50.00%", 1),
    ]


def test_coverage_for_a_department_counts_its_sectors_units(visits):
    # 应急管理局: hazardous chemicals and fireworks — chem_a (grid_a) and fire_b (no grid).
    assert table(coverage(visits.users["department"], *PERIOD)) == [
        ("安定镇第一网格", 1, 1, 0, "100.00%", 2),
        ("安定镇第二网格", 0, 0, 0, "—", 0),
        (NO_GRID_NAME, 1, 0, 1, "0.00%", 0),
        ("合计", 2, 1, 1, "50.00%", 2),
    ]


def test_coverage_for_a_grid_worker_is_their_grid(visits):
    assert table(coverage(visits.users["grid_worker"], *PERIOD)) == [
        ("安定镇第一网格", 2, 1, 1, "50.00%", 3),
        ("合计", 2, 1, 1, "50.00%", 3),
    ]


def test_coverage_of_another_county_sees_none_of_this_one(visits):
    assert table(coverage(visits.users["other_county_admin"], *PERIOD)) == [
        (NO_GRID_NAME, 1, 0, 1, "0.00%", 0),
        ("合计", 1, 0, 1, "0.00%", 0),
    ]


def test_nothing_to_cover_is_a_dash(county):
    assert table(coverage(county.users["county_admin"], *PERIOD))[-1] == ("合计", 4, 0, 4, "0.00%", 0)
    Grid.objects.create(township=county.andingzhen, name="安定镇第三网格", region_code=county.andingzhen.code)
    cov = coverage(county.users["county_admin"], *PERIOD)
    assert ("安定镇第三网格", 0, 0, 0, "—", 0) in table(cov)


def test_unknown_grouping_is_refused(county):
    with pytest.raises(ValueError):
        coverage(county.users["county_admin"], *PERIOD, by="village")  # type: ignore[arg-type]


def _grids_with_visits(county, n, start=0):
    for i in range(start, start + n):
        grid = Grid.objects.create(township=county.sanshizhen, name=f"三市镇第{i + 1}网格",
                                   region_code=county.sanshizhen.code)
        for j in range(2):
            key = f"g{i}u{j}"
            add_unit(county, key, f"三市镇网格{i + 1}单位{j + 1}", 100 + i * 10 + j, grid=grid,
                     region=county.sanshizhen)
            record(county, "county_admin", key, dt.date(2026, 6, 2 + j))


@pytest.mark.parametrize("persona", ["county_admin", "department"])
def test_one_query_per_table_whatever_the_number_of_grids(county, django_assert_max_num_queries, persona):
    user = county.users[persona]
    user.org  # noqa: B018 - the organisation is loaded once per request, before any selector
    counts = []
    for n, start in ((2, 0), (8, 2)):  # 2 grids, then 10
        _grids_with_visits(county, n, start)
        # The grids, the units, the patrols (and for a department its sectors, once per scoped table).
        with CaptureQueriesContext(connection) as ctx, django_assert_max_num_queries(5):
            cov = coverage(user, *PERIOD, by="grid")
        counts.append(len(ctx.captured_queries))
        assert len(cov.rows) >= n
    assert counts[0] == counts[1]
    assert not_visited(user, *PERIOD).count() == cov.total.not_visited
    if persona == "county_admin":
        assert len(cov.rows) == 2 + 10 + 1 and cov.total.units == 4 + 20 and cov.total.visited == 20


# --- not visited -----------------------------------------------------------------------------------


def names(qs):
    return [u.name for u in qs]


def test_not_visited_in_the_period_is_the_coverage_figure(visits):
    admin = visits.users["county_admin"]
    qs = not_visited(admin, *PERIOD)
    # Never visited first, then the longest unvisited: a2 (never), b2 (05-31), fire_b (06-16).
    assert names(qs) == ["平江县安定百货商店", "平江县小田食品厂", "三市镇花炮批发部"]
    assert [u.last_patrolled_on for u in qs] == [None, dt.date(2026, 5, 31), dt.date(2026, 6, 16)]
    cov = coverage(admin, *PERIOD)
    for row in cov.rows:
        assert not_visited(admin, *PERIOD, grid=row.key).count() == row.not_visited
    assert names(not_visited(admin, *PERIOD, grid=NO_GRID)) == ["三市镇花炮批发部"]
    by_town = coverage(admin, *PERIOD, by="township")
    for row in by_town.rows:
        assert not_visited(admin, *PERIOD, township=row.key).count() == row.not_visited


def test_not_visited_since_a_day(visits):
    admin = visits.users["county_admin"]
    # No visit on or after 06-10: chem_a (06-10), build_a (06-15) and fire_b (06-16) drop out.
    assert names(not_visited(admin, dt.date(2026, 6, 10))) == [
        "平江县安定百货商店", "平江县小田食品厂", "平江县小田加油站", "三市镇宏远建设有限公司",
    ]
    assert names(not_visited(visits.users["grid_worker"], PERIOD[0])) == ["平江县安定百货商店"]
    assert names(not_visited(visits.users["township_b"], *PERIOD)) == ["三市镇花炮批发部"]
    assert names(not_visited(visits.users["township_b"], PERIOD[0])) == []  # fire_b's visit on 06-16 counts


# --- the list's scope ------------------------------------------------------------------------------


def units_listed(user, **filters):
    return {p.unit.name for p in patrol_list(user, PatrolFilters(**filters))}


def test_each_persona_lists_the_visits_in_its_scope(visits):
    u = visits.users
    assert units_listed(u["grid_worker"]) == {"平江县安定旧砖厂", "平江县汇丰化工有限公司"}
    assert units_listed(u["township"]) == {"平江县安定建筑工程有限公司", "平江县安定旧砖厂", "平江县小田加油站",
                                           "平江县小田已注销商店", "平江县小田食品厂", "平江县汇丰化工有限公司"}
    assert units_listed(u["township_b"]) == {"三市镇宏远建设有限公司", "三市镇花炮批发部"}
    assert units_listed(u["department"]) == {"三市镇花炮批发部", "平江县汇丰化工有限公司"}
    assert units_listed(u["zhujian"]) == {"三市镇宏远建设有限公司", "平江县安定建筑工程有限公司"}
    assert len(patrol_list(u["county_admin"])) == len(patrol_list(u["leader"])) == 9
    for persona in ("expert", "other_county_admin"):
        assert not patrol_list(u[persona]).exists()
    # The scope gives a unit's staff the visits to their unit (ScopePaths.unit); the pages refuse the role.
    assert units_listed(u["unit_staff"]) == {"平江县汇丰化工有限公司"}


def test_list_filters(visits):
    admin = visits.users["county_admin"]
    assert units_listed(admin, grid=visits.grid_a.pk) == {"平江县安定旧砖厂", "平江县汇丰化工有限公司"}
    assert units_listed(admin, township="430626102") == {"三市镇宏远建设有限公司", "三市镇花炮批发部"}
    assert units_listed(admin, unit=visits.units["chem_a"].pk) == {"平江县汇丰化工有限公司"}
    assert len(patrol_list(admin, PatrolFilters(unit=visits.units["chem_a"].pk))) == 2
    assert units_listed(admin, outcome=Outcome.STOPPED) == {"平江县安定旧砖厂"}
    assert [p.patrolled_on.day for p in patrol_list(admin, PatrolFilters(date_from=PERIOD[0], date_to=PERIOD[1]))
            ] == [15, 10, 8, 5, 3, 2, 1]
    f = selectors.filters_from_params({"grid": "x", "township": "43", "outcome": "bad", "from": "2026-13-01"})
    assert f == PatrolFilters()


def test_get_out_of_scope_is_404(visits):
    from django.http import Http404

    foreign = Patrol.objects.get(unit=visits.units["build_a"])
    with pytest.raises(Http404):
        selectors.patrol_get(visits.users["grid_worker"], foreign.pk)
    assert selectors.patrol_get(visits.users["township"], foreign.pk) == foreign
