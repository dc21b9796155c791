"""Officials for the 双随机 draws, next to the personas of tests/conftest.py.

平江县安委办 4 available officials (+1 unavailable, +1 expert), 应急管理局 2, 安定镇 3; 芙蓉区 2 and one
city-level official (visible to the county through ``ScopePaths.ancestors``) are never drawn by 平江县.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from anjian.inspections.models import Person, PersonKind


@dataclass
class Officials:
    office: list[Person]
    yingji: list[Person]
    town_a: list[Person]
    others: list[Person]  # never in a 平江县 pool


def official(name: str, org: Any, cert: str, **kw: Any) -> Person:
    region = org.region_code if org is not None else kw.pop("region_code")
    return Person.objects.create(kind=kw.pop("kind", PersonKind.OFFICIAL), name=name, org=org, region_code=region,
                                 cert_no=cert, **kw)


@pytest.fixture
def officials(county: Any) -> Officials:
    office = [official(f"县执法{i}", county.office, f"4306260{i:03d}") for i in range(1, 5)]
    yingji = [official(f"应急执法{i}", county.yingji, f"4306261{i:03d}") for i in range(1, 3)]
    town_a = [official(f"安定执法{i}", county.town_a, f"4306262{i:03d}") for i in range(1, 4)]
    others = [
        official("县休假人员", county.office, "43062609", available=False),
        official("县专家", county.office, "", kind=PersonKind.EXPERT, expert_level="county"),
        official("芙蓉执法1", county.other_office, "43010201"),
        official("芙蓉执法2", county.other_office, "43010202"),
        official("市执法1", None, "43060001", region_code="430600000000"),
    ]
    return Officials(office, yingji, town_a, others)


def ids(people: list[Person]) -> list[int]:
    return sorted(p.pk for p in people)


# --- 年度监督检查计划 --------------------------------------------------------------------------------

SMALL = {"officers": 1, "legal_workdays": 10, "other_enforcement_days": 0, "non_enforcement_days": 0,
         "key_share": 100, "days_per_inspection": 2}  # 10 人·日 of 重点检查 = 5 家次


def plan_data(**kw: Any) -> Any:
    from anjian.plans.services import AnnualPlanData

    base: dict[str, Any] = {"title": "2026年度安全生产监督检查计划", "year": 2026, **SMALL}
    base.update(kw)
    return AnnualPlanData(**base)


def add_unit(county: Any, key: str, name: str, sector: str, *, town: str = "sanshizhen", risk_class: str = "",
             key_supervision: bool = False) -> Any:
    """A unit of 平江县 written straight to the table (its id is higher than every unit made before)."""
    from anjian.units.models import Unit

    region = getattr(county, town).code
    u = Unit.objects.create(name=name, region_code=region, sector=county.sectors[sector], risk_class=risk_class,
                            key_supervision=key_supervision)
    county.units[key] = u
    return u


def inspect(unit: Any, date: Any, kind: str = "enforcement") -> Any:
    """One inspection of ``unit`` on ``date`` (a number of its own)."""
    from anjian.inspections.models import Inspection

    n = Inspection.objects.count() + 1
    return Inspection.objects.create(number=f"JC-T-{n:05d}", unit=unit, region_code=unit.region_code,
                                     sector_id=unit.sector_id, grid_id=unit.grid_id, kind=kind, date=date)
