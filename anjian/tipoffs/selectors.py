"""Reads of the tip-off register, scope first; and the one rule for showing the reporter."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from anjian.accounts.roles import Role
from anjian.core import crypto
from anjian.core.models import AuditEntry
from anjian.core.params import param_bool, param_date
from anjian.core.scope import get_in_scope, region_prefix, scoped
from anjian.regions.models import Division
from anjian.regions.selectors import townships_within
from anjian.tipoffs.models import Kind, Status, Tipoff

if TYPE_CHECKING:
    from anjian.accounts.models import User

# What everybody but the entitled readers sees in place of the reporter's name and telephone.
CONFIDENTIAL = "（保密）"
# DOMAIN.md §4 (2012 text Art. 10; Anyang 2022): do not expose the reporter. The county office
# (县级管理员, which runs the 12350 desk and pays the rewards) and the person who received the
# report may see who reported; nobody else, and no list or export, ever does.
REPORTER_READERS = frozenset({Role.COUNTY_ADMIN})


@dataclass(frozen=True)
class Reporter:
    name: str
    phone: str
    shown: bool  # False: name and phone are CONFIDENTIAL


def may_see_reporter(user: User, tipoff: Tipoff) -> bool:
    return user.is_authenticated and (user.role in REPORTER_READERS or tipoff.received_by_id == user.pk)


def reporter_for(user: User | None, tipoff: Tipoff) -> Reporter:
    """The reporter as ``user`` may see it; ``None`` (a list, an export) always gets CONFIDENTIAL."""
    if user is not None and may_see_reporter(user, tipoff):
        return Reporter(unseal(tipoff.reporter_name) or "—", unseal(tipoff.reporter_phone) or "—", True)
    return Reporter(CONFIDENTIAL, CONFIDENTIAL, False)


def unseal(stored: str) -> str:
    """A stored reporter field in clear (services.seal); a value that cannot be read says so, never guesses."""
    if not stored:
        return ""
    try:
        return crypto.decrypt(stored)
    except crypto.DecryptError:
        return "（无法解密：数据密钥与加密时不同）"


def overdue_q(today: dt.date | None = None) -> Q:
    """Overdue = not closed after the deadline and its extension (``due_on``)."""
    return Q(due_on__lt=today or timezone.localdate()) & ~Q(status=Status.CLOSED)


def is_overdue(tipoff: Tipoff, today: dt.date | None = None) -> bool:
    return tipoff.status != Status.CLOSED and tipoff.due_on < (today or timezone.localdate())


@dataclass
class TipoffFilters:
    status: str = ""
    kind: str = ""
    overdue: bool = False
    township: str = ""  # 9 digits
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def filters_from_params(params: Any) -> TipoffFilters:
    """Bad values are ignored, as on the other lists."""
    status = str(params.get("status") or "")
    kind = str(params.get("kind") or "")
    township = str(params.get("township") or "")
    return TipoffFilters(
        status=status if status in Status.values else "",
        kind=kind if kind in Kind.values else "",
        overdue=bool(param_bool(params.get("overdue"))),
        township=township[:9] if township.isdigit() and len(township) >= 9 else "",
        date_from=param_date(params.get("from")),
        date_to=param_date(params.get("to")),
    )


def tipoff_queryset(user: User) -> QuerySet[Tipoff]:
    return scoped(user, Tipoff.objects.all())


def tipoff_list(user: User, f: TipoffFilters | None = None, today: dt.date | None = None) -> QuerySet[Tipoff]:
    f = f or TipoffFilters()
    qs = tipoff_queryset(user).select_related("unit", "org", "duplicate_of")
    if f.status:
        qs = qs.filter(status=f.status)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.overdue:
        qs = qs.filter(overdue_q(today))
    if f.township:
        qs = qs.filter(region_code__startswith=f.township)
    if f.date_from:
        qs = qs.filter(received_on__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(received_on__lte=f.date_to)
    return qs.order_by("-received_on", "-id")


def tipoff_get(user: User, pk: int | str) -> Tipoff:
    related = ("unit", "org", "received_by", "extension_approved_by", "reward_approved_by", "duplicate_of",
               "hazard", "action")
    return get_in_scope(user, Tipoff.objects.select_related(*related), pk=pk)


def tipoff_by_number(user: User, number: str) -> Tipoff | None:
    return tipoff_queryset(user).filter(number=number.strip().upper()).first()


def reward_group(tipoff: Tipoff) -> list[Tipoff]:
    """The reports of one matter: the first received and its duplicates, in order of receipt."""
    root_id = tipoff.duplicate_of_id or tipoff.pk
    group = Tipoff.objects.filter(Q(pk=root_id) | Q(duplicate_of_id=root_id)).select_related("action")
    return sorted(group, key=lambda t: (t.received_on, t.pk))


def tipoff_history(user: User, tipoff: Tipoff) -> QuerySet[AuditEntry]:
    """The audit entries of a tip-off, newest first (none of them holds the reporter)."""
    tipoff_get(user, tipoff.pk)  # the caller already holds it; this keeps the rule "scope first"
    return AuditEntry.objects.filter(object_type=Tipoff._meta.label_lower, object_id=str(tipoff.pk)).order_by(
        "-at", "-id"
    )[:100]


def townships(user: User) -> QuerySet[Division]:
    """The townships of the user's region (the list filter and the receive form)."""
    return townships_within(region_prefix(user) or "")
