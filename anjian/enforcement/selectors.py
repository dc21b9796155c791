"""Reads of enforcement, always through the jurisdiction scope first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from anjian.core.scope import get_in_scope, scoped
from anjian.core.text import clean
from anjian.enforcement.models import Document, EnforcementAction, Interview

if TYPE_CHECKING:
    from anjian.accounts.models import User


@dataclass
class ActionFilters:
    q: str = ""
    kind: str = ""
    year: int | None = None


def action_list(user: User, filters: ActionFilters | None = None) -> QuerySet[EnforcementAction]:
    f = filters or ActionFilters()
    qs = scoped(user, EnforcementAction.objects.select_related("unit", "org"))
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.year:
        qs = qs.filter(date__year=f.year)
    text = clean(f.q)
    if text:
        qs = qs.filter(Q(number__icontains=text) | Q(unit__name__icontains=text) | Q(cause__icontains=text))
    return qs


def action_get(user: User, pk: int | str) -> EnforcementAction:
    return get_in_scope(user, EnforcementAction.objects.select_related("unit", "org", "inspection"), pk=pk)


def document_get(user: User, pk: int | str) -> Document:
    return get_in_scope(user, Document.objects.select_related("unit"), pk=pk)


def interview_list(user: User, kind: str = "", q: str = "") -> QuerySet[Interview]:
    # Scope follows the named units (an M2M path), so one interview may match several times.
    qs = scoped(user, Interview.objects.all()).distinct()
    if kind:
        qs = qs.filter(kind=kind)
    text = clean(q)
    if text:
        qs = qs.filter(
            Q(number__icontains=text) | Q(reason__icontains=text) | Q(units__name__icontains=text)
        ).distinct()
    return qs.prefetch_related("units")


def interview_get(user: User, pk: int | str) -> Interview:
    return get_in_scope(user, Interview.objects.all().distinct(), pk=pk)
