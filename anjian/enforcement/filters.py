"""Query-string parameters of the action list → a queryset; shared by the list page and its export."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from anjian.core.text import clean
from anjian.enforcement import selectors
from anjian.enforcement.models import ActionKind, EnforcementAction

if TYPE_CHECKING:
    from anjian.accounts.models import User


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def action_filters(params: Any) -> dict[str, Any]:
    kind = str(params.get("kind") or "")
    return {
        "q": clean(str(params.get("q") or "")),
        "kind": kind if kind in ActionKind.values else "",
        "date_from": _date(params.get("from")),
        "date_to": _date(params.get("to")),
        "unit": _int(params.get("unit")),
        "campaign": _int(params.get("campaign")),
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
    return qs.select_related("campaign")


