"""Writes to the unit registry: create, update, deactivate, reactivate, assign (包联).

Every write validates first (a rejected request changes nothing), runs in one
transaction and leaves an audit record with actor, time and source address.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from anjian.accounts.models import Organization, OrgKind
from anjian.accounts.roles import UNIT_EDITORS, Role
from anjian.core import audit, uscc
from anjian.core.scope import region_prefix, scope_q
from anjian.core.text import clean, pinyin_full, pinyin_initials
from anjian.regions.models import Division, Grid
from anjian.units.models import Assignment, AssignmentKind, RiskClass, Sector, Unit, UnitStatus

if TYPE_CHECKING:
    from anjian.accounts.models import User

# Fields a caller may set, in ledger order; also the fields the audit trail snapshots.
UNIT_FIELDS = [
    "name",
    "credit_code",
    "region_code",
    "grid",
    "address",
    "lng",
    "lat",
    "sector",
    "industry_code",
    "department",
    "key_supervision",
    "risk_class",
    "above_scale",
    "principal",
    "phone",
    "status",
]

# The county lies inside this box for any real deployment in China (WGS-84).
LNG_RANGE = (Decimal("73"), Decimal("136"))
LAT_RANGE = (Decimal("3"), Decimal("54"))


class UnitError(Exception):
    """A rejected write. ``errors`` maps a field name (or '__all__') to Chinese reasons."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("；".join(f"{k}: {'、'.join(v)}" for k, v in errors.items()))


class PermissionDenied(Exception):
    """The actor's role may not take this action (the object itself is in scope)."""


@dataclass
class UnitData:
    """Cleaned input for a unit: what forms, the API and the ledger importer hand to the services."""

    name: str
    region_code: str
    sector: Sector
    credit_code: str = ""
    grid: Grid | None = None
    address: str = ""
    lng: Decimal | None = None
    lat: Decimal | None = None
    industry_code: str = ""
    department: Organization | None = None
    key_supervision: bool = False
    risk_class: str = ""
    above_scale: bool = False
    principal: str = ""
    phone: str = ""
    status: str = UnitStatus.NORMAL
    extra: dict[str, Any] = field(default_factory=dict)


def _check_editor(actor: User) -> None:
    if actor.role not in UNIT_EDITORS:
        raise PermissionDenied(f"{actor.get_role_display()}无权修改单位台账")


