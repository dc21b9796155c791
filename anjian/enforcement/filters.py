"""Query-string parameters of the action and interview lists → querysets; shared by each list page
and its ledger export (the export holds what the list shows)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from anjian.campaigns.selectors import in_campaign_q
from anjian.core.params import param_date, param_int
from anjian.core.text import clean
from anjian.enforcement import selectors
from anjian.enforcement.models import ActionKind, EnforcementAction, Interview, InterviewKind

if TYPE_CHECKING:
    from anjian.accounts.models import User


def action_filters(params: Any) -> dict[str, Any]:
    """The list's parameters; ``region``, ``in_campaign`` (with sub-campaigns and the campaign of the
    inspection), ``sector`` (code) and ``department`` serve the statistics' click-through."""
    kind = str(params.get("kind") or "")
    region = str(params.get("region") or "")
    return {
        "q": clean(str(params.get("q") or "")),
        "kind": kind if kind in ActionKind.values else "",
        "date_from": param_date(params.get("from")),
        "date_to": param_date(params.get("to")),
        "unit": param_int(params.get("unit")),
        "campaign": param_int(params.get("campaign")),
        "region": region if region.isdigit() else "",
        "in_campaign": param_int(params.get("in_campaign")),
        "sector": str(params.get("sector") or ""),
        "department": param_int(params.get("department")),
    }


def filtered_actions(user: User, f: dict[str, Any]) -> QuerySet[EnforcementAction]:
    qs = selectors.action_list(user, selectors.ActionFilters(q=f["q"], kind=f["kind"]))
    if f["date_from"]:
        qs = qs.filter(date__gte=f["date_from"])
    if f["date_to"]:
        qs = qs.filter(date__lte=f["date_to"])
    if f["unit"]:
        qs = qs.filter(unit_id=f["unit"])
    if f["campaign"]:
        qs = qs.filter(campaign_id=f["campaign"])
    if f.get("region"):
        qs = qs.filter(region_code__startswith=f["region"])
    if f.get("in_campaign"):
        qs = qs.filter(in_campaign_q(f["in_campaign"], "campaign_id", "inspection__campaign_id"))
    if f.get("sector"):
        qs = qs.filter(unit__sector__code=f["sector"])
    if f.get("department"):
        qs = qs.filter(unit__department_id=f["department"])
    return qs.select_related("campaign")


def interview_filters(params: Any) -> dict[str, Any]:
    """The interview list's parameters. ``kind`` takes several kinds comma-separated
    (``interview,notice`` is what the figure 约谈通报次数 counts); ``region``, ``sector`` (code),
    ``department``, ``unit`` and ``in_campaign`` serve the statistics' click-through."""
    kinds = [k for k in str(params.get("kind") or "").split(",") if k in InterviewKind.values]
    region = str(params.get("region") or "")
    return {
        "q": clean(str(params.get("q") or "")),
        "kinds": kinds,
        "kind": kinds[0] if len(kinds) == 1 else "",  # what the list's select shows
        "date_from": param_date(params.get("from")),
        "date_to": param_date(params.get("to")),
        "region": region if region.isdigit() else "",
        "sector": str(params.get("sector") or ""),
        "department": param_int(params.get("department")),
        "unit": param_int(params.get("unit")),
        "in_campaign": param_int(params.get("in_campaign")),
    }


def filtered_interviews(user: User, f: dict[str, Any]) -> QuerySet[Interview]:
    """An interview names several units; it is in a region (sector, department) when one of the units
    it names is — all the conditions on the *same* named unit, as the statistics count it
    (``stats.compute.interviews_qs``)."""
    qs = selectors.interview_list(user, q=f["q"])
    if f["kinds"]:
        qs = qs.filter(kind__in=f["kinds"])
    if f["date_from"]:
        qs = qs.filter(date__gte=f["date_from"])
    if f["date_to"]:
        qs = qs.filter(date__lte=f["date_to"])
    named: dict[str, Any] = {}
    if f["region"]:
        named["units__region_code__startswith"] = f["region"]
    if f["sector"]:
        named["units__sector__code"] = f["sector"]
    if f["department"]:
        named["units__department_id"] = f["department"]
    if f["unit"]:
        named["units__id"] = f["unit"]
    if named:
        qs = qs.filter(**named).distinct()  # one filter(): one join, every condition on the same unit
    if f["in_campaign"]:
        qs = qs.filter(in_campaign_q(f["in_campaign"], "campaign_id"))
    return qs
