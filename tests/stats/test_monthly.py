"""The catalogue by month (the dashboard's trend charts), against the fixture county's hand-computed figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from anjian.stats import indicators as ind
from anjian.stats.grouped import ADDITIVE_BY, INDUSTRY, MONTH, compute_by, months
from anjian.stats.scope import build_scope

from . import factories as f


def scope(**kw):
    return build_scope(**({"region": "430626", "date_from": "2024-01-01", "date_to": "2024-06-30",
                           "as_of": "2024-06-30"} | kw))


def by_month(**kw):
    grouped = compute_by(scope(**kw), MONTH)
    return {r.key: r.values for r in grouped.rows}, grouped


def test_one_row_per_month_of_the_period(facts):
    _, grouped = by_month()
    assert [r.key for r in grouped.rows] == ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06"]
    assert [r.name for r in grouped.rows][:2] == ["2024年1月", "2024年2月"]
    assert months(dt.date(2023, 11, 15), dt.date(2024, 2, 1)) == [
        ("2023-11", "2023年11月"), ("2023-12", "2023年12月"), ("2024-01", "2024年1月"), ("2024-02", "2024年2月"),
    ]


def test_inspections_by_the_month_of_their_date(facts):
    rows, _ = by_month()
    pick = ("inspection_groups", "outings", "inspections", "inspector_visits", "expert_visits", "units_inspected")
    # 5 March: the group at chem_a (甲乙 + 专家一) and build_a (乙丙): one outing of 甲乙丙.
    assert tuple(rows["2024-03"][c] for c in pick) == (1, 1, 2, 3, 1, 2)
    assert tuple(rows["2024-04"][c] for c in pick) == (1, 1, 1, 1, 0, 1)
    # 6 May: the ungrouped ledger inspection with a head count of 4 and 1 expert.
    assert tuple(rows["2024-05"][c] for c in pick) == (0, 1, 1, 4, 1, 1)
    assert all(rows[m]["inspections"] == 0 for m in ("2024-01", "2024-02", "2024-06"))


def test_hazards_by_the_month_they_were_found(facts):
    rows, grouped = by_month()
    mar, apr, may, jun = (rows[m] for m in ("2024-03", "2024-04", "2024-05", "2024-06"))
    # March: chem_a's (closed 1 April) and build_a's (closed only in July, due 5 April: overdue at 30 June).
    assert (mar["hazards_found"], mar["hazards_general_found"], mar["hazards_rectified"]) == (2, 2, 1)
    assert mar["rectification_rate"] == pytest.approx(0.5)
    assert (mar["hazards_overdue"], mar["hazards_open"]) == (1, 1)
    assert (apr["hazards_found"], apr["hazards_rectified"], apr["hazards_overdue"], apr["hazards_open"]) == (1, 0, 1, 1)
    assert apr["rectification_rate"] == 0
    assert (may["hazards_major_found"], may["hazards_major_rectified"], may["hazards_open"]) == (1, 1, 0)
    # June: the open major hazard, placed under listed supervision twice in June (counted once).
    assert (jun["hazards_major_found"], jun["hazards_open"], jun["hazards_major_supervised"]) == (1, 1, 1)
    assert rows["2024-01"]["rectification_rate"] is None
    # Last year's open hazard (found November 2023) is in the totals but in no month.
    assert grouped.total["hazards_open"] == 4 and sum(r["hazards_open"] for r in rows.values()) == 3
    assert grouped.total["hazards_overdue"] == 3 and sum(r["hazards_overdue"] for r in rows.values()) == 2


def test_enforcement_documents_interviews_by_month(facts):
    rows, _ = by_month()
    feb, mar, apr, may = (rows[m] for m in ("2024-02", "2024-03", "2024-04", "2024-05"))
    assert (feb["cases_filed"], feb["suspended_units"], feb["closed_units"], feb["criminal_transfers"]) == (1, 1, 1, 1)
    assert (mar["penalty_cases"], mar["fines_yuan"], mar["orders_rectify_units"]) == (1, Decimal("100000.00"), 2)
    assert (apr["penalty_cases"], apr["fines_yuan"]) == (1, Decimal("279100.00"))
    assert (may["orders_rectify_units"], may["penalty_cases"]) == (1, 0)
    assert (mar["documents_issued"], apr["documents_issued"]) == (2, 0)
    # 1 March names chem_a and a unit of another county (not counted); 1 April is a notice.
    assert (mar["interviews"], mar["interviewed_units"], mar["interviewed_persons"]) == (1, 1, 3)
    assert (apr["interviews"], apr["interviewed_persons"]) == (1, 2)
    assert (may["exposures"], may["exposed_units"], may["interviews"]) == (1, 2, 0)


def test_accidents_by_the_local_month(facts):
    rows, _ = by_month()
    # 1 January 00:30 in Beijing is still 31 December in UTC: it must fall in January.
    jan = rows["2024-01"]
    assert (jan["accidents"], jan["deaths"], jan["injuries"], jan["direct_loss_yuan"]) == (1, 1, 2, Decimal("50000.00"))
    mar = rows["2024-03"]
    assert (mar["accidents"], mar["road_accidents"], mar["road_deaths"]) == (1, 1, 2)
    assert (rows["2024-04"]["road_accidents"], rows["2024-04"]["road_deaths"]) == (1, 1)
    assert rows["2024-05"]["fires"] == 1


def test_outreach_by_month_and_stocks_in_no_month(facts):
    rows, grouped = by_month()
    assert (rows["2024-03"]["trainings"], rows["2024-03"]["training_attendees"]) == (2, 80)
    assert (rows["2024-04"]["drills"], rows["2024-04"]["drill_participants"]) == (1, 20)
    assert (rows["2024-05"]["publicity_events"], rows["2024-05"]["materials_distributed"]) == (3, 600)
    for values in rows.values():
        assert values["units"] == values["tasks_total"] == 0
    assert grouped.total["units"] == 4


def test_additive_figures_add_up_to_the_totals(facts):
    rows, grouped = by_month()
    for code in ADDITIVE_BY[MONTH]:
        assert sum(r[code] for r in rows.values()) == grouped.total[code], code


def test_filters_apply_by_month(facts):
    rows, _ = by_month(campaign="安全生产治本攻坚")
    assert rows["2024-03"]["inspections"] == 1 and rows["2024-03"]["hazards_found"] == 1
    assert rows["2024-03"]["trainings"] == 1 and rows["2024-04"]["interviews"] == 1
    town, _ = by_month(region=facts.county.andingzhen.code)
    assert town["2024-03"]["hazards_found"] == 2 and town["2024-04"]["hazards_found"] == 0


def test_one_query_per_table_whatever_the_number_of_months(facts):
    s = build_scope(region="430626", date_from="2022-01-01", date_to="2024-12-31")
    with CaptureQueriesContext(connection) as ctx:
        grouped = compute_by(s, MONTH, totals=False)
    assert len(grouped.rows) == 36
    # Units and tasks are stocks: no query for them.
    assert len(ctx.captured_queries) <= len(ind.TABLES) - 2
    chem = facts.county.units["chem_a"]
    for n in range(12):
        f.hazard(chem, f"2022-{n + 1:02d}-01", "2022-12-31")
    with CaptureQueriesContext(connection) as ctx:
        grouped = compute_by(s, MONTH, totals=False)
    assert len(ctx.captured_queries) <= len(ind.TABLES) - 2
    assert [r.values["hazards_found"] for r in grouped.rows[:12]] == [1] * 12


def test_by_industry(facts):
    grouped = compute_by(scope(), INDUSTRY)
    by_name = {r.name: r.values for r in grouped.rows}
    assert by_name["危险化学品"]["hazards_found"] == 1  # chem_a, 5 March (its 2023 and July ones are outside)
    assert by_name["烟花爆竹"]["hazards_found"] == 2  # fire_b: 2 April and the major of 1 May
    assert by_name["建筑施工"]["hazards_found"] == 2  # build_a (March), build_b (June, major)
    # The county-level accident, fire and outreach records have no unit: a row of their own.
    assert by_name["未明确行业领域"]["road_accidents"] == 1 and by_name["未明确行业领域"]["trainings"] == 2
    for code in ADDITIVE_BY[INDUSTRY]:
        assert sum(r.values[code] for r in grouped.rows) == grouped.total[code], code
