"""GET /api/v1/stats over HTTP (session login), through the router as mounted."""

from __future__ import annotations

import pytest
from django.test import Client

from anjian.stats import indicators as ind

pytestmark = pytest.mark.urls("tests.stats.stats_urls")


def get(county, persona, **params):
    client = Client()
    client.force_login(county.users[persona])
    return client.get("/api/v1/stats", params)


def test_get_stats_answers_the_json_form(county):
    r = get(county, "county_admin", region="430626", **{"from": "2024-01-01", "to": "2024-06-30"},
            inspection_kind="督导检查")
    assert r.status_code == 200, r.content
    data = r.json()
    assert set(data["indicators"]) == set(ind.CODES) == set(data["yoy"])
    assert data["scope"]["filters"]["inspection_kind"] == "supervisory"
    assert data["scope"]["as_of"] == "2024-06-30"


def test_get_stats_out_of_jurisdiction_and_roles(county):
    period = {"from": "2024-01-01", "to": "2024-06-30"}
    assert get(county, "township", region="430626", **period).status_code == 404
    assert get(county, "grid_worker", **period).status_code == 403
    assert get(county, "county_admin", region="430626", **{"from": "2024-01-01"}).status_code == 422
    assert Client().get("/api/v1/stats", {"region": "430626", **period}).status_code == 401
