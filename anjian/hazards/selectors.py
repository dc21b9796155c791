"""Reads of the hazard loop, always through the jurisdiction scope first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from anjian.core.scope import get_in_scope, scoped
from anjian.hazards.models import Extension, Hazard, HazardEvent, MajorCriterion, Status

if TYPE_CHECKING:
    from anjian.accounts.models import User


@dataclass
class HazardFilters:
    """Filters of the hazard list, its exports and the API (one definition for all)."""

    status: str = ""
    level: str = ""
    overdue: bool | None = None
    township: str = ""
    grid: int | None = None
    sector: str = ""
    source: str = ""
    unit: int | None = None
    found_from: dt.date | None = None
    found_to: dt.date | None = None
    deadline_from: dt.date | None = None
    deadline_to: dt.date | None = None
    q: str = ""
    region: str = ""


def overdue_q(today: dt.date | None = None) -> Q:
    """Overdue = deadline passed and not closed (ARCHITECTURE.md, the hazard workflow)."""
    return Q(deadline__lt=today or timezone.localdate()) & ~Q(status=Status.CLOSED)


def hazard_queryset(user: User) -> QuerySet[Hazard]:
    return scoped(user, Hazard.objects.all())


def hazard_list(user: User, filters: HazardFilters | None = None) -> QuerySet[Hazard]:
    f = filters or HazardFilters()
    qs = hazard_queryset(user)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.level:
        qs = qs.filter(level=f.level)
    if f.overdue is True:
        qs = qs.filter(overdue_q())
    elif f.overdue is False:
        qs = qs.exclude(overdue_q())
    if f.region:
        qs = qs.filter(region_code__startswith=f.region)
    if f.township:
        qs = qs.filter(region_code__startswith=f.township[:9])
    if f.grid:
        qs = qs.filter(grid_id=f.grid)
    if f.sector:
        qs = qs.filter(sector__code=f.sector)
    if f.source:
        qs = qs.filter(source=f.source)
    if f.unit:
        qs = qs.filter(unit_id=f.unit)
    if f.found_from:
        qs = qs.filter(found_on__gte=f.found_from)
    if f.found_to:
        qs = qs.filter(found_on__lte=f.found_to)
    if f.deadline_from:
        qs = qs.filter(deadline__gte=f.deadline_from)
    if f.deadline_to:
        qs = qs.filter(deadline__lte=f.deadline_to)
    if f.q:
        qs = qs.filter(Q(description__icontains=f.q) | Q(number__icontains=f.q) | Q(unit__name__icontains=f.q))
    return qs.select_related("unit", "sector", "grid", "criterion")


def hazard_get(user: User, pk: int | str) -> Hazard:
    """One hazard in the user's scope, else Http404."""
    return get_in_scope(
        user,
        Hazard.objects.select_related("unit", "sector", "grid", "criterion", "verifier_org", "inspection", "campaign"),
        pk=pk,
    )


def hazard_events(user: User, hazard: Hazard) -> QuerySet[HazardEvent]:
    hazard_get(user, hazard.pk)
    return hazard.events.select_related("actor").order_by("seq")


def extension_get(user: User, pk: int | str) -> Extension:
    ext = Extension.objects.select_related("hazard").filter(pk=pk).first()
    if ext is None:
        from django.http import Http404

        raise Http404("未找到该记录")
    hazard_get(user, ext.hazard_id)
    return ext


def criteria_for(on: dt.date) -> QuerySet[MajorCriterion]:
    """The major-hazard criteria in force on ``on`` (a 2022 hazard cites the 2017 工贸 list)."""
    return MajorCriterion.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=on), Q(valid_to__isnull=True) | Q(valid_to__gte=on)
    )
