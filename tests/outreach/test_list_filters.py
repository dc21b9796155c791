"""The outreach list's filters for the statistics' click-through: several kinds, region, dates, campaign."""

from __future__ import annotations

from django.test import Client

from tests.stats import factories as f


def count(county, **params) -> int:
    client = Client()
    client.force_login(county.users["county_admin"])
    r = client.get("/outreach/", params)
    assert r.status_code == 200
    return r.context["page"].paginator.count


def test_filters(county):
    parent = f.campaign("治本攻坚", "2024-01-01", "2024-12-31")
    child = f.campaign("危化专项", "2024-01-01", "2024-12-31", parent=parent)
    f.activity("training", "2024-03-01", campaign=child)
    f.activity("publicity", "2024-05-01", region=county.andingzhen.code)
    f.activity("film", "2024-05-02")
    f.activity("drill", "2023-05-02")
    assert count(county) == 4
    assert count(county, kind="training") == 1
    assert count(county, kind="publicity,contest,film") == 2
    assert count(county, kind="nope") == 4
    assert count(county, **{"from": "2024-01-01", "to": "2024-12-31"}) == 3
    assert count(county, region=county.andingzhen.code[:9]) == 1
    assert count(county, in_campaign=parent.pk) == 1


def test_the_page_keeps_every_filter(county):
    """A list opened from the statistics keeps its filters when paging or changing the kind."""
    import datetime as dt

    for day in range(51):
        f.activity("training", (dt.date(2024, 1, 1) + dt.timedelta(days=day)).isoformat())
    client = Client()
    client.force_login(county.users["county_admin"])
    r = client.get("/outreach/", {"region": "430626", "from": "2024-01-01", "kind": "training"})
    html = r.content.decode()
    assert "共 51 条" in html
    assert 'href="?region=430626&amp;from=2024-01-01&amp;kind=training&amp;page=2"' in html
    assert '<input type="hidden" name="region" value="430626">' in html
    assert '<input type="hidden" name="kind"' not in html
