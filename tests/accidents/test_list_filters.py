"""The accident list's filters for the statistics' click-through: road, region, local dates, sector."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from tests.stats import factories as f


def count(county, persona: str = "county_admin", **params) -> int:
    client = Client()
    client.force_login(county.users[persona])
    r = client.get("/accidents/", params)
    assert r.status_code == 200
    return r.context["page"].paginator.count


def test_filters(county):
    u = county.units
    f.accident("production", dt.datetime(2024, 1, 1, 0, 30), unit=u["chem_a"])
    f.accident("production", dt.datetime(2024, 3, 1, 8), unit=u["build_b"], road=True)
    f.accident("road", dt.datetime(2024, 4, 1, 8))  # county level, no unit
    f.accident("fire", dt.datetime(2023, 12, 31, 23, 30), region=county.sanshizhen.code)
    assert count(county) == 4
    assert count(county, category="production") == 2
    assert count(county, road=1) == 2
    # Local dates: 1 January 00:30 (Beijing) is in 2024, 31 December 23:30 is not.
    assert count(county, **{"from": "2024-01-01", "to": "2024-12-31"}) == 3
    assert count(county, region=county.sanshizhen.code[:9]) == 2
    assert count(county, region="430626000") == 1  # the county's own record, no township
    assert count(county, sector="construction") == 1
    assert count(county, department=county.yingji.pk) == 1
    assert count(county, category="nope", road="x", region="abc", **{"from": "bad"}) == 4


def test_the_page_keeps_every_filter(county):
    """A list opened from the statistics keeps its filters when paging or changing the category."""
    for day in range(1, 53):
        f.accident("production", dt.datetime(2024, 1, 1, 8) + dt.timedelta(days=day), unit=county.units["chem_a"])
    client = Client()
    client.force_login(county.users["county_admin"])
    params = {"region": "430626", "from": "2024-01-01", "to": "2024-12-31", "category": "production"}
    r = client.get("/accidents/", params)
    html = r.content.decode()
    assert "共 52 条" in html
    assert 'href="?region=430626&amp;from=2024-01-01&amp;to=2024-12-31&amp;category=production&amp;page=2"' in html
    # The category select's form carries the other filters, not the category itself.
    assert '<input type="hidden" name="region" value="430626">' in html
    assert '<input type="hidden" name="from" value="2024-01-01">' in html
    assert '<input type="hidden" name="category"' not in html
