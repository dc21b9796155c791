"""A fixture county (平江县, H1 2024) with every family of facts, and its hand-computed figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest

from anjian.units.models import Unit, UnitStatus

from . import factories as f


@dataclass
class Facts:
    county: Any
    campaign: Any = None
    sub: Any = None
    other_campaign: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


@pytest.fixture
def facts(county) -> Facts:
    u = county.units
    chem, build_a, fire_b, build_b, other = u["chem_a"], u["build_a"], u["fire_b"], u["build_b"], u["other"]
    # A closed unit: not in the registry figures.
    Unit.objects.create(name="已关闭单位", region_code=county.sanshizhen.code, sector=county.sectors["commerce"],
                        status=UnitStatus.CLOSED, key_supervision=True)
    x = Facts(county)
    x.campaign = f.campaign("安全生产治本攻坚", "2024-01-01", "2024-12-31")
    x.sub = f.campaign("危化品专项整治", "2024-02-01", "2024-10-31", parent=x.campaign)
    x.other_campaign = f.campaign("消防专项", "2024-01-01", "2024-12-31")

    # --- inspections: one group, two days; an ungrouped ledger inspection with a head count ---
    p1, p2, p3 = f.person("甲"), f.person("乙"), f.person("丙")
    e1 = f.person("专家一", "expert")
    g = f.group("督导一组", campaign=x.campaign)
    i1 = f.inspection(chem, "2024-03-05", g, [p1, p2], [e1], kind="supervisory", campaign=x.sub)
    f.inspection(build_a, "2024-03-05", g, [p2, p3], kind="supervisory")        # same outing: 甲乙丙 = 3
    i3 = f.inspection(fire_b, "2024-04-02", g, [p1], kind="routine")           # outing 2: 1
    f.inspection(build_b, "2024-05-06", None, official_count=4, expert_count=1)  # outing 3: 4 + 1 expert
    f.inspection(other, "2024-03-05", None, [p1])                               # other county
    f.inspection(chem, "2023-12-31", g, [p1])                                   # before the period
    x.extra["i1"], x.extra["i3"] = i1, i3

    # --- hazards (as_of 2024-06-30) ---
    f.hazard(chem, "2024-03-05", "2024-04-05", status="closed", closed_on="2024-04-01", inspection=i1)
    f.hazard(build_a, "2024-03-05", "2024-04-05", status="closed", closed_on="2024-07-10")  # closed after as_of
    f.hazard(fire_b, "2024-04-02", "2024-05-01", status="rectifying", inspection=i3,
             campaign=x.other_campaign)                                                     # overdue
    major = f.hazard(fire_b, "2024-05-01", "2024-12-31", level="major", status="closed", closed_on="2024-06-20")
    major2 = f.hazard(build_b, "2024-06-01", "2024-08-31", level="major")
    f.hazard(chem, "2023-11-01", "2023-12-01")                                              # old, overdue
    f.hazard(chem, "2024-07-02", "2024-07-03")                                              # after as_of
    f.hazard(other, "2024-03-05", "2024-03-06")                                             # other county
    from anjian.hazards.models import Supervision

    admin = county.users["county_admin"]
    Supervision.objects.create(hazard=major2, org=county.office, placed_by=admin, placed_on=f.d("2024-06-02"),
                               until=f.d("2024-08-31"))
    Supervision.objects.create(hazard=major2, org=county.office, placed_by=admin, placed_on=f.d("2024-06-03"),
                               until=f.d("2024-08-31"))
    Supervision.objects.create(hazard=major, org=county.office, placed_by=admin, placed_on=f.d("2023-06-03"),
                               until=f.d("2023-08-31"))

    # --- enforcement ---
    f.action(chem, "penalty", "2024-03-10", 100000, campaign=x.sub)
    f.action(chem, "penalty", "2024-04-10", 279100)
    f.action(chem, "order_rectify", "2024-03-06")
    f.action(build_a, "order_rectify", "2024-03-06")
    f.action(build_a, "order_rectify", "2024-05-06")
    f.action(fire_b, "case_filed", "2024-02-01")
    f.action(fire_b, "suspend", "2024-02-02")
    f.action(build_b, "close", "2024-02-03")
    f.action(fire_b, "license_suspend", "2024-02-04")
    f.action(fire_b, "license_revoke", "2024-02-05")
    f.action(fire_b, "transfer", "2024-02-06")
    f.action(fire_b, "criminal", "2024-02-07")
    f.action(chem, "penalty", "2023-03-10", 50000)  # previous year
    f.action(other, "penalty", "2024-03-10", 1)     # other county
    f.document(chem, county.yingji, "2024-03-06")
    f.document(build_a, county.yingji, "2024-03-06")
    f.document(other, county.other_office, "2024-03-06")

    # --- interviews and exposure ---
    f.interview("interview", "2024-03-01", [chem, other], persons=3)
    f.interview("notice", "2024-04-01", [fire_b], persons=2, campaign=x.sub)
    f.interview("exposure", "2024-05-01", [build_b, fire_b])
    f.interview("interview", "2024-05-01", [other], persons=9)
    f.interview("interview", "2023-05-01", [chem], persons=1)

    # --- accidents ---
    f.accident("production", dt.datetime(2024, 1, 1, 0, 30), unit=chem, deaths=1, injuries=2, loss=50000)
    f.accident("production", dt.datetime(2024, 3, 1, 8), unit=build_b, road=True, deaths=2)
    f.accident("road", dt.datetime(2024, 4, 1, 8), deaths=1)
    f.accident("fire", dt.datetime(2024, 5, 1, 8), region=county.sanshizhen.code)
    f.accident("fire", dt.datetime(2024, 5, 1, 8), region="430102001000", deaths=5)
    f.accident("production", dt.datetime(2023, 12, 31, 23, 30), unit=chem, deaths=7)
    f.accident("production", dt.datetime(2023, 3, 1, 8), unit=chem, deaths=1)

    # --- outreach ---
    f.activity("training", "2024-03-01", attendees=50)
    f.activity("training", "2024-03-02", attendees=30, campaign=x.sub)
    f.activity("drill", "2024-04-01", attendees=20)
    f.activity("publicity", "2024-05-01", materials=500)
    f.activity("film", "2024-05-02")
    f.activity("contest", "2024-05-03", materials=100)
    f.activity("training", "2024-03-01", region="430102001000", attendees=999)

    # --- campaign tasks ---
    f.task(x.campaign, "1", "2024-03-31", "2024-03-01")
    f.task(x.campaign, "2", "2024-05-01")
    f.task(x.campaign, "3", "2024-09-30")
    f.task(x.sub, "1", "2024-06-01", "2024-07-15")
    return x
