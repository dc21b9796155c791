"""Reads of campaigns (专项行动) and their roadmap tasks, scope first."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.http import Http404

from anjian.campaigns.models import Adjustment, Assessment, AssessmentScheme, Campaign, Task
from anjian.core.scope import ScopePaths, scope_q
from anjian.stats import indicators as ind
from anjian.stats.ranking import competition_ranks
from anjian.stats.render import DASH, percent

if TYPE_CHECKING:
    from anjian.accounts.models import User


def campaign_scope_q(user: User, path: str = "region_code") -> Q:
    """Who sees a campaign: the offices of its region and below (``ScopePaths.ancestors``)."""
    return scope_q(user, ScopePaths(region=path, ancestors=True))


def campaign_queryset(user: User) -> QuerySet[Campaign]:
    return Campaign.objects.filter(campaign_scope_q(user)).select_related("parent", "lead_department")


def campaign_list(user: User, q: str = "") -> QuerySet[Campaign]:
    qs = campaign_queryset(user)
    if q:
        qs = qs.filter(name__icontains=q.strip())
    return qs.order_by("-start", "name")


def campaign_get(user: User, pk: int | str) -> Campaign:
    try:
        return campaign_queryset(user).get(pk=pk)
    except (Campaign.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("未找到该记录") from exc


def campaign_tree_ids(campaign: Campaign) -> set[int]:
    """The campaign and all its descendants (indicators.md: tagged with it or a sub-campaign).

    One query per level of the tree (a 1+2+N plan is two or three levels deep).
    """
    ids = {campaign.pk}
    frontier = {campaign.pk}
    while frontier:
        children = set(Campaign.objects.filter(parent_id__in=frontier).values_list("id", flat=True)) - ids
        ids |= children
        frontier = children
    return ids


def in_campaign_q(campaign_id: int, *paths: str) -> Q:
    """Records tagged with the campaign or one of its sub-campaigns through any of ``paths``
    (e.g. a hazard's own campaign or its inspection's: ``"campaign_id", "inspection__campaign_id"``).
    """
    ids = campaign_tree_ids(Campaign(pk=campaign_id))
    q = Q(pk__in=[])
    for path in paths or ("campaign_id",):
        q |= Q(**{f"{path}__in": ids})
    return q


def campaign_tree(user: User) -> list[tuple[Campaign, int]]:
    """The visible campaigns as a tree in display order: (campaign, depth).

    A campaign whose parent is not visible is shown as a root.
    """
    items = list(campaign_list(user).order_by("start", "name"))
    by_parent: dict[int | None, list[Campaign]] = {}
    visible = {c.pk for c in items}
    for c in items:
        parent = c.parent_id if c.parent_id in visible else None
        by_parent.setdefault(parent, []).append(c)
    out: list[tuple[Campaign, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for c in by_parent.get(parent, []):
            out.append((c, depth))
            walk(c.pk, depth + 1)

    walk(None, 0)
    return out


def task_queryset(user: User) -> QuerySet[Task]:
    return Task.objects.filter(campaign_scope_q(user, "campaign__region_code")).select_related("campaign")


def task_list(user: User, campaign: Campaign | None = None) -> QuerySet[Task]:
    qs = task_queryset(user)
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    return qs.order_by("campaign", "due", "number")


def task_get(user: User, pk: int | str) -> Task:
    try:
        return task_queryset(user).get(pk=pk)
    except (Task.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("未找到该记录") from exc


# --- 指标任务与月度考核 -------------------------------------------------------------------------------


def scheme_queryset(user: User) -> QuerySet[AssessmentScheme]:
    """Schemes of the campaigns the user sees (roles are checked by the views)."""
    return AssessmentScheme.objects.filter(campaign_scope_q(user, "campaign__region_code")).select_related("campaign")


def scheme_list(user: User, campaign: Campaign) -> QuerySet[AssessmentScheme]:
    return scheme_queryset(user).filter(campaign=campaign).prefetch_related("items__overrides").order_by("group")


def scheme_get(user: User, pk: int | str) -> AssessmentScheme:
    try:
        return scheme_queryset(user).prefetch_related("items__overrides").get(pk=pk)
    except (AssessmentScheme.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("未找到该记录") from exc


def assessment_queryset(user: User) -> QuerySet[Assessment]:
    q = campaign_scope_q(user, "scheme__campaign__region_code")
    return Assessment.objects.filter(q).select_related("scheme__campaign", "computed_by", "published_by")


def assessment_list(user: User, scheme: AssessmentScheme) -> QuerySet[Assessment]:
    return assessment_queryset(user).filter(scheme=scheme).order_by("-month")


def assessment_get(user: User, pk: int | str) -> Assessment:
    try:
        return assessment_queryset(user).get(pk=pk)
    except (Assessment.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("未找到该记录") from exc


def adjustment_get(user: User, pk: int | str) -> Adjustment:
    q = campaign_scope_q(user, "assessment__scheme__campaign__region_code")
    try:
        return Adjustment.objects.filter(q).select_related("assessment__scheme__campaign").get(pk=pk)
    except (Adjustment.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("未找到该记录") from exc


@dataclass(frozen=True)
class Cell:
    code: str
    text: str  # the figure as the catalogue renders it ("93.97%", "1,000.00", "12")
    value: Any
    quota: Decimal
    score: Decimal


@dataclass(frozen=True)
class RankedRow:
    rank: int
    key: str
    name: str
    cells: list[Cell]
    item_total: Decimal
    adjustments: list[Adjustment]
    adjustment_total: Decimal
    total: Decimal


def _figure_text(item: dict[str, Any], cell: dict[str, Any]) -> str:
    if item["kind"] == ind.RATE:
        return DASH if not cell.get("den") else percent(Fraction(cell["num"], cell["den"]), text=False)
    if item["kind"] == ind.MONEY_KIND:
        return f"{Decimal(cell['value']):,.2f}"
    return str(cell["value"])


def assessment_table(assessment: Assessment) -> list[RankedRow]:
    """The month's rows ranked by total (best first, ties share a rank: 1, 2, 2, 4), from the snapshot.

    Two queries (rows, adjustments with who entered them) whatever the number of groups; the ranks
    are derived from the stored totals, so a published table is the same every time it is read.
    """
    adjustments: dict[str, list[Adjustment]] = {}
    for a in assessment.adjustments.select_related("created_by"):
        adjustments.setdefault(a.group_key, []).append(a)
    unranked = []
    for row in assessment.rows.all():
        cells = [
            Cell(item["indicator"], _figure_text(item, row.cells[item["indicator"]]),
                 row.cells[item["indicator"]]["value"], Decimal(row.cells[item["indicator"]]["quota"]),
                 Decimal(row.cells[item["indicator"]]["score"]))
            for item in assessment.items
        ]
        own = adjustments.get(row.group_key, [])
        extra = sum((a.points for a in own), Decimal("0.00"))
        unranked.append((row, cells, own, extra, row.item_total + extra))
    unranked.sort(key=lambda r: r[0].group_key)
    unranked.sort(key=lambda r: r[4], reverse=True)
    ranks = competition_ranks([r[4] for r in unranked])
    return [
        RankedRow(rank, row.group_key, row.group_name, cells, row.item_total, own, extra, total)
        for rank, (row, cells, own, extra, total) in zip(ranks, unranked, strict=True)
    ]
