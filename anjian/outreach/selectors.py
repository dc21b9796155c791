"""Reads of the outreach register (宣教活动), scope first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from anjian.core.scope import get_in_scope, scoped
from anjian.outreach.models import Activity

if TYPE_CHECKING:
    from anjian.accounts.models import User


def activity_list(user: User, *, kind: str = "", unit: int | None = None) -> QuerySet[Activity]:
    qs = scoped(user, Activity.objects.all()).select_related("unit", "campaign", "org")
    if kind:
        qs = qs.filter(kind=kind)
    if unit:
        qs = qs.filter(unit_id=unit)
    return qs.order_by("-date", "-id")


def activity_get(user: User, pk: int | str) -> Activity:
    return get_in_scope(user, Activity.objects.select_related("unit", "campaign", "org"), pk=pk)