def unit_validate(actor: User, data: UnitData, instance: Unit | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    data.name = clean(data.name)
    if not data.name:
        add("name", "单位名称不能为空")
    if data.credit_code:
        try:
            data.credit_code = uscc.validate(data.credit_code)
        except uscc.CreditCodeError as exc:
            add("credit_code", str(exc))
    region = Division.objects.filter(code=data.region_code).first()
    if region is None:
        add("region_code", f"区划代码 {data.region_code} 不存在")
    else:
        # A unit must lie inside the actor's jurisdiction: nobody registers units for others.
        probe = Unit(region_code=data.region_code, sector=data.sector, grid=data.grid)
        if not unit_in_scope(actor, probe):
            add("region_code", "该单位不在您的管辖范围内")
    if data.grid is not None and data.grid.region_code[:9] != data.region_code[:9]:
        add("grid", f"网格“{data.grid.name}”不属于该单位所在乡镇")
    if data.risk_class and data.risk_class not in RiskClass.values:
        add("risk_class", "分级分类应为 A、B、C、D 之一")
    if data.status not in UnitStatus.values:
        add("status", "状态应为 正常、停产整顿、关闭 之一")
    for name, value, (low, high) in (("lng", data.lng, LNG_RANGE), ("lat", data.lat, LAT_RANGE)):
        if value is not None and not (low <= value <= high):
            add(name, f"{'经度' if name == 'lng' else '纬度'}应在 {low}—{high} 之间")
    if data.department is not None and data.department.kind != OrgKind.DEPARTMENT:
        add("department", "监管部门应为行业主管部门")
    if errors:
        return errors
    # Duplicates: the same credit code anywhere, or the same name in the same township.
    others = Unit.objects.exclude(pk=instance.pk) if instance else Unit.objects.all()
    if data.credit_code:
        # Stating the partial index's condition lets SQLite use it (otherwise a table scan).
        dup = others.exclude(credit_code="").filter(credit_code=data.credit_code).first()
        if dup is not None:
            add("credit_code", f"统一社会信用代码已被“{dup.name}”使用")
    same_name = others.filter(name=data.name, region_code__startswith=data.region_code[:9]).first()
    if same_name is not None:
        add("name", f"同一乡镇已有同名单位（{same_name.region_code}）")
    return errors


def unit_in_scope(actor: User, probe: Unit) -> bool:
    """Whether an unsaved unit would fall inside the actor's scope."""
    role = actor.role
    if role == Role.SYSADMIN and actor.org_id is None:
        return True
    prefix = region_prefix(actor)
    if prefix is None or not probe.region_code.startswith(prefix):
        return False
    if role == Role.DEPARTMENT:
        return actor.org.sectors.filter(pk=probe.sector_id).exists()  # type: ignore[union-attr]
    return role in (Role.COUNTY_ADMIN, Role.TOWNSHIP, Role.SYSADMIN)


def locate(
    actor: User, unit: Unit | None, region_code: str, add: Callable[[str, str], None], *, what: str
) -> str:
    """Where a record that may name a unit lies (an accident, an outreach activity).

    With a unit, the unit's region (indicators.md: a figure is counted where the unit is); without
    one, the region given, which must exist and lie in the actor's own jurisdiction. A department
    is scoped by sector, so it must name a unit (otherwise it could not see its own record).
    Errors go through ``add(field, message)``; ``what`` names the record in them.
    """
    from anjian.core.scope import region_in_scope
    from anjian.units.selectors import unit_visible

    if unit is not None:
        if not unit_visible(actor, unit):
            add("unit", "该单位不在您的管辖范围内")
            return region_code
        return unit.region_code
    code = (region_code or "").strip()
    if not code:
        add("region_code", "未指明单位时须填写所属区划")
        return code
    code = code.ljust(12, "0")
    if not Division.objects.filter(code=code).exists():
        add("region_code", f"区划代码 {code} 不存在")
    elif not region_in_scope(actor, code):
        add("region_code", "该区划不在您的管辖范围内")
    elif actor.role == Role.DEPARTMENT:
        add("unit", f"部门监管员登记{what}须指明单位（按行业监管）")
    return code


def default_department(sector: Sector, region_code: str) -> Organization | None:
    """The department that answers for ``sector`` in the county of ``region_code``."""
    return (
        Organization.objects.filter(
            kind=OrgKind.DEPARTMENT, sectors=sector, region_code__startswith=region_code[:6]
        )
        .order_by("id")
        .first()
    )


def _apply(unit: Unit, data: UnitData) -> None:
    for name in UNIT_FIELDS:
        setattr(unit, name, getattr(data, name))
    if unit.department is None:
        unit.department = default_department(data.sector, data.region_code)
    unit.name_initials = pinyin_initials(unit.name)
    unit.name_pinyin = pinyin_full(unit.name)


def unit_create(*, actor: User, data: UnitData) -> Unit:
    _check_editor(actor)
    errors = unit_validate(actor, data, None)
    if errors:
        raise UnitError(errors)
    unit = Unit()
    _apply(unit, data)
    try:
        with transaction.atomic():
            unit.save()
            audit.record(actor=actor, action="unit.create", obj=unit, changes=audit.snapshot(unit, UNIT_FIELDS))
    except IntegrityError as exc:  # a concurrent duplicate slipped past the check above
        raise UnitError({"__all__": ["单位已存在（统一社会信用代码或名称重复）"]}) from exc
    return unit


def unit_update(*, actor: User, unit: Unit, data: UnitData) -> tuple[Unit, dict[str, list[Any]]]:
    """Update ``unit``; returns it and the changes made (empty when nothing changed)."""
    _check_editor(actor)
    if not scope_q_matches(actor, unit):
        raise PermissionDenied("该单位不在您的管辖范围内")
    errors = unit_validate(actor, data, unit)
    if errors:
        raise UnitError(errors)
    before = audit.snapshot(unit, UNIT_FIELDS)
    _apply(unit, data)
    changes = audit.diff(before, audit.snapshot(unit, UNIT_FIELDS))
    if not changes:
        return unit, {}
    try:
        with transaction.atomic():
            unit.save()
            audit.record(actor=actor, action="unit.update", obj=unit, changes=changes)
    except IntegrityError as exc:
        raise UnitError({"__all__": ["单位已存在（统一社会信用代码或名称重复）"]}) from exc
    return unit, changes


def scope_q_matches(actor: User, unit: Unit) -> bool:
    return Unit.objects.filter(scope_q(actor, Unit.SCOPE), pk=unit.pk).exists()


def unit_deactivate(*, actor: User, unit: Unit, reason: str) -> Unit:
    """Take a unit off the active registry with a reason; it and its history are kept."""
    _check_editor(actor)
    if not scope_q_matches(actor, unit):
        raise PermissionDenied("该单位不在您的管辖范围内")
    reason = clean(reason)
    if not reason:
        raise UnitError({"reason": ["请填写注销原因"]})
    if not unit.is_active:
        raise UnitError({"__all__": ["该单位已注销"]})
    with transaction.atomic():
        unit.is_active = False
        unit.deactivated_reason = reason
        unit.deactivated_at = timezone.now()
        unit.save(update_fields=["is_active", "deactivated_reason", "deactivated_at", "updated_at"])
        audit.record(actor=actor, action="unit.deactivate", obj=unit, changes={"reason": reason})
    return unit


def unit_reactivate(*, actor: User, unit: Unit) -> Unit:
    """Undo a deactivation (the confirmation-or-undo rule for destructive actions)."""
    _check_editor(actor)
    if not scope_q_matches(actor, unit):
        raise PermissionDenied("该单位不在您的管辖范围内")
    if unit.is_active:
        return unit
    with transaction.atomic():
        previous = unit.deactivated_reason
        unit.is_active = True
        unit.deactivated_reason = ""
        unit.deactivated_at = None
        unit.save(update_fields=["is_active", "deactivated_reason", "deactivated_at", "updated_at"])
        audit.record(actor=actor, action="unit.reactivate", obj=unit, changes={"previous_reason": previous})
    return unit


def assignment_create(
    *,
    actor: User,
    person: User,
    township: Division | None = None,
    unit: Unit | None = None,
    since: dt.date | None = None,
    note: str = "",
) -> Assignment:
    """包联: a county leader answers for a township, or a department cadre for a unit."""
    if actor.role not in (Role.COUNTY_ADMIN, Role.SYSADMIN):
        raise PermissionDenied("只有县级管理员可以安排包联责任")
    if (township is None) == (unit is None):
        raise UnitError({"__all__": ["包联对象应为一个乡镇或一个单位"]})
    if township is not None:
        kind, region = AssignmentKind.TOWNSHIP, township.code
    else:
        assert unit is not None
        kind, region = AssignmentKind.UNIT, unit.region_code
    prefix = region_prefix(actor)
    if prefix is not None and not region.startswith(prefix):
        raise UnitError({"__all__": ["包联对象不在您的管辖范围内"]})
    with transaction.atomic():
        item = Assignment.objects.create(
            kind=kind,
            person=person,
            township=township,
            unit=unit,
            region_code=region,
            since=since or timezone.localdate(),
            note=clean(note),
        )
        audit.record(actor=actor, action="assignment.create", obj=item, changes={"person": person.pk})
    return item


def parse_decimal(raw: Any) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        return Decimal(str(raw).strip())
    except InvalidOperation as exc:
        raise ValueError("应为数字") from exc
