"""The enforcement list's filters for the statistics' click-through: region, campaign tree, sector, department."""

from __future__ import annotations

from django.test import Client

from tests.stats import factories as f


def count(county, **params) -> int:
    client = Client()
    client.force_login(county.users["county_admin"])
    r = client.get("/enforcement/", params)
    assert r.status_code == 200
    return r.context["page"].paginator.count


def test_filters(county):
    u = county.units
    parent = f.campaign("治本攻坚", "2024-01-01", "2024-12-31")
    child = f.campaign("危化专项", "2024-01-01", "2024-12-31", parent=parent)
    insp = f.inspection(u["build_a"], "2024-03-01", campaign=child)
    f.action(u["chem_a"], "penalty", "2024-03-10", 1000, campaign=child)
    f.action(u["build_a"], "order_rectify", "2024-03-06", inspection=insp)  # of the sub-campaign's inspection
    f.action(u["fire_b"], "case_filed", "2024-02-01")
    assert count(county) == 3
    assert count(county, in_campaign=parent.pk) == 2
    assert count(county, campaign=parent.pk) == 0  # the exact campaign, as before
    assert count(county, region=county.sanshizhen.code[:9]) == 1
    assert count(county, sector="construction") == 1
    assert count(county, department=county.yingji.pk) == 2
    assert count(county, kind="penalty", region="430626") == 1
