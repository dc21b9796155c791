"""Query-string parameters of the outreach list → a queryset (the list page and the statistics' click-through).

``/outreach/?kind=…`` as before (several kinds comma-separated: ``kind=publicity,contest,film`` is
what ``publicity_events`` counts), and for ``anjian/stats/links.py``: ``region`` (a code prefix),
``from``/``to``, ``in_campaign`` (a campaign with its sub-campaigns), ``sector`` (the unit's sector
code), ``department`` (the unit's supervising department) and ``unit``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from anjian.campaigns.selectors import in_campaign_q
from anjian.core.params import param_date, param_int
from anjian.outreach import selectors
from anjian.outreach.models import Activity, ActivityKind

if TYPE_CHECKING:
    from anjian.accounts.models import User


@dataclass
class ActivityFilters:
    kinds: list[str] = field(default_factory=list)
    region: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    in_campaign: int | None = None
    sector: str = ""
    department: int | None = None
    unit: int | None = None

    @property
    def kind(self) -> str:
        """The one kind chosen (what the list's select shows), or ""."""
        return self.kinds[0] if len(self.kinds) == 1 else ""


def filters_from_params(params: Any) -> ActivityFilters:
    """Bad values are ignored, as on the other lists."""
    kinds = [k for k in str(params.get("kind") or "").split(",") if k in ActivityKind.values]
    region = str(params.get("region") or "")
    return ActivityFilters(
        kinds=kinds,
        region=region if region.isdigit() else "",
        date_from=param_date(params.get("from")),
        date_to=param_date(params.get("to")),
        in_campaign=param_int(params.get("in_campaign")),
        sector=str(params.get("sector") or ""),
        department=param_int(params.get("department")),
        unit=param_int(params.get("unit")),
    )


def filtered_activities(user: User, f: ActivityFilters) -> QuerySet[Activity]:
    qs = selectors.activity_list(user, kind=f.kind, unit=f.unit)
    if len(f.kinds) > 1:
        qs = qs.filter(kind__in=f.kinds)
    if f.region:
        qs = qs.filter(region_code__startswith=f.region)
    if f.date_from:
        qs = qs.filter(date__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(date__lte=f.date_to)
    if f.in_campaign:
        qs = qs.filter(in_campaign_q(f.in_campaign))
    if f.sector:
        qs = qs.filter(unit__sector__code=f.sector)
    if f.department:
        qs = qs.filter(unit__department_id=f.department)
    return qs
