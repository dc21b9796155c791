"""Query-string parameters of the accident list → a queryset (the list page and the statistics' click-through).

``/accidents/?category=…`` as before, and for ``anjian/stats/links.py``: ``road=1`` (道路交通: category
道路交通 or flagged as on a road, indicators.md), ``region`` (a code prefix: where the unit is, or for an
accident without a unit where it happened), ``from``/``to`` (local dates of ``occurred_at``), ``sector``
(the unit's sector code), ``department`` (the unit's supervising department) and ``unit``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from anjian.accidents import selectors
from anjian.accidents.models import Accident, Category
from anjian.core.params import param_date, param_int

if TYPE_CHECKING:
    from anjian.accounts.models import User


@dataclass
class AccidentFilters:
    category: str = ""
    road: bool = False
    region: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sector: str = ""
    department: int | None = None
    unit: int | None = None


def filters_from_params(params: Any) -> AccidentFilters:
    """Bad values are ignored, as on the other lists."""
    category = str(params.get("category") or "")
    region = str(params.get("region") or "")
    return AccidentFilters(
        category=category if category in Category.values else "",
        road=str(params.get("road") or "") in ("1", "true", "是"),
        region=region if region.isdigit() else "",
        date_from=param_date(params.get("from")),
        date_to=param_date(params.get("to")),
        sector=str(params.get("sector") or ""),
        department=param_int(params.get("department")),
        unit=param_int(params.get("unit")),
    )


def filtered_accidents(user: User, f: AccidentFilters) -> QuerySet[Accident]:
    qs = selectors.accident_list(user, category=f.category, unit=f.unit)
    if f.road:
        qs = qs.filter(Q(category=Category.ROAD) | Q(road=True))
    if f.region:
        # Counted where the unit is; an accident with no unit, where it happened (indicators.md).
        qs = qs.filter(
            Q(unit__isnull=False, unit__region_code__startswith=f.region)
            | Q(unit__isnull=True, region_code__startswith=f.region)
        )
    if f.date_from:
        qs = qs.filter(occurred_at__date__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(occurred_at__date__lte=f.date_to)
    if f.sector:
        qs = qs.filter(unit__sector__code=f.sector)
    if f.department:
        qs = qs.filter(unit__department_id=f.department)
    return qs
