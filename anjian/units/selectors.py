"""Reads of the unit registry, always through the jurisdiction scope first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from anjian.core import uscc
from anjian.core.scope import get_in_scope, scoped
from anjian.core.text import clean
from anjian.units.models import Assignment, Unit

if TYPE_CHECKING:
    from anjian.accounts.models import User


@dataclass
class UnitFilters:
    """The filters of the unit list, the export and the API (one definition for all three)."""

    q: str = ""
    township: str = ""  # 9-digit township code
    grid: int | None = None
    sector: str = ""  # sector code
    key_supervision: bool | None = None
    risk_class: str = ""
    status: str = ""
    active: bool | None = True  # None: both active and deactivated
    region: str = ""  # any code prefix (6/9/12 digits), e.g. for `anjian export units --region`


def unit_queryset(user: User) -> QuerySet[Unit]:
    return scoped(user, Unit.objects.all())


def search_q(text: str) -> Q:
    """Name, pinyin initials, credit code and address: '汇丰', 'hfhg', '91430626…', '安定镇'."""
    text = clean(text)
    if not text:
        return Q()
    q = Q(name__icontains=text) | Q(address__icontains=text)
    lowered = text.lower()
    if lowered.isascii() and lowered.isalnum():
        # Initials anywhere in the name: most names start with 平江县 or a township, so
        # 'hfhg' must find 平江县汇丰化工有限公司.
        q |= Q(name_initials__contains=lowered) | Q(name_pinyin__startswith=lowered)
        q |= Q(credit_code__startswith=uscc.normalise(text))
    return q


def unit_visible(user: User, unit: Unit) -> bool:
    """Whether ``unit`` is in the user's scope (for services that take a unit from a caller)."""
    return unit_queryset(user).filter(pk=unit.pk).exists()


def unit_list(user: User, filters: UnitFilters | None = None) -> QuerySet[Unit]:
    f = filters or UnitFilters()
    qs = unit_queryset(user)
    if f.active is not None:
        qs = qs.filter(is_active=f.active)
    if f.q:
        qs = qs.filter(search_q(f.q))
    if f.region:
        qs = qs.filter(region_code__startswith=f.region)
    if f.township:
        qs = qs.filter(region_code__startswith=f.township[:9])
    if f.grid:
        qs = qs.filter(grid_id=f.grid)
    if f.sector:
        qs = qs.filter(sector__code=f.sector)
    if f.key_supervision is not None:
        qs = qs.filter(key_supervision=f.key_supervision)
    if f.risk_class:
        qs = qs.filter(risk_class=f.risk_class)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.q:
        # A search matches few rows anywhere in the county: ordering by name alone lets SQLite
        # stop early instead of walking the region index (docs/performance.md).
        qs = qs.order_by("name_pinyin", "id")
    return qs.select_related("sector", "grid", "department")


def unit_get(user: User, pk: int | str) -> Unit:
    """One unit in the user's scope, or Http404."""
    return get_in_scope(user, Unit.objects.select_related("sector", "grid", "department"), pk=pk)


def unit_assignments(user: User, unit: Unit) -> QuerySet[Assignment]:
    return scoped(user, Assignment.objects.filter(unit=unit)).select_related("person")


def unit_history(user: User, unit: Unit) -> QuerySet[Any]:
    """The registry changes of a unit, newest first (later issues add inspections, hazards …)."""
    from anjian.core.models import AuditEntry

    unit_get(user, unit.pk)  # the caller already holds it; this keeps the rule "scope first"
    return AuditEntry.objects.filter(object_type=Unit._meta.label_lower, object_id=str(unit.pk)).order_by("-at")[:50]


def assignment_list(user: User) -> QuerySet[Assignment]:
    """包联 in the user's scope: township assignments by region, unit assignments by the unit's scope."""
    return scoped(user, Assignment.objects.all()).select_related("person", "person__org", "township", "unit")
