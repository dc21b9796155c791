"""A campaign of 平江县 in March 2025 with facts tagged to it, and a township scheme to score them.

Hand-computed March figures (as_of 2025-03-31), campaign-tagged facts only:

=================  ======  ======
                   安定镇  三市镇
=================  ======  ======
inspections        2       1        (三市镇's untagged inspection and April's do not count)
hazards_found      2       2
rectified          1       1        → rectification_rate 50 % each
hazards_overdue    1       0        (安定镇's build_a hazard: deadline 03-10, still open)
=================  ======  ======
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from anjian.campaigns.services import ItemData, SchemeData, scheme_save
from tests.stats import factories as f

MARCH = f.d("2025-03-01")
TODAY = f.d("2025-06-15")


@dataclass
class Setup:
    county: Any
    campaign: Any
    sub: Any
    scheme: Any = None


def items() -> list[ItemData]:
    return [
        ItemData("inspections", "at_least", Decimal("2"), Decimal("10")),
        # 三市镇 has its own quota of 2 hazards (安定镇 keeps the default 4).
        ItemData("hazards_found", "at_least", Decimal("4"), Decimal("20"), overrides={"430626102": Decimal("2")}),
        ItemData("rectification_rate", "at_least", Decimal("90"), Decimal("30")),
        ItemData("hazards_overdue", "at_most", Decimal("0"), Decimal("10"), Decimal("3")),
    ]


@pytest.fixture
def march(county) -> Setup:
    u = county.units
    campaign = f.campaign("2025年安全生产治本攻坚", "2025-01-01", "2025-12-31")
    sub = f.campaign("危化品专项", "2025-02-01", "2025-10-31", parent=campaign)
    f.inspection(u["chem_a"], "2025-03-05", campaign=campaign)
    f.inspection(u["build_a"], "2025-03-06", campaign=sub)
    f.inspection(u["fire_b"], "2025-03-10", campaign=campaign)
    f.inspection(u["build_b"], "2025-03-11")                       # not the campaign's
    f.inspection(u["chem_a"], "2025-04-02", campaign=campaign)     # April
    f.hazard(u["chem_a"], "2025-03-05", "2025-03-20", status="closed", closed_on="2025-03-18", campaign=campaign)
    f.hazard(u["build_a"], "2025-03-06", "2025-03-10", campaign=sub)
    f.hazard(u["fire_b"], "2025-03-10", "2025-03-30", status="closed", closed_on="2025-03-25", campaign=campaign)
    f.hazard(u["fire_b"], "2025-03-12", "2025-04-30", campaign=campaign)
    f.hazard(u["build_b"], "2025-03-12", "2025-03-13")             # not the campaign's
    setup = Setup(county, campaign, sub)
    setup.scheme = scheme_save(actor=county.users["county_admin"], campaign=campaign,
                               data=SchemeData(group="township", items=items()))
    return setup
