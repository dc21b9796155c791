"""The worked example of indicators.md, figure by figure."""

from __future__ import annotations

from anjian.stats.compute import compute
from anjian.stats.render import percent
from anjian.stats.scope import build_scope
from anjian.units.models import Unit

from .factories import group, hazard, inspection, person


def test_worked_example(county):
    town = county.andingzhen
    u1, u2 = county.units["chem_a"], county.units["build_a"]
    sector = county.sectors["commerce"]
    u3 = Unit.objects.create(name="安定镇U3", region_code=town.code, sector=sector)
    u4 = Unit.objects.create(name="安定镇U4", region_code=town.code, sector=sector)
    zhang, li, wang, zhao = person("张三"), person("李四"), person("王五"), person("赵六", "expert")
    chen = [person(f"陈{n}") for n in "一二三四"]
    zhou = person("周七", "expert")
    liu = [person("刘一"), person("刘二")]
    a, b = group("A组"), group("B组")
    inspection(u1, "2023-03-03", a, [zhang, li, wang], [zhao])
    inspection(u2, "2023-03-03", a, [zhang, li, wang], [zhao])
    inspection(u2, "2023-03-10", a, [zhang, li])
    inspection(u3, "2023-03-12", b, chen, [zhou])
    inspection(u4, "2023-03-12", b, chen, [zhou])
    inspection(u4, "2023-03-20", None, liu)

    for n in range(7):
        hazard(u1, f"2023-03-{n + 2:02d}", "2023-03-30", status="closed", closed_on="2023-03-31")
    hazard(u2, "2023-03-10", "2023-04-15", status="submitted", rectified_on=None)
    hazard(u3, "2023-03-12", "2023-03-20", status="rectifying")
    hazard(u4, "2023-03-20", "2023-06-30", level="major")

    scope = build_scope(region=town.code[:9], date_from="2023-03-01", date_to="2023-03-31", as_of="2023-03-31")
    v = compute(scope)
    assert (v["inspection_groups"], v["outings"], v["inspections"]) == (2, 4, 6)
    assert (v["inspector_visits"], v["expert_visits"], v["units_inspected"]) == (11, 2, 4)
    assert (v["hazards_general_found"], v["hazards_general_rectified"]) == (9, 7)
    assert percent(v["rectification_rate_general"]) == "77.78%"
    assert (v["hazards_major_found"], v["hazards_major_rectified"]) == (1, 0)
    assert percent(v["rectification_rate_major"]) == "0%"
    assert (v["hazards_found"], v["hazards_rectified"]) == (10, 7)
    assert percent(v["rectification_rate"]) == "70%"
    assert (v["hazards_overdue"], v["hazards_open"]) == (1, 3)
    # The as_of default: `to` when it is in the past.
    assert build_scope(region="430626", date_from="2023-03-01", date_to="2023-03-31").as_of.isoformat() == "2023-03-31"
