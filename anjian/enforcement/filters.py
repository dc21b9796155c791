"""Query-string parameters of the action list → a queryset; shared by the list page and its export."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from anjian.campaigns.selectors import in_campaign_q
from anjian.core.params import param_date, param_int
from anjian.core.text import clean
from anjian.enforcement import selectors
from anjian.enforcement.models import ActionKind, EnforcementAction

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


