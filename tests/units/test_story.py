"""The unit's whole story: every source, newest first, only this unit, only what the user may see."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from anjian.accidents.models import Accident, Category
from anjian.enforcement.models import ActionKind, EnforcementAction, Interview, InterviewKind
from anjian.hazards.models import Hazard, Level, Source
from anjian.inspections.models import Inspection, InspectionKind
from anjian.outreach.models import Activity, ActivityKind
from anjian.units.story import unit_story

D = dt.date


def record_everything(unit, tag, day):
    common = {"unit": unit, "region_code": unit.region_code}
    facts = {"sector": unit.sector, "grid": unit.grid, **common}
    Inspection.objects.create(number=f"JC-{tag}", kind=InspectionKind.ROUTINE if hasattr(InspectionKind, "ROUTINE")
                              else InspectionKind.values[0], date=day, **facts)
    Hazard.objects.create(number=f"YH-{tag}", source=Source.values[0], description=f"隐患{tag}",
                          level=Level.values[0], found_on=day + dt.timedelta(days=1),
                          deadline=day + dt.timedelta(days=30), **facts)
    EnforcementAction.objects.create(number=f"ZF-{tag}", kind=ActionKind.values[0], date=day + dt.timedelta(days=2),
                                     cause=f"案由{tag}", **facts)
    interview = Interview.objects.create(number=f"YT-{tag}", kind=InterviewKind.values[0],
                                         date=day + dt.timedelta(days=3), region_code=unit.region_code)
    interview.units.add(unit)
    Accident.objects.create(number=f"SG-{tag}", category=Category.PRODUCTION, deaths=1,
                            occurred_at=timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=4),
                                                                                dt.time(9))), **common)
    Activity.objects.create(number=f"XJ-{tag}", kind=ActivityKind.DRILL, date=day + dt.timedelta(days=5),
                            name=f"演练{tag}", **common)


def test_story_has_every_source_newest_first_and_nothing_else(county):
    chem, fire = county.units["chem_a"], county.units["fire_b"]
    record_everything(chem, "A", D(2026, 3, 1))
    record_everything(fire, "B", D(2026, 3, 1))
    admin = county.users["county_admin"]
    with CaptureQueriesContext(connection) as queries:
        story = unit_story(admin, chem)
    assert len(queries) <= 10  # one per source (+ the scope check), whatever the number of items
    sources = [s.source for s in story]
    assert set(sources) == {"inspection", "hazard", "enforcement", "interview", "accident", "outreach", "registry"}
    titles = " ".join(s.title for s in story)
    assert "-A" in titles and "-B" not in titles
    # newest first: the registry entry (today) first, then the drill, accident, … inspection last
    assert sources[:1] == ["registry"]
    assert sources[1:] == ["outreach", "accident", "interview", "enforcement", "hazard", "inspection"]
    hazard = next(s for s in story if s.source == "hazard")
    assert hazard.status and hazard.url == reverse("hazards:detail", args=[Hazard.objects.get(number="YH-A").pk])


def test_story_follows_scope(county):
    chem = county.units["chem_a"]
    record_everything(chem, "A", D(2026, 3, 1))
    assert unit_story(county.users["township_b"], chem) == []
    assert unit_story(county.users["other_county_admin"], chem) == []
    assert {s.source for s in unit_story(county.users["unit_staff"], chem)} >= {"inspection", "hazard", "accident"}


def test_unit_page_shows_the_story(county, client):
    chem = county.units["chem_a"]
    record_everything(chem, "A", D(2026, 3, 1))
    client.force_login(county.users["county_admin"])
    page = client.get(reverse("units:detail", args=[chem.pk])).content.decode()
    for text in ("单位档案", "JC-A", "YH-A", "ZF-A", "YT-A", "SG-A", "演练A", "登记建档"):
        assert text in page
    assert "SG-B" not in page
