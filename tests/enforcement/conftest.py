"""Enforcement fixtures: an inspection of 汇丰化工 with two hazards, made directly with the models."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from anjian.hazards.models import Hazard, Level, Source, Status
from anjian.inspections.models import Inspection, InspectionKind, Person, PersonKind

DAY = dt.date(2026, 3, 2)


def make_hazard(unit: Any, n: int, inspection: Inspection | None = None, **kw: Any) -> Hazard:
    return Hazard.objects.create(
        number=f"YH430626202600{n:04d}",
        unit=unit,
        region_code=unit.region_code,
        sector_id=unit.sector_id,
        grid_id=unit.grid_id,
        source=Source.INSPECTION,
        inspection=inspection,
        description=kw.pop("description", f"第{n}处消防通道堵塞"),
        level=kw.pop("level", Level.GENERAL),
        status=kw.pop("status", Status.REPORTED),
        found_on=DAY,
        deadline=kw.pop("deadline", DAY + dt.timedelta(days=10 * n)),
        **kw,
    )


@pytest.fixture
def inspection(county: Any) -> Inspection:
    unit = county.units["chem_a"]
    insp = Inspection.objects.create(
        number="JC2026001",
        unit=unit,
        region_code=unit.region_code,
        sector_id=unit.sector_id,
        grid_id=unit.grid_id,
        kind=InspectionKind.ENFORCEMENT,
        date=DAY,
        findings="储罐区防火堤有裂缝",
    )
    official = Person.objects.create(
        kind=PersonKind.OFFICIAL, name="李执法", region_code=unit.region_code, cert_no="43060001"
    )
    insp.officials.add(official)
    return insp


@pytest.fixture
def hazards(county: Any, inspection: Inspection) -> list[Hazard]:
    unit = county.units["chem_a"]
    return [
        make_hazard(unit, 1, inspection),
        make_hazard(unit, 2, inspection, level=Level.MAJOR, description="储罐区防火堤破损"),
    ]
