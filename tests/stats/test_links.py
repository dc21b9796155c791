"""Click-through: the list behind an indicator shows exactly the records it counts (anjian/stats/links.py)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from anjian.stats.compute import compute
from anjian.stats.grouped import MONTH, TOWNSHIP, compute_by
from anjian.stats.links import EXACT, Links
from anjian.stats.scope import build_scope

H1: dict[str, Any] = {"region": "430626", "date_from": "2024-01-01", "date_to": "2024-06-30", "as_of": "2024-06-30"}

# The indicators the issue names, at least; every other exact one is checked too.
NAMED = {"hazards_found", "hazards_overdue", "hazards_major_found", "inspections", "cases_filed", "penalty_cases",
         "accidents", "documents_issued"}


def listed(county, url: str | None, persona: str = "county_admin") -> int:
    assert url is not None
    client = Client()
    client.force_login(county.users[persona])
    r = client.get(url)
    assert r.status_code == 200, url
    return r.context["page"].paginator.count


def test_the_named_indicators_are_exact():
    assert NAMED <= EXACT


@pytest.mark.parametrize("filters", [
    {},
    {"as_of": "2024-07-31"},
    {"campaign": "安全生产治本攻坚"},
    {"campaign": "消防专项"},
    {"sector": "construction"},
    {"department": "应急管理局"},
    {"inspection_kind": "督导检查"},
    {"region": "430626102"},
], ids=lambda p: ",".join(f"{k}={v}" for k, v in p.items()) or "county")
def test_each_exact_indicator_lists_its_records(facts, filters):
    s = build_scope(**(H1 | filters))
    values = compute(s)
    links = Links(s)
    checked = 0
    for code in sorted(EXACT):
        url = links.url(code)
        if url is None:
            continue
        assert listed(facts.county, url) == values[code], (code, url)
        checked += 1
    assert checked >= len(NAMED)


def test_fixture_figures_by_hand(facts):
    """The lists agree with the catalogue *and* with the fixture's hand-computed figures."""
    links = Links(build_scope(**H1))
    county = facts.county
    assert listed(county, links.url("hazards_found")) == 5
    assert listed(county, links.url("hazards_overdue")) == 3
    assert listed(county, links.url("hazards_major_found")) == 2
    assert listed(county, links.url("hazards_open")) == 4
    assert listed(county, links.url("inspections")) == 4
    assert listed(county, links.url("cases_filed")) == 1
    assert listed(county, links.url("penalty_cases")) == 2
    assert listed(county, links.url("accidents")) == 2  # 1 January 00:30 (local) is in; 31 December 23:30 is not
    assert listed(county, links.url("road_accidents")) == 2
    assert listed(county, links.url("publicity_events")) == 3
    assert listed(county, links.url("hazards_major_supervised")) == 1
    assert listed(county, links.url("documents_issued")) == 2  # 汇丰化工 and 安定建筑 on 6 March; not 芙蓉区's


def test_overdue_link_parameters(facts):
    url = Links(build_scope(**H1)).url("hazards_overdue")
    assert url is not None
    parts = urlsplit(url)
    assert parts.path == "/hazards/"
    assert parse_qs(parts.query) == {"region": ["430626"], "as_of": ["2024-06-30"], "overdue": ["1"]}


def test_township_rows_and_months_narrow_the_list(facts):
    s = build_scope(**H1)
    links = Links(s)
    county = facts.county
    for row in compute_by(s, TOWNSHIP, totals=False).rows:
        for code in ("hazards_found", "hazards_overdue", "inspections", "penalty_cases", "accidents", "trainings",
                     "documents_issued"):
            url = links.url(code, region=row.key)
            assert url is not None
            assert listed(county, url) == row.values[code], (row.name, code)
    for row in compute_by(s, MONTH, totals=False).rows:
        for code in ("hazards_found", "hazards_open", "inspections", "accidents", "road_accidents", "trainings",
                     "documents_issued"):
            assert listed(county, links.url(code, month=row.key)) == row.values[code], (row.key, code)


def test_township_persona_sees_the_same_count_in_its_township(facts):
    s = build_scope(**(H1 | {"region": "430626101"}))
    links = Links(s)
    values = compute(s)
    for code in ("hazards_found", "hazards_overdue", "inspections", "penalty_cases", "documents_issued"):
        assert listed(facts.county, links.url(code), persona="township") == values[code], code


def test_no_link_where_no_list_can_narrow_to_it(facts):
    s = build_scope(**(H1 | {"department": "应急管理局"}))
    links = Links(s)
    # The unit list has no department filter; the campaign list no region.
    assert links.url("units") is None
    assert Links(build_scope(**H1)).url("tasks_total", region="430626101") is None
    assert links.url("hazards_found", department="0") is None
    assert links.url("nope") is None
