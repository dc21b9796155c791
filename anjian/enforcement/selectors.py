"""Reads of enforcement, always through the jurisdiction scope first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from anjian.campaigns.selectors import in_campaign_q
from anjian.core.params import param_date, param_int
from anjian.core.scope import get_in_scope, scoped
from anjian.core.text import clean
from anjian.enforcement.models import Document, DocumentType, EnforcementAction, Interview
from anjian.units.models import Unit

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


@dataclass
class DocumentFilters:
    """The document list's filters. Beyond the form's (``q``, ``doc_type``, the dates), ``region``,
    ``sector`` (code), ``department``, ``unit`` and ``in_campaign`` are the conditions the statistics
    put on documents (``stats.compute.documents_qs``): the click-through of 执法文书数 sets them, so
    the list shows exactly the documents the figure counts."""

    q: str = ""
    doc_type: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    region: str = ""  # a region code prefix (6, 9 or 12 digits)
    sector: str = ""
    department: int | None = None
    unit: int | None = None
    in_campaign: int | None = None

    @classmethod
    def from_params(cls, params: Any) -> DocumentFilters:
        """From the query string (``type``, ``from``, ``to`` …); a value that cannot be read is ignored."""
        doc_type = str(params.get("type") or "")
        region = str(params.get("region") or "")
        return cls(
            q=clean(str(params.get("q") or "")),
            doc_type=doc_type if doc_type in DocumentType.values else "",
            date_from=param_date(params.get("from")),
            date_to=param_date(params.get("to")),
            region=region if region.isdigit() else "",
            sector=str(params.get("sector") or ""),
            department=param_int(params.get("department")),
            unit=param_int(params.get("unit")),
            in_campaign=param_int(params.get("in_campaign")),
        )

    def click_through(self) -> dict[str, Any]:
        """The filters the form does not show (kept as hidden fields when the form changes)."""
        values = {"region": self.region, "sector": self.sector, "department": self.department,
                  "unit": self.unit, "in_campaign": self.in_campaign}
        return {k: v for k, v in values.items() if v}


def document_list(user: User, filters: DocumentFilters | None = None) -> QuerySet[Document]:
    """Issued documents in the user's scope, newest first, with what the list shows joined in."""
    f = filters or DocumentFilters()
    qs = scoped(user, Document.objects.select_related("org", "unit", "action", "inspection"))
    if f.doc_type:
        qs = qs.filter(doc_type=f.doc_type)
    # Both ends inclusive, as the statistics' period (issued_on BETWEEN from AND to).
    if f.date_from:
        qs = qs.filter(issued_on__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(issued_on__lte=f.date_to)
    # The document's own region (copied from the unit when issued), as the statistics count it,
    # not the unit's region today.
    if f.region:
        qs = qs.filter(region_code__startswith=f.region)
    if f.sector:
        qs = qs.filter(unit__sector__code=f.sector)
    if f.department:
        qs = qs.filter(unit__department_id=f.department)
    if f.unit:
        qs = qs.filter(unit_id=f.unit)
    if f.in_campaign:
        # A document belongs to the campaign of its action or of its inspection (and sub-campaigns).
        qs = qs.filter(in_campaign_q(f.in_campaign, "action__campaign_id", "inspection__campaign_id"))
    text = clean(f.q)
    if text:
        qs = qs.filter(Q(number__icontains=text) | Q(unit__name__icontains=text))
    return qs.order_by("-issued_on", "-id")


def visible_unit_ids(user: User, unit_ids: set[int]) -> set[int]:
    """Which of these units the user may open (one query): a document stays where it was issued,
    its unit may since have moved out of the user's scope."""
    return set(scoped(user, Unit.objects.filter(pk__in=unit_ids)).values_list("pk", flat=True))


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
