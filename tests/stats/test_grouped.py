"""The catalogue by township and by department: same figures, one query per table, totals row."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from anjian.stats import indicators as ind
from anjian.stats.compute import compute
from anjian.stats.grouped import ADDITIVE_BY, DEPARTMENT, NO_TOWNSHIP, TOWNSHIP, compute_by
from anjian.stats.scope import ScopeError, build_scope


def scope(region: str = "430626", **kw):
    return build_scope(region=region, date_from="2024-01-01", date_to="2024-06-30", **kw)


@pytest.mark.parametrize("group", [TOWNSHIP, DEPARTMENT])
def test_rows_add_up_to_the_totals(facts, group):
    s = scope()
    grouped = compute_by(s, group)
    assert grouped.total == compute(s)
    for code in ADDITIVE_BY[group]:
        assert sum(r.values[code] for r in grouped.rows) == grouped.total[code], code
    for row in grouped.rows:
        assert set(row.values) == set(ind.CODES)


def test_each_township_row_is_the_township_scope(facts):
    county = facts.county
    grouped = compute_by(scope(), TOWNSHIP)
    by_name = {r.name: r for r in grouped.rows}
    for town in (county.andingzhen, county.sanshizhen):
        assert by_name[town.name].values == compute(scope(town.code[:9])), town.name
    # The county-level accident and outreach records fall in no township: a row of their own.
    assert by_name[NO_TOWNSHIP].values["road_accidents"] == 1
    assert by_name[NO_TOWNSHIP].values["trainings"] == 2


def test_each_department_row_is_the_department_filter(facts):
    from anjian.units.models import Unit

    county = facts.county
    Unit.objects.filter(pk__in=[county.units["chem_a"].pk, county.units["build_a"].pk]).update(department=county.yingji)
    grouped = compute_by(scope(), DEPARTMENT)
    for row in grouped.rows:
        if row.key == "0":
            continue
        expected = compute(scope(department=row.key))
        for code in ADDITIVE_BY[DEPARTMENT] - {c for c in ind.CODES if ind.BY_CODE[c].table == ind.TASKS}:
            assert row.values[code] == expected[code], (row.name, code)
    yingji = next(r for r in grouped.rows if r.name == "应急管理局")
    assert yingji.values["hazards_found"] > 0


def test_one_query_per_fact_table(facts):
    s = scope()
    with CaptureQueriesContext(connection) as ctx:
        compute_by(s, TOWNSHIP, totals=False)
    # One per fact table, the list of townships and the names of the rows outside it.
    assert len(ctx.captured_queries) <= len(ind.TABLES) + 2


def test_unknown_group():
    with pytest.raises(ScopeError):
        compute_by(None, "sector")  # type: ignore[arg-type]
