"""Reads of inspections, always through the jurisdiction scope first; outings computed from them."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import Http404

from anjian.core.params import param_date, param_int
from anjian.core.scope import get_in_scope, scoped
from anjian.inspections.models import Attachment, Checklist, Inspection, InspectionGroup, Person
from anjian.inspections.services import people_q

if TYPE_CHECKING:
    from anjian.accounts.models import User


@dataclass
class InspectionFilters:
    kind: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    group: int | None = None
    unit: int | None = None
    campaign: int | None = None
    case: str = ""  # "closed" 已结案, "open" 未结案, "" all
    # For the statistics' click-through (anjian/stats/links.py): a region code prefix, a campaign
    # with its sub-campaigns, and the inspected unit's sector (code) and supervising department.
    region: str = ""
    in_campaign: int | None = None
    sector: str = ""
    department: int | None = None


CASE_CHOICES = [("closed", "已结案"), ("open", "未结案")]


def filters_from_params(params: Any) -> InspectionFilters:
    """The list page's, the export's and the API's query parameters; bad values are ignored."""
    return InspectionFilters(
        kind=str(params.get("kind") or ""),
        date_from=param_date(params.get("from")),
        date_to=param_date(params.get("to")),
        group=param_int(params.get("group")),
        unit=param_int(params.get("unit")),
        campaign=param_int(params.get("campaign")),
        case=str(params.get("case") or "") if params.get("case") in ("closed", "open") else "",
        region=str(params.get("region") or "") if str(params.get("region") or "").isdigit() else "",
        in_campaign=param_int(params.get("in_campaign")),
        sector=str(params.get("sector") or ""),
        department=param_int(params.get("department")),
    )


def inspection_list(user: User, filters: InspectionFilters | None = None) -> QuerySet[Inspection]:
    f = filters or InspectionFilters()
    qs = scoped(user, Inspection.objects.all())
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.date_from:
        qs = qs.filter(date__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(date__lte=f.date_to)
    if f.group:
        qs = qs.filter(group_id=f.group)
    if f.unit:
        qs = qs.filter(unit_id=f.unit)
    if f.campaign:
        qs = qs.filter(campaign_id=f.campaign)
    if f.case:
        qs = qs.filter(case_closed_on__isnull=f.case == "open")
    if f.region:
        qs = qs.filter(region_code__startswith=f.region)
    if f.in_campaign:
        from anjian.campaigns.selectors import in_campaign_q

        qs = qs.filter(in_campaign_q(f.in_campaign))
    if f.sector:
        qs = qs.filter(unit__sector__code=f.sector)
    if f.department:
        qs = qs.filter(unit__department_id=f.department)
    return qs.select_related("unit", "group", "campaign")


def inspection_get(user: User, pk: int | str) -> Inspection:
    """One inspection in the user's scope, or Http404."""
    qs = Inspection.objects.select_related(
        "unit", "group", "campaign", "checklist", "follows", "created_by", "case_closed_by"
    )
    return get_in_scope(user, qs, pk=pk)


def attachment_get(user: User, inspection_pk: int | str, attachment_pk: int | str) -> Attachment:
    """One file of an inspection in the user's scope, or Http404."""
    inspection = inspection_get(user, inspection_pk)
    item = inspection.attachments.filter(pk=attachment_pk).first()
    if item is None:
        raise Http404("未找到该文件")
    return item


def person_list(user: User, kind: str = "") -> QuerySet[Person]:
    qs = Person.objects.filter(people_q(user)).select_related("org").prefetch_related("sectors")
    return qs.filter(kind=kind) if kind else qs


def group_list(user: User) -> QuerySet[InspectionGroup]:
    return (
        InspectionGroup.objects.filter(people_q(user))
        .select_related("leader", "campaign", "org")
        .prefetch_related("members")
    )


def checklists() -> QuerySet[Checklist]:
    return Checklist.objects.filter(active=True).prefetch_related("items")


# --- outings ----------------------------------------------------------------------------------


@dataclass
class Outing:
    """One group on one day (indicators.md); an inspection without a group is an outing alone."""

    group: InspectionGroup | None
    date: dt.date
    officials: int = 0
    experts: int = 0
    inspections: list[int] = field(default_factory=list)


def outings(qs: QuerySet[Inspection]) -> list[Outing]:
    """The outings of the inspections in ``qs``, in four queries whatever their number.

    Officials of an outing are the distinct people named on any of its inspections; an
    inspection that names nobody but gives a count (a ledger's 检查人数) says at least that many
    went, so the outing counts the larger of the two (ledgers.md). Likewise for experts.
    """
    rows = list(qs.order_by().values_list("pk", "group_id", "date", "official_count", "expert_count"))
    ids = [r[0] for r in rows]
    through_o = Inspection.officials.through
    through_e = Inspection.experts.through
    named_o: dict[int, set[int]] = defaultdict(set)
    named_e: dict[int, set[int]] = defaultdict(set)
    # In chunks: SQLite limits the parameters of one query.
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        for insp, person in through_o.objects.filter(inspection_id__in=chunk).values_list("inspection_id", "person_id"):
            named_o[insp].add(person)
        for insp, person in through_e.objects.filter(inspection_id__in=chunk).values_list("inspection_id", "person_id"):
            named_e[insp].add(person)
    groups = InspectionGroup.objects.in_bulk({r[1] for r in rows if r[1] is not None})

    by_key: dict[tuple[Any, ...], dict[str, Any]] = {}
    for pk, group_id, date, o_count, e_count in rows:
        key: tuple[Any, ...] = (group_id, date) if group_id is not None else ("alone", pk)
        acc = by_key.setdefault(key, {"o": set(), "e": set(), "oc": 0, "ec": 0, "ids": [], "g": group_id, "d": date})
        acc["ids"].append(pk)
        if named_o.get(pk):
            acc["o"] |= named_o[pk]
        else:
            acc["oc"] = max(acc["oc"], o_count)
        if named_e.get(pk):
            acc["e"] |= named_e[pk]
        else:
            acc["ec"] = max(acc["ec"], e_count)
    result = [
        Outing(
            group=groups.get(acc["g"]) if acc["g"] is not None else None,
            date=acc["d"],
            officials=max(len(acc["o"]), acc["oc"]),
            experts=max(len(acc["e"]), acc["ec"]),
            inspections=sorted(acc["ids"]),
        )
        for acc in by_key.values()
    ]
    result.sort(key=lambda o: (o.date, o.group.name if o.group else "", o.inspections[0]))
    return result
