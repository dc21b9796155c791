"""The to-do area (待办): what waits for the user in the hazard loop (issue 3, item 5).

Each item is a condition on the hazards in the user's scope, derived from the workflow table
(who may claim, rectify, verify, decide extensions, sign). All counts, and the distinct total
the navigation shows, come from one aggregate query over the open hazards in scope. The list
page applies the same condition for ``/hazards/?todo=<key>``, so a count and its list agree.
"""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from anjian.accounts.roles import Role
from anjian.hazards import workflow
from anjian.hazards.models import Extension, ExtensionStatus, HazardEvent, Level, Signoff, Status
from anjian.hazards.selectors import hazard_queryset, overdue_q

if TYPE_CHECKING:
    from anjian.accounts.models import User

# Who is shown overdue hazards in their scope: everybody who works with hazards or oversees them.
OVERDUE_ROLES = frozenset(
    {Role.COUNTY_ADMIN, Role.DEPARTMENT, Role.TOWNSHIP, Role.GRID_WORKER, Role.UNIT_STAFF, Role.LEADER}
)


@dataclass(frozen=True)
class TodoItem:
    label: str
    count: int
    url: str
    key: str = ""


def _signed_this_round(**lookup: object) -> Exists:
    """A sign-off of the hazard's current verification round (a failed verification starts a new one)."""
    fails = (
        HazardEvent.objects.filter(hazard=OuterRef("hazard"), kind="verify_fail")
        .order_by()
        .values("hazard")
        .annotate(n=Count("pk"))
        .values("n")
    )
    current = Coalesce(Subquery(fails), Value(0)) + 1
    return Exists(
        Signoff.objects.filter(hazard=OuterRef("pk"), **lookup).annotate(current=current).filter(round=F("current"))
    )


def conditions(user: User) -> dict[str, tuple[str, Q]]:
    """The to-do conditions that apply to ``user``: key → (Chinese label, filter on Hazard)."""
    role = user.role
    out: dict[str, tuple[str, Q]] = {}
    if role in workflow.STEPS["claim"].roles:
        out["claim"] = ("待签字认领", Q(status=Status.REPORTED))
    if role in workflow.STEPS["submit"].roles:
        out["rectify"] = ("待整改", Q(status=Status.RECTIFYING))
    if role in workflow.STEPS["verify_pass"].roles:
        out["verify"] = ("待验收", Q(status=Status.SUBMITTED))
    if role in workflow.STEPS["extend_decide"].roles:
        # IN (the few pending requests), not a correlated EXISTS: PostgreSQL hashes the list once
        # instead of probing it for each of a province's 135,634 open hazards (docs/performance.md).
        pending = Extension.objects.filter(status=ExtensionStatus.PENDING).values("hazard_id")
        out["extension"] = (
            "待审批延期",
            Q(status__in=workflow.STEPS["extend_decide"].sources) & Q(pk__in=pending),
        )
    parties = [p for p, roles in workflow.SIGNOFF_ROLES.items() if role in roles]
    if parties and role in workflow.STEPS["sign"].roles:
        # A party the user may sign for is still missing, and the user has not signed this round.
        missing = functools.reduce(operator.or_, [~Q(_signed_this_round(party=p)) for p in parties])
        out["sign"] = (
            "待签字确认（重大隐患）",
            Q(level=Level.MAJOR, status=Status.SUBMITTED) & missing & ~Q(_signed_this_round(user_id=user.pk)),
        )
    if role in OVERDUE_ROLES:
        out["overdue"] = ("逾期未整改", overdue_q())
    return out


def condition(user: User, key: str) -> Q | None:
    """The filter of one to-do item for the hazard list, or None when it does not apply to the user."""
    item = conditions(user).get(key)
    return item[1] if item else None


def _aggregate(user: User) -> tuple[dict[str, tuple[str, Q]], dict[str, int]]:
    conds = conditions(user)
    if not conds or not user.is_authenticated:
        return conds, {}
    # Every item is about an open hazard: the scan stays on the (region_code, status, deadline) index.
    qs = hazard_queryset(user).filter(status__in=workflow.ALL_OPEN).order_by()
    counts = qs.aggregate(
        **{key: Count("pk", filter=q) for key, (_, q) in conds.items()},
        all=Count("pk", filter=functools.reduce(operator.or_, [q for _, q in conds.values()])),
    )
    return conds, {k: int(v or 0) for k, v in counts.items()}


def items(user: User) -> list[TodoItem]:
    conds, counts = _aggregate(user)
    url = reverse("hazards:list")
    return [
        TodoItem(label=label, count=counts[key], url=f"{url}?todo={key}", key=key)
        for key, (label, _) in conds.items()
        if counts.get(key)
    ]


def count(user: User) -> int:
    """How many hazards wait for the user (each counted once, however many items it is in)."""
    return _aggregate(user)[1].get("all", 0)
