"""The inspection list's filters for the statistics' click-through: region, campaign tree, sector, department."""

from __future__ import annotations

from django.test import Client

from tests.stats import factories as f


def count(county, **params) -> int:
    client = Client()
    client.force_login(county.users["county_admin"])
    r = client.get("/inspections/", params)
    assert r.status_code == 200
    return r.context["page"].paginator.count


def test_filters(county):
    u = county.units
    parent = f.campaign("治本攻坚", "2024-01-01", "2024-12-31")
    child = f.campaign("危化专项", "2024-01-01", "2024-12-31", parent=parent)
    f.inspection(u["chem_a"], "2024-03-01", campaign=child)
    f.inspection(u["build_a"], "2024-03-02", campaign=parent)
    f.inspection(u["fire_b"], "2024-03-03")
    assert count(county) == 3
    assert count(county, in_campaign=parent.pk) == 2
    assert count(county, campaign=parent.pk) == 1  # the exact campaign, as before
    assert count(county, region=county.andingzhen.code[:9]) == 2
    assert count(county, sector="construction") == 1
    assert count(county, department=county.yingji.pk) == 2
