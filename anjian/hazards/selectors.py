"""Reads of the hazard loop, always through the jurisdiction scope first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from anjian.core.scope import get_in_scope, scoped
from anjian.hazards.models import Extension, Hazard, HazardEvent, MajorCriterion, Status, Supervision

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
    # The statistics' click-through (anjian/stats/links.py) reproduces an indicator with these:
    # "rectified / open / overdue" judged at as_of (indicators.md), the campaign with its
    # sub-campaigns and the campaign of the finding inspection, the kind of that inspection, the
    # unit's supervising department, and listed supervision placed in a period.
    as_of: dt.date | None = None
    open: bool | None = None
    rectified: bool | None = None
    in_campaign: int | None = None
    inspection_kind: str = ""
    department: int | None = None
    supervised_from: dt.date | None = None
    supervised_to: dt.date | None = None


def rectified_q(as_of: dt.date) -> Q:
    """Verified and closed (销号) on or before ``as_of`` (indicators.md "Rectified")."""
    return Q(status=Status.CLOSED, closed_on__lte=as_of)


def not_rectified_q(as_of: dt.date) -> Q:
    """Not verified-closed by ``as_of``: spelled out, not ``~rectified_q``, so that the statistics'
    conditional aggregates carry no NOT over a nullable column (closed_on is null until 销号)."""
    return ~Q(status=Status.CLOSED) | Q(closed_on__isnull=True) | Q(closed_on__gt=as_of)


def open_q(as_of: dt.date) -> Q:
    """Found by ``as_of`` and not rectified by then (indicators.md ``hazards_open``)."""
    return Q(found_on__lte=as_of) & not_rectified_q(as_of)


def overdue_at_q(as_of: dt.date) -> Q:
    """Open at ``as_of`` with its deadline before it (indicators.md ``hazards_overdue``)."""
    return open_q(as_of) & Q(deadline__lt=as_of)


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
    # Without as_of, overdue is today's (the workflow's); with it, the statistics' at that date.
    overdue = overdue_at_q(f.as_of) if f.as_of else overdue_q()
    if f.overdue is True:
        qs = qs.filter(overdue)
    elif f.overdue is False:
        qs = qs.exclude(overdue)
    on = f.as_of or timezone.localdate()
    if f.open is True:
        qs = qs.filter(open_q(on))
    elif f.open is False:
        qs = qs.exclude(open_q(on))
    if f.rectified is True:
        qs = qs.filter(rectified_q(on))
    elif f.rectified is False:
        qs = qs.exclude(rectified_q(on))
    if f.in_campaign:
        from anjian.campaigns.selectors import in_campaign_q

        qs = qs.filter(in_campaign_q(f.in_campaign, "campaign_id", "inspection__campaign_id"))
    if f.inspection_kind:
        qs = qs.filter(inspection__kind=f.inspection_kind)
    if f.department:
        qs = qs.filter(unit__department_id=f.department)
    if f.supervised_from or f.supervised_to:
        placed = Q()
        if f.supervised_from:
            placed &= Q(placed_on__gte=f.supervised_from)
        if f.supervised_to:
            placed &= Q(placed_on__lte=f.supervised_to)
        # A subquery, not a join: a hazard supervised twice in the period is listed once.
        qs = qs.filter(pk__in=Supervision.objects.filter(placed).values("hazard_id"))
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
