"""Indicator → the list of records behind it (the dashboard's and the progress table's click-through).

One mapping for every screen: ``Links(scope).url(code)`` is the list page (hazards, inspections,
enforcement actions and documents, interviews, accidents, outreach, units, campaigns) with that list's own query
parameters set so that it shows the records the indicator counts. ``EXACT`` names the indicators
whose list has exactly as many rows as the figure (a count of records); the others open the records
the figure is made of (e.g. ``penalized_units`` opens the penalty decisions, ``fines_yuan`` too).

A row of the progress table narrows the list to its township (``region``) or department; a month
of a trend chart narrows the dates to that month (within the period).

The lists apply the *user's* scope as well: for a department's user they show only the units of its
sectors, whereas the statistics of a region are the region's — the counts agree for every other role.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from anjian.stats import indicators as ind
from anjian.stats.scope import Scope

Params = dict[str, Any]


@dataclass(frozen=True)
class Target:
    """A list page and the parameters (beyond the scope's) that select an indicator's records."""

    url_name: str
    params: Callable[[Scope, dt.date, dt.date], Params]
    exact: bool = False


def _found(s: Scope, start: dt.date, end: dt.date) -> Params:
    return {"found_from": start, "found_to": end}


def _rectified(level: str = "") -> Callable[[Scope, dt.date, dt.date], Params]:
    return lambda s, a, b: {**_found(s, a, b), **({"level": level} if level else {}), "rectified": 1, "as_of": s.as_of}


def _level(level: str) -> Callable[[Scope, dt.date, dt.date], Params]:
    return lambda s, a, b: {**_found(s, a, b), "level": level}


def _period(s: Scope, start: dt.date, end: dt.date) -> Params:
    return {"from": start, "to": end}


def _kind(kind: str) -> Callable[[Scope, dt.date, dt.date], Params]:
    return lambda s, a, b: {**_period(s, a, b), "kind": kind}


def _category(category: str) -> Callable[[Scope, dt.date, dt.date], Params]:
    return lambda s, a, b: {**_period(s, a, b), "category": category}


def _road(s: Scope, start: dt.date, end: dt.date) -> Params:
    return {**_period(s, start, end), "road": 1}


def _stock(s: Scope, start: dt.date, end: dt.date) -> Params:
    """Hazards open or overdue at as_of are found any time; a month's row, those found in that month."""
    if (start, end) == (s.date_from, s.date_to):
        return {"as_of": s.as_of}
    return {**_found(s, start, end), "as_of": s.as_of}


def _nothing(s: Scope, start: dt.date, end: dt.date) -> Params:
    return {}


HAZARDS, INSPECTIONS, ACTIONS = "hazards:list", "inspections:list", "enforcement:list"
INTERVIEWS, ACCIDENTS, OUTREACH = "enforcement:interviews", "accidents:list", "outreach:list"
UNITS, CAMPAIGNS = "units:list", "campaigns:list"
DOCUMENTS = "enforcement:documents"

TARGETS: dict[str, Target] = {
    "units": Target(UNITS, _nothing),
    "units_key": Target(UNITS, lambda s, a, b: {"key": 1}),
    **{c: Target(INSPECTIONS, _period, exact=c == "inspections") for c in (
        "inspection_groups", "outings", "inspections", "inspector_visits", "expert_visits", "units_inspected")},
    "hazards_found": Target(HAZARDS, _found, exact=True),
    "hazards_general_found": Target(HAZARDS, _level("general"), exact=True),
    "hazards_major_found": Target(HAZARDS, _level("major"), exact=True),
    "hazards_general_rectified": Target(HAZARDS, _rectified("general"), exact=True),
    "hazards_major_rectified": Target(HAZARDS, _rectified("major"), exact=True),
    "hazards_rectified": Target(HAZARDS, _rectified(), exact=True),
    "rectification_rate": Target(HAZARDS, _found),
    "rectification_rate_general": Target(HAZARDS, _level("general")),
    "rectification_rate_major": Target(HAZARDS, _level("major")),
    "hazards_overdue": Target(HAZARDS, lambda s, a, b: {**_stock(s, a, b), "overdue": 1}, exact=True),
    "hazards_open": Target(HAZARDS, lambda s, a, b: {**_stock(s, a, b), "open": 1}, exact=True),
    "hazards_major_supervised": Target(
        HAZARDS, lambda s, a, b: {"level": "major", "supervised_from": a, "supervised_to": b}, exact=True),
    "orders_rectify_units": Target(ACTIONS, _kind("order_rectify")),
    "cases_filed": Target(ACTIONS, _kind("case_filed"), exact=True),
    "case_units": Target(ACTIONS, _kind("case_filed")),
    "penalty_cases": Target(ACTIONS, _kind("penalty"), exact=True),
    "penalized_units": Target(ACTIONS, _kind("penalty")),
    "fines_yuan": Target(ACTIONS, _kind("penalty")),
    "suspended_units": Target(ACTIONS, _kind("suspend")),
    "closed_units": Target(ACTIONS, _kind("close")),
    "licenses_suspended": Target(ACTIONS, _kind("license_suspend"), exact=True),
    "licenses_revoked": Target(ACTIONS, _kind("license_revoke"), exact=True),
    "cases_transferred": Target(ACTIONS, _kind("transfer"), exact=True),
    "criminal_transfers": Target(ACTIONS, _kind("criminal"), exact=True),
    # The documents themselves, issued in the period, filtered as documents_qs counts them.
    "documents_issued": Target(DOCUMENTS, _period, exact=True),
    # An interview counts where a unit it names is; the list filters the named units the same way.
    "interviews": Target(INTERVIEWS, _kind("interview,notice"), exact=True),
    "interviewed_units": Target(INTERVIEWS, _kind("interview,notice")),
    "interviewed_persons": Target(INTERVIEWS, _kind("interview,notice")),
    "exposures": Target(INTERVIEWS, _kind("exposure"), exact=True),
    "exposed_units": Target(INTERVIEWS, _kind("exposure")),
    **{c: Target(ACCIDENTS, _category("production"), exact=c == "accidents")
       for c in ("accidents", "deaths", "injuries", "direct_loss_yuan")},
    "road_accidents": Target(ACCIDENTS, _road, exact=True),
    "road_deaths": Target(ACCIDENTS, _road),
    "fires": Target(ACCIDENTS, _category("fire"), exact=True),
    "fire_deaths": Target(ACCIDENTS, _category("fire")),
    "trainings": Target(OUTREACH, _kind("training"), exact=True),
    "training_attendees": Target(OUTREACH, _kind("training")),
    "drills": Target(OUTREACH, _kind("drill"), exact=True),
    "drill_participants": Target(OUTREACH, _kind("drill")),
    "publicity_events": Target(OUTREACH, _kind("publicity,contest,film"), exact=True),
    "materials_distributed": Target(OUTREACH, _period),
    "tasks_total": Target(CAMPAIGNS, _nothing),
    "tasks_done": Target(CAMPAIGNS, _nothing),
    "tasks_overdue": Target(CAMPAIGNS, _nothing),
}
EXACT = frozenset(code for code, t in TARGETS.items() if t.exact)

# The scope's filters as each list names them (None: the list has no such filter).
_REGION = {UNITS: "region", HAZARDS: "region", INSPECTIONS: "region", ACTIONS: "region", ACCIDENTS: "region",
           OUTREACH: "region", INTERVIEWS: "region", DOCUMENTS: "region"}
_CAMPAIGN = {HAZARDS: "in_campaign", INSPECTIONS: "in_campaign", ACTIONS: "in_campaign", OUTREACH: "in_campaign",
             INTERVIEWS: "in_campaign", DOCUMENTS: "in_campaign"}
_SECTOR = {UNITS: "sector", HAZARDS: "sector", INSPECTIONS: "sector", ACTIONS: "sector", ACCIDENTS: "sector",
           OUTREACH: "sector", INTERVIEWS: "sector", DOCUMENTS: "sector"}
_DEPARTMENT = {HAZARDS: "department", INSPECTIONS: "department", ACTIONS: "department", ACCIDENTS: "department",
               OUTREACH: "department", INTERVIEWS: "department", DOCUMENTS: "department"}
# The tables whose figures the campaign filter changes (compute.py: not units, not accidents).
CAMPAIGN_TABLES = frozenset({ind.INSPECTIONS, ind.HAZARDS, ind.ENFORCEMENT, ind.DOCUMENTS, ind.INTERVIEWS,
                             ind.OUTREACH, ind.TASKS})
_UNIT = {HAZARDS: "unit", INSPECTIONS: "unit", ACTIONS: "unit", ACCIDENTS: "unit", OUTREACH: "unit", INTERVIEWS: "unit",
         DOCUMENTS: "unit"}


def month_range(s: Scope, month: str) -> tuple[dt.date, dt.date]:
    """The days of ``month`` ("2024-03") within the scope's period."""
    year, number = (int(x) for x in month.split("-"))
    first = dt.date(year, number, 1)
    last = (dt.date(year + number // 12, number % 12 + 1, 1)) - dt.timedelta(days=1)
    return max(first, s.date_from), min(last, s.date_to)


@dataclass
class Links:
    """Click-through URLs for one scope (the campaign and sector are looked up once, when first needed)."""

    scope: Scope

    @cached_property
    def campaign_id(self) -> int | None:
        """The campaign filtered on: the root of the scope's campaign tree (the lists add its sub-campaigns)."""
        ids = self.scope.campaign_ids
        if not ids:
            return None
        from anjian.campaigns.models import Campaign

        root = Campaign.objects.filter(pk__in=ids).exclude(parent_id__in=ids).values_list("pk", flat=True).first()
        return root

    @cached_property
    def sector_codes(self) -> dict[str, str]:
        """Sector id → code, for every sector (one short query)."""
        from anjian.units.models import Sector

        return {str(pk): code for pk, code in Sector.objects.values_list("pk", "code")}

    @property
    def sector_code(self) -> str | None:
        return None if self.scope.sector_id is None else self.sector_codes.get(str(self.scope.sector_id))

    def url(self, code: str, *, region: str | None = None, department: str | None = None,
            month: str | None = None, sector: str | None = None) -> str | None:
        """The list behind ``code`` for the scope, or for one township / department / sector / month of it.

        None when there is no list that narrows to it (a department row of "no department", a filter the
        list lacks: the inspection kind on lists other than inspections and hazards).
        """
        target = TARGETS.get(code)
        if target is None:
            return None
        s = self.scope
        name = target.url_name
        start, end = month_range(s, month) if month else (s.date_from, s.date_to)
        params: Params = {}
        if name in _REGION:
            params[_REGION[name]] = region or s.prefix
        elif region and region != s.prefix:
            return None
        # A filter of the scope that changes this figure and that the list cannot apply: no link
        # (a list of other records would contradict the number). Filters that do not change the
        # figure (the inspection kind for accidents …) are left out.
        table = ind.BY_CODE[code].table or ind.HAZARDS
        department_id = department if department is not None else s.department_id
        if department_id is not None and table != ind.TASKS:
            if name not in _DEPARTMENT or str(department_id) == "0":
                return None
            params[_DEPARTMENT[name]] = department_id
        if s.campaign_ids is not None and table in CAMPAIGN_TABLES:
            if name == CAMPAIGNS:
                return reverse("campaigns:detail", args=[self.campaign_id]) if self.campaign_id else None
            if name not in _CAMPAIGN or self.campaign_id is None:
                return None
            params[_CAMPAIGN[name]] = self.campaign_id
        sector_code = self.sector_codes.get(sector) if sector is not None else self.sector_code
        if (sector is not None or s.sector_id is not None) and table != ind.TASKS:
            if name not in _SECTOR or sector_code is None:
                return None
            params[_SECTOR[name]] = sector_code
        if s.inspection_kind and table in (ind.INSPECTIONS, ind.HAZARDS):
            params["kind" if name == INSPECTIONS else "inspection_kind"] = s.inspection_kind
        if s.unit is not None and table != ind.TASKS:
            if name not in _UNIT:
                return None
            params[_UNIT[name]] = s.unit
        params.update(target.params(s, start, end))
        query = urlencode({k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in params.items()})
        return f"{reverse(name)}?{query}" if query else reverse(name)

    def for_codes(self, codes: list[str] | tuple[str, ...], **narrow: Any) -> dict[str, str | None]:
        return {c: self.url(c, **narrow) for c in codes}
