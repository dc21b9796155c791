"""Reads of campaigns (专项行动) and their roadmap tasks, scope first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404

from anjian.campaigns.models import Campaign, Task
from anjian.core.scope import ScopePaths, scope_q

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
