"""Jurisdiction scope: the one place that decides which records a user may see.

Every selector, object fetch, search, export and API call goes through :func:`scoped`
(ARCHITECTURE.md, "Jurisdiction and roles"). An object outside scope is a 404
(:func:`get_in_scope`), never a 403 that would confirm it exists.

A model takes part by naming, in ``SCOPE``, the paths to the facts scope is made of: the
12-digit ``region`` code, the ``unit`` (a path to the unit's id), the ``sector`` (a path to
the sector's id), the ``grid`` (a path to the grid's id) and, where experts take part, the
``expert`` (a path to the assigned experts' user ids).
Fact tables added by later issues (hazards, inspections, …) declare the same four.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404

from anjian.accounts.roles import Role

if TYPE_CHECKING:
    from anjian.accounts.models import User

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class ScopePaths:
    region: str
    unit: str | None = None
    sector: str | None = None
    grid: str | None = None
    # A path to the user id of the experts assigned (an expert sees the inspections they took part in).
    expert: str | None = None
    # Records that offices below take part in (campaigns, officials, experts, inspection groups):
    # those of the regions above the user's are visible too — a township office sees the county's
    # campaigns and groups, not another township's.
    ancestors: bool = False


NOTHING = Q(pk__in=[])


def region_prefix(user: User) -> str | None:
    """The significant digits of the user's region, or None when the user has no region."""
    if user.org_id is None:
        return None
    return user.org.region_prefix  # type: ignore[union-attr]


def region_in_scope(user: User, region_code: str) -> bool:
    """Whether a record located in ``region_code`` lies in the user's own jurisdiction.

    The rule for writes: a record is registered only inside one's own region (reading may reach
    further, e.g. ``ScopePaths.ancestors``).
    """
    if user.role == Role.SYSADMIN and user.org_id is None:
        return True
    prefix = region_prefix(user)
    return prefix is not None and region_code.startswith(prefix)


def scope_q(user: User, paths: ScopePaths) -> Q:
    """The filter for what ``user`` may see of a model with these ``paths``."""
    if not user.is_authenticated or not user.is_active:
        return NOTHING
    role = user.role
    if role == Role.UNIT_STAFF:
        if user.unit_id is None or paths.unit is None:
            return NOTHING
        return Q(**{paths.unit: user.unit_id})
    if role == Role.GRID_WORKER:
        if user.grid_id is None or paths.grid is None:
            return NOTHING
        return Q(**{paths.grid: user.grid_id})
    if role == Role.EXPERT:
        # Experts see the inspections they took part in, and what those concern (ARCHITECTURE.md).
        if paths.expert is None:
            return NOTHING
        return Q(**{paths.expert: user.pk})
    prefix = region_prefix(user)
    if prefix is None:
        # Only a system administrator may work without an organisation; it sees the deployment.
        return Q() if role == Role.SYSADMIN else NOTHING
    q = Q(**{f"{paths.region}__startswith": prefix})
    if paths.ancestors:
        above = [prefix[:n].ljust(12, "0") for n in (2, 4, 6, 9) if n < len(prefix)]
        q |= Q(**{f"{paths.region}__in": above})
    if role == Role.DEPARTMENT and paths.sector is not None:
        # 管行业必须管安全: a department sees the units of its sectors in its region. Records that
        # belong to no sector (campaigns, people, inspection groups) are shared by the region.
        sector_ids = list(user.org.sectors.values_list("id", flat=True))  # type: ignore[union-attr]
        q &= Q(**{f"{paths.sector}__in": sector_ids})
    return q


def scoped(user: User, qs: QuerySet[M]) -> QuerySet[M]:
    """``qs`` narrowed to what ``user`` may see. The model must declare ``SCOPE``."""
    paths: ScopePaths = qs.model.SCOPE  # type: ignore[attr-defined]
    q = scope_q(user, paths)
    if user.is_authenticated and user.role == Role.EXPERT and paths.expert is not None:
        # The expert path crosses a many-to-many relation (a row per matching expert): filter by
        # id through a subquery, so that counts and aggregates over the result stay right.
        return qs.filter(pk__in=qs.model._default_manager.filter(q).values("pk"))
    return qs.filter(q)


def get_in_scope(user: User, qs: QuerySet[M], **lookup: Any) -> M:
    """One object in scope, else Http404 (whether it does not exist or is not the user's)."""
    try:
        return scoped(user, qs).get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404("未找到该记录") from exc
