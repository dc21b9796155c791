"""The shape of compute()'s queries (docs/performance.md, issue 5): same figures, less work.

The figures themselves are checked by test_catalogue.py on the hand-computed fixture county;
these tests pin down the result-preserving rewrites of anjian/stats/compute.py.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from anjian.hazards.models import Hazard, Supervision
from anjian.stats.compute import QUERYSETS, aggregates, compute, hazards_qs
from anjian.stats.scope import build_scope

from . import factories as f

H1: dict[str, Any] = {"region": "430626", "date_from": "2024-01-01", "date_to": "2024-06-30"}


def _hazards_sql() -> str:
    s = build_scope(**H1)
    # The facts' query (filtered scopes, townships, the day rows off); a county reads its day rows.
    with override_settings(ANJIAN_STATS_CUBE=False), CaptureQueriesContext(connection) as ctx:
        compute(s)
    [sql] = [q["sql"] for q in ctx.captured_queries if "x_hazards_found" in q["sql"]]
    return sql


def test_hazard_counts_need_no_distinct_and_no_join(facts):
    # 挂牌督办 (a reverse relation) is asked with IN (subquery), so no row repeats and COUNT(id) is exact.
    sql = _hazards_sql().upper()
    assert "DISTINCT" not in sql
    assert "JOIN" not in sql
    assert '"HAZARDS_HAZARD"."ID" IN (SELECT' in sql


def test_a_hazard_supervised_twice_counts_once(facts):
    # major2 of the fixture is placed under supervision on 2 and 3 June: one hazard.
    s = build_scope(**H1)
    assert compute(s)["hazards_major_supervised"] == 1
    hazard = Hazard.objects.get(level="major", found_on=dt.date(2024, 6, 1))
    admin = facts.county.users["county_admin"]
    Supervision.objects.create(hazard=hazard, org=facts.county.office, placed_by=admin,
                               placed_on=dt.date(2024, 6, 20), until=dt.date(2024, 8, 31))
    assert compute(s)["hazards_major_supervised"] == 1


def _repeats_rows(qs: Any) -> list[str]:
    """The joins of ``qs`` through a relation that can match several rows (reverse FK, many-to-many)."""
    out = []
    for join in qs.query.alias_map.values():
        field = getattr(join, "join_field", None)
        if field is not None and (getattr(field, "one_to_many", False) or getattr(field, "many_to_many", False)):
            out.append(join.table_name)
    return out


def test_no_table_query_joins_a_relation_that_repeats_rows(facts):
    """What makes the catalogue's plain COUNT(id) exact (indicators.count): every filter at once."""
    campaign = f.campaign("治本攻坚", "2024-01-01", "2024-12-31")
    c = facts.county
    s = build_scope(**H1, campaign=str(campaign.pk), sector="hazardous_chemicals", department=str(c.yingji.pk),
                    inspection_kind="supervisory", unit=c.units["chem_a"].pk)
    for table, make in QUERYSETS.items():
        qs = make(s)
        assert _repeats_rows(qs) == [], table
        # Nor do the indicators' own conditions (挂牌督办 is a pk__in subquery, not a join).
        assert _repeats_rows(qs.values("pk").annotate(**aggregates(table, s))) == [], table


def test_the_detector_sees_a_repeating_join(facts):
    # The check above can fail: a filter on the supervisions (reverse FK) is such a join.
    s = build_scope(**H1)
    assert _repeats_rows(hazards_qs(s).filter(supervisions__isnull=False)) == ["hazards_supervision"]


def test_outing_mixing_named_and_counted_inspections(facts):
    # One outing (group, day) with a named inspection (2 officials) and a ledger one (head count 5,
    # no names): the larger, 5, not 2 + 5. Another with names only (3) and a head count of 0.
    c = facts.county
    p1, p2, p3 = f.person("丁"), f.person("戊"), f.person("己")
    g = f.group("督导二组")
    f.inspection(c.units["chem_a"], "2024-06-10", g, [p1, p2])
    f.inspection(c.units["build_a"], "2024-06-10", g, official_count=5)
    f.inspection(c.units["fire_b"], "2024-06-11", g, [p1, p2, p3])
    s = build_scope(region="430626", date_from="2024-06-10", date_to="2024-06-11")
    got = compute(s)
    assert (got["outings"], got["inspections"], got["inspector_visits"]) == (2, 3, 8)
