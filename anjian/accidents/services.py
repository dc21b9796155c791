"""Writes of the accident register (事故): validated, in one transaction, audited.

A unit is optional; with a unit the accident is located where the unit is (indicators.md),
otherwise the region is required. Office roles write, within their jurisdiction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError

from anjian.accidents.models import Accident, Category, Investigation
from anjian.accounts.roles import UNIT_EDITORS
from anjian.core import audit
from anjian.core.text import clean
from anjian.units.models import Unit
from anjian.units.services import locate

if TYPE_CHECKING:
    from anjian.accounts.models import User

ACCIDENT_FIELDS = [
    "number",
    "occurred_at",
    "region_code",
    "unit",
    "category",
    "road",
    "deaths",
    "injuries",
    "direct_loss",
    "summary",
    "investigation",
]


class AccidentError(Exception):
    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("；".join(f"{k}: {'、'.join(v)}" for k, v in errors.items()))


class PermissionDenied(Exception):
    """The actor's role may not take this action."""


@dataclass
class AccidentData:
    number: str
    occurred_at: dt.datetime
    category: str
    region_code: str = ""
    unit: Unit | None = None
    road: bool = False
    deaths: int = 0
    injuries: int = 0
    direct_loss: Decimal = Decimal("0")
    summary: str = ""
    investigation: str = Investigation.PENDING


def accident_validate(actor: User, data: AccidentData, instance: Accident | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    data.number = clean(data.number)
    data.summary = (data.summary or "").strip()
    if not data.number:
        add("number", "事故编号不能为空")
    if data.occurred_at is None:
        add("occurred_at", "请填写发生时间")
    if data.category not in Category.values:
        add("category", "事故类别应为 生产经营性、道路交通、火灾、其他 之一")
    if data.category == Category.ROAD:
        data.road = True  # a 道路交通 accident is a road accident
    if data.investigation not in Investigation.values:
        add("investigation", "调查状态无效")
    for name in ("deaths", "injuries"):
        if getattr(data, name) is None or getattr(data, name) < 0:
            add(name, "人数不能为负")
    if data.direct_loss is None or data.direct_loss < 0:
        add("direct_loss", "直接经济损失不能为负")
    data.region_code = locate(actor, data.unit, data.region_code, add, what="事故")
    if errors:
        return errors
    others = Accident.objects.exclude(pk=instance.pk) if instance is not None else Accident.objects.all()
    if others.filter(number=data.number).exists():
        add("number", "事故编号已存在")
    return errors


def _check_writer(actor: User) -> None:
    if actor.role not in UNIT_EDITORS:
        raise PermissionDenied(f"{actor.get_role_display()}无权登记事故")


def _apply(accident: Accident, data: AccidentData) -> None:
    for name in ACCIDENT_FIELDS:
        setattr(accident, name, getattr(data, name))


def accident_create(*, actor: User, data: AccidentData) -> Accident:
    _check_writer(actor)
    errors = accident_validate(actor, data, None)
    if errors:
        raise AccidentError(errors)
    accident = Accident()
    _apply(accident, data)
    try:
        audit.save_audited(accident, actor=actor, action="accident.create", fields=ACCIDENT_FIELDS)
    except IntegrityError as exc:
        raise AccidentError({"number": ["事故编号已存在"]}) from exc
    return accident


def accident_update(*, actor: User, accident: Accident, data: AccidentData) -> tuple[Accident, dict[str, Any]]:
    _check_writer(actor)
    from anjian.core.scope import scoped

    if not scoped(actor, Accident.objects.filter(pk=accident.pk)).exists():
        raise PermissionDenied("该事故不在您的管辖范围内")
    errors = accident_validate(actor, data, accident)
    if errors:
        raise AccidentError(errors)
    before = audit.snapshot(accident, ACCIDENT_FIELDS)
    _apply(accident, data)
    try:
        changes = audit.save_audited(
            accident, actor=actor, action="accident.update", fields=ACCIDENT_FIELDS, before=before
        )
    except IntegrityError as exc:
        raise AccidentError({"number": ["事故编号已存在"]}) from exc
    return accident, changes
