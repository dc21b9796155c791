"""Reads of 分级上报: the register, the submissions, and the summary of one period with its totals.

Every read starts from the jurisdiction scope (``core.scope.scoped``: the subordinate's region lies in
the reader's) and then keeps the reader's own office's register (``upper_region``): a county office of
the same deployment does not see the city's register of it. A submission outside that is a 404.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from anjian.core.scope import get_in_scope, scoped
from anjian.reporting.models import Submission, Subordinate
from anjian.reporting.services import upper_region
from anjian.stats import indicators as ind

if TYPE_CHECKING:
    from anjian.accounts.models import User

RECENT_PERIODS = 12


def subordinates(user: User) -> QuerySet[Subordinate]:
    upper = upper_region(user)
    if upper is None:
        return Subordinate.objects.none()
    return scoped(user, Subordinate.objects.all()).filter(upper_region=upper).order_by("region_code")


def subordinate_get(user: User, pk: int) -> Subordinate:
    return get_in_scope(user, subordinates(user), pk=pk)


def submissions(user: User) -> QuerySet[Submission]:
    upper = upper_region(user)
    if upper is None:
        return Submission.objects.none()
    return scoped(user, Submission.objects.all()).filter(subordinate__upper_region=upper)


def submission_get(user: User, pk: int) -> Submission:
    qs = submissions(user).select_related("subordinate", "received_by", "superseded_by")
    return get_in_scope(user, qs, pk=pk)


def history(submission: Submission) -> list[Submission]:
    """Every package of the subordinate for the same period, the current one first, then newest first."""
    rows = Submission.objects.filter(
        subordinate_id=submission.subordinate_id, date_from=submission.date_from, date_to=submission.date_to
    ).select_related("received_by").order_by("-generated_at", "-received_at", "-id")
    return sorted(rows, key=lambda s: not s.is_current)


def recent_periods(user: User) -> list[tuple[dt.date, dt.date]]:
    """The periods packages were received for, newest first (the summary's quick choices)."""
    rows = submissions(user).values_list("date_from", "date_to").distinct().order_by("-date_to", "-date_from")
    return list(rows[:RECENT_PERIODS])


# --- the summary ---------------------------------------------------------------------------------------


def totals(reported: list[dict[str, Any]]) -> dict[str, Any]:
    """The totals of what subordinates reported, in the JSON form of indicators.md.

    Counts and money are summed (each subordinate's records are its own, so its units, groups and cases
    are distinct from another's); a rate is recomputed from the summed numerator and denominator —
    never an average of the subordinates' rates — and is null when the summed denominator is 0.
    """
    out: dict[str, Any] = {}
    for i in ind.CATALOGUE:
        if i.kind == ind.MONEY_KIND:
            out[i.code] = f"{sum((Decimal(str(v[i.code])) for v in reported), Decimal('0')):.2f}"
        elif i.kind != ind.RATE:
            out[i.code] = sum(int(v[i.code]) for v in reported)
    for i in ind.CATALOGUE:
        if i.kind == ind.RATE:
            num, den = (out[c] for c in i.ratio)  # type: ignore[union-attr]
            out[i.code] = num / den if den else None
    return out


@dataclass
class Row:
    subordinate: Subordinate
    submission: Submission | None

    @property
    def values(self) -> dict[str, Any] | None:
        return self.submission.indicators if self.submission is not None else None


@dataclass
class Summary:
    date_from: dt.date
    date_to: dt.date
    rows: list[Row]
    total: dict[str, Any] = field(default_factory=dict)

    @property
    def reported(self) -> int:
        return sum(1 for r in self.rows if r.submission is not None)

    @property
    def missing(self) -> int:
        return sum(1 for r in self.rows if r.submission is None)


def summary(user: User, date_from: dt.date, date_to: dt.date) -> Summary:
    """Each subordinate's current submission for exactly this period (or none: 未上报), and the totals.

    Active subordinates are all listed; a stopped one only when it did report the period.
    """
    current = {
        s.subordinate_id: s for s in submissions(user).filter(
            date_from=date_from, date_to=date_to, superseded_by__isnull=True
        ).order_by("generated_at", "id")
    }
    rows = [Row(sub, current.get(sub.pk)) for sub in subordinates(user) if sub.is_active or sub.pk in current]
    reported = [r.submission.indicators for r in rows if r.submission is not None]
    return Summary(date_from, date_to, rows, totals(reported))

