"""Writes of the patrol register: record a visit, link the hazard its finding was reported as.

Who records (a decision, docs/guide/grid-worker.md and county-admin.md):

- 网格员: the units of their own grid — the people the register is for;
- 乡镇监管员: the units of their township (they patrol too, and stand in for a grid without a worker);
- 县级管理员: any unit of the county (a county officer's visit counts as a visit, and is recorded as one).

Departments, leaders, auditors, experts, unit staff and system administrators do not record patrols:
a department's field work is an inspection (anjian.inspections), which has its own register.

Each write checks the role, then the scope (the unit must be one the actor sees: a grid worker's
grid is their scope), validates, and in one transaction writes the row and its audit entry. A refused
write raises (PermissionDenied or PatrolError) before anything is written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from anjian.accounts.roles import Role
from anjian.core import audit
from anjian.core.models import IdempotencyKey
from anjian.core.scope import scoped
from anjian.hazards.models import Hazard
from anjian.patrols.models import Outcome, Patrol
from anjian.units.models import Unit

if TYPE_CHECKING:
    from anjian.accounts.models import User

RECORDERS = frozenset({Role.GRID_WORKER, Role.TOWNSHIP, Role.COUNTY_ADMIN})
# Who reads the register (their scope of it): the recorders, the departments (their sectors' units)
# and the county's leaders. Unit staff, experts, auditors and system administrators do not.
READERS = RECORDERS | frozenset({Role.DEPARTMENT, Role.LEADER})
# Who reads the coverage page: the offices that see more than one grid (a grid worker's own
# coverage is their not-visited list, reached from the list page).
COVERAGE_READERS = frozenset({Role.COUNTY_ADMIN, Role.TOWNSHIP, Role.DEPARTMENT, Role.LEADER})
IDEMPOTENCY_SCOPE = "patrols.record"
MAX_NOTE = 2000
AUDITED = ["unit", "grid", "region_code", "patrolled_on", "outcome", "note", "hazard", "lat", "lng"]


class PatrolError(Exception):
    """Invalid input; ``errors`` maps a field (or '__all__') to Chinese reasons."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("；".join(m for ms in errors.values() for m in ms))


class PermissionDenied(Exception):
    """The actor's role may not record patrols."""


@dataclass
class PatrolData:
    unit: Unit
    outcome: str = Outcome.NORMAL
    patrolled_on: dt.date | None = None  # None: today
    note: str = ""
    hazard: Hazard | None = None
    lat: Decimal | None = None
    lng: Decimal | None = None


def can_record(user: User) -> bool:
    return user.is_authenticated and user.role in RECORDERS


def check_recorder(actor: User) -> None:
    if actor.role not in RECORDERS:
        raise PermissionDenied(f"{actor.get_role_display()}不能登记巡查，巡查由网格员、乡镇监管员和县级管理员登记")


def registered_on(unit: Unit) -> dt.date:
    """The day the unit entered the registry (a visit cannot be earlier)."""
    return timezone.localdate(unit.created_at)


