"""Reads of the accident register, scope first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from anjian.accidents.models import Accident
from anjian.core.scope import get_in_scope, scoped

if TYPE_CHECKING:
    from anjian.accounts.models import User


def accident_list(user: User, *, category: str = "", unit: int | None = None) -> QuerySet[Accident]:
    qs = scoped(user, Accident.objects.all()).select_related("unit")
    if category:
        qs = qs.filter(category=category)
    if unit:
        qs = qs.filter(unit_id=unit)
    return qs.order_by("-occurred_at", "-id")


def accident_get(user: User, pk: int | str) -> Accident:
    return get_in_scope(user, Accident.objects.select_related("unit"), pk=pk)
