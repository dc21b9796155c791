"""Small builders for statistics fixtures (facts created directly, as the ledgers would load them)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from django.utils import timezone

from anjian.accidents.models import Accident
from anjian.campaigns.models import Campaign, Task
from anjian.enforcement.models import Document, EnforcementAction, Interview
from anjian.hazards.models import Hazard
from anjian.inspections.models import Inspection, InspectionGroup, Person
from anjian.outreach.models import Activity
from anjian.units.models import Unit

_seq = itertools.count(1)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def person(name: str, kind: str = "official", region: str = "430626000000") -> Person:
    return Person.objects.create(kind=kind, name=name, region_code=region)


def group(name: str, region: str = "430626000000", campaign: Campaign | None = None) -> InspectionGroup:
    return InspectionGroup.objects.create(name=name, region_code=region, campaign=campaign)


def inspection(unit: Unit, date: str, grp: InspectionGroup | None = None, officials: list[Person] = (),  # type: ignore[assignment]
               experts: list[Person] = (), kind: str = "routine", **kw: Any) -> Inspection:  # type: ignore[assignment]
    i = Inspection.objects.create(
        number=f"JC-{next(_seq)}", unit=unit, region_code=unit.region_code, sector=unit.sector, kind=kind,
        date=d(date), group=grp, **kw,
    )
    i.officials.set(officials)
    i.experts.set(experts)
    return i


def hazard(unit: Unit, found_on: str, deadline: str, *, level: str = "general", status: str = "reported",
           closed_on: str | None = None, **kw: Any) -> Hazard:
    return Hazard.objects.create(
        number=f"YH-{next(_seq)}", unit=unit, region_code=unit.region_code, sector=unit.sector, source="inspection",
        description="隐患", level=level, status=status, found_on=d(found_on), deadline=d(deadline),
        closed_on=d(closed_on) if closed_on else None, **kw,
    )


def action(unit: Unit, kind: str, date: str, fine: int | None = None, **kw: Any) -> EnforcementAction:
    amount = Decimal(fine) if fine is not None else None
    return EnforcementAction.objects.create(
        number=f"ZF-{next(_seq)}", unit=unit, region_code=unit.region_code, sector=unit.sector, kind=kind,
        date=d(date), fine_initial=amount, fine_current=amount, **kw,
    )


def document(unit: Unit, org: Any, issued_on: str, **kw: Any) -> Document:
    n = next(_seq)
    return Document.objects.create(
        doc_type="rectify_order", org=org, year=int(issued_on[:4]), seq=n, number=f"平应急责改〔{issued_on[:4]}〕{n}号",
        region_code=unit.region_code, unit=unit, file="documents/x.pdf", sha256="0" * 64, issued_on=d(issued_on), **kw,
    )


def interview(kind: str, date: str, units: list[Unit], persons: int = 0, **kw: Any) -> Interview:
    i = Interview.objects.create(number=f"YT-{next(_seq)}", kind=kind, date=d(date), persons=persons,
                                 region_code="430626000000", **kw)
    i.units.set(units)
    return i


def accident(category: str, when: dt.datetime, *, unit: Unit | None = None, region: str = "430626000000",
             road: bool = False, deaths: int = 0, injuries: int = 0, loss: int = 0) -> Accident:
    return Accident.objects.create(
        number=f"SG-{next(_seq)}", occurred_at=timezone.make_aware(when),
        region_code=unit.region_code if unit else region, unit=unit, category=category, road=road,
        deaths=deaths, injuries=injuries, direct_loss=Decimal(loss),
    )


def activity(kind: str, date: str, region: str = "430626000000", attendees: int = 0, materials: int = 0,
             **kw: Any) -> Activity:
    return Activity.objects.create(number=f"XJ-{next(_seq)}", kind=kind, date=d(date), region_code=region,
                                   attendees=attendees, materials=materials, **kw)


def campaign(name: str, start: str, end: str, parent: Campaign | None = None,
             region: str = "430626000000") -> Campaign:
    return Campaign.objects.create(name=name, start=d(start), end=d(end), parent=parent, region_code=region)


def task(c: Campaign, number: str, due: str, completed_on: str | None = None) -> Task:
    return Task.objects.create(campaign=c, number=number, content="任务", due=d(due), responsible="县应急管理局",
                               completed_on=d(completed_on) if completed_on else None, region_code=c.region_code)