def _validate(actor: User, data: PatrolData, day: dt.date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    unit = data.unit
    if not scoped(actor, Unit.objects.filter(pk=unit.pk)).exists():
        # Worded without confirming what the unit is: it is not the actor's to see.
        add("unit", "该单位不在您的网格内" if actor.role == Role.GRID_WORKER else "该单位不在您的管辖范围内")
        return errors
    if not unit.is_active:
        add("unit", "该单位已注销，不能登记巡查")
    if data.outcome not in Outcome.values:
        add("outcome", "请选择巡查结果")
    today = timezone.localdate()
    if day > today:
        add("patrolled_on", "巡查日期不能晚于今天")
    elif day < registered_on(unit):
        add("patrolled_on", f"巡查日期不能早于单位建档日期（{registered_on(unit):%Y-%m-%d}）")
    if len((data.note or "").strip()) > MAX_NOTE:
        add("note", f"情况说明最多 {MAX_NOTE} 字")
    if (data.lat is None) != (data.lng is None):
        add("__all__", "位置须同时有经度和纬度")
    elif data.lat is not None and data.lng is not None and not (-90 <= data.lat <= 90 and -180 <= data.lng <= 180):
        add("__all__", "位置的经纬度超出范围")
    if data.hazard is not None:
        errors.update(_hazard_errors(actor, unit, data.hazard))
    if data.hazard is not None and data.outcome != Outcome.HAZARD_FOUND:
        add("hazard", "只有巡查结果为“发现隐患”时才能关联隐患")
    return errors


def _hazard_errors(actor: User, unit: Unit, hazard: Hazard) -> dict[str, list[str]]:
    if not scoped(actor, Hazard.objects.filter(pk=hazard.pk)).exists():
        return {"hazard": ["未找到该隐患"]}
    if hazard.unit_id != unit.pk:
        return {"hazard": ["只能关联本单位的隐患"]}
    return {}


def patrol_record(*, actor: User, data: PatrolData, idempotency_key: str = "") -> tuple[Patrol, bool]:
    """Record a visit. Returns (patrol, created); a retried key returns the first patrol, never a second.

    The key is looked up before validating, so a retry is answered with the first record even if
    its data would now be refused (the day has changed since, the unit was deregistered since).
    """
    check_recorder(actor)
    if idempotency_key:
        earlier = _idempotent(actor, idempotency_key)
        if earlier is not None:
            return earlier, False
    day = data.patrolled_on or timezone.localdate()
    # Stripped only: NFKC (core.text.clean) would turn the note's full-width Chinese punctuation into ASCII.
    note = (data.note or "").strip()
    errors = _validate(actor, data, day)
    if errors:
        raise PatrolError(errors)
    unit = data.unit
    patrol = Patrol(
        unit=unit,
        grid_id=unit.grid_id,
        region_code=unit.region_code,
        patrolled_on=day,
        by=actor,
        outcome=data.outcome,
        note=note,
        hazard=data.hazard,
        lat=data.lat,
        lng=data.lng,
    )
    try:
        with transaction.atomic():
            patrol.save(force_insert=True)
            if idempotency_key:
                # Written with its patrol: a concurrent retry with the same key fails on the key's
                # unique index once this commits, rolls its patrol back and answers this one (below).
                IdempotencyKey.objects.create(
                    user=actor, key=idempotency_key, scope=IDEMPOTENCY_SCOPE, object_id=str(patrol.pk)
                )
            audit.record(actor=actor, action="patrol.record", obj=patrol, changes=audit.snapshot(patrol, AUDITED))
    except IntegrityError:
        if idempotency_key:
            earlier = _idempotent(actor, idempotency_key)
            if earlier is not None:
                return earlier, False
        raise
    return patrol, True


def _idempotent(actor: User, key: str) -> Patrol | None:
    row = IdempotencyKey.objects.filter(user=actor, scope=IDEMPOTENCY_SCOPE, key=key).first()
    if row is None or not row.object_id:
        return None
    return Patrol.objects.select_related("unit").filter(pk=row.object_id).first()


def patrol_link_hazard(*, actor: User, patrol: Patrol, hazard: Hazard) -> Patrol:
    """Link the hazard the visit's finding was reported as; the outcome becomes 发现隐患."""
    check_recorder(actor)
    if not scoped(actor, Patrol.objects.filter(pk=patrol.pk)).exists():
        raise PatrolError({"__all__": ["该巡查记录不在您的管辖范围内"]})
    errors = _hazard_errors(actor, patrol.unit, hazard)
    if errors:
        raise PatrolError(errors)
    with transaction.atomic():
        locked = Patrol.objects.select_for_update().select_related("unit").get(pk=patrol.pk)
        if locked.hazard_id is not None:
            raise PatrolError({"hazard": ["该巡查已关联隐患"]})
        before = audit.snapshot(locked, ["outcome", "hazard"])
        locked.hazard = hazard
        locked.outcome = Outcome.HAZARD_FOUND
        locked.save(update_fields=["hazard", "outcome"])
        audit.record(
            actor=actor, action="patrol.link_hazard", obj=locked,
            changes=audit.diff(before, audit.snapshot(locked, ["outcome", "hazard"])),
        )
    patrol.hazard, patrol.outcome = locked.hazard, locked.outcome
    return patrol
