"""An expert sees the inspections they took part in, and the units and hazards they concern."""

from __future__ import annotations

from django.utils import timezone

from anjian.core.scope import scoped
from anjian.hazards.selectors import hazard_list
from anjian.inspections.models import Inspection, InspectionKind, Person, PersonKind
from anjian.units.selectors import unit_list


def test_expert_sees_only_what_their_inspections_concern(county, report):
    expert = county.users["expert"]
    person = Person.objects.create(
        kind=PersonKind.EXPERT, name="专家甲", user=expert, region_code=county.county.code, expert_level="county"
    )
    other = Person.objects.create(kind=PersonKind.EXPERT, name="专家乙", region_code=county.county.code)
    unit = county.units["chem_a"]

    def inspection(number: str, expert_person: Person, unit_key: str) -> Inspection:
        u = county.units[unit_key]
        i = Inspection.objects.create(
            number=number,
            unit=u,
            region_code=u.region_code,
            sector=u.sector,
            grid=u.grid,
            kind=InspectionKind.EXPERT,
            date=timezone.localdate(),
        )
        i.experts.add(expert_person)
        return i

    mine = inspection("JC-1", person, "chem_a")
    inspection("JC-2", other, "fire_b")
    found = report(inspection=mine)
    report(unit="fire_b")

    assert list(unit_list(expert)) == [unit]
    assert list(hazard_list(expert)) == [found]

    assert list(scoped(expert, Inspection.objects.all())) == [mine]
