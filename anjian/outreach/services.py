"""Writes of the outreach register (宣教活动: 培训, 演练, 宣传, 竞赛, 电影下乡), audited.

A unit is optional (a drill at one enterprise); with a unit the activity is located where the
unit is, otherwise the region is required. Office roles write, within their jurisdiction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError

from anjian.accounts.models import Organization
from anjian.accounts.roles import UNIT_EDITORS
from anjian.campaigns.models import Campaign
from anjian.campaigns.selectors import campaign_queryset
from anjian.core import audit
from anjian.core.scope import scoped
from anjian.core.text import clean
from anjian.outreach.models import Activity, ActivityKind
from anjian.units.models import Unit
from anjian.units.services import locate

if TYPE_CHECKING:
    from anjian.accounts.models import User

ACTIVITY_FIELDS = ["number", "kind", "date", "region_code", "name", "attendees", "materials", "unit", "campaign"]


class OutreachError(Exception):
    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("；".join(f"{k}: {'、'.join(v)}" for k, v in errors.items()))


class PermissionDenied(Exception):
    """The actor's role may not take this action."""


@dataclass
class ActivityData:
    number: str
    kind: str
    date: dt.date
    region_code: str = ""
    name: str = ""
    attendees: int = 0
    materials: int = 0
    unit: Unit | None = None
    campaign: Campaign | None = None
    org: Organization | None = None


def activity_validate(actor: User, data: ActivityData, instance: Activity | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    data.number = clean(data.number)
    data.name = clean(data.name or "")
    if not data.number:
        add("number", "编号不能为空")
    if data.kind not in ActivityKind.values:
        add("kind", "类型应为 培训、演练、宣传、竞赛、电影下乡 之一")
    if data.date is None:
        add("date", "请填写日期")
    for name in ("attendees", "materials"):
        if getattr(data, name) is None or getattr(data, name) < 0:
            add(name, "不能为负")
    if data.campaign is not None and not campaign_queryset(actor).filter(pk=data.campaign.pk).exists():
        add("campaign", "该专项行动不在您的管辖范围内")
    data.region_code = locate(actor, data.unit, data.region_code, add, what="宣教活动")
    if errors:
        return errors
    others = Activity.objects.exclude(pk=instance.pk) if instance is not None else Activity.objects.all()
    if others.filter(number=data.number).exists():
        add("number", "编号已存在")
    return errors


def _check_writer(actor: User) -> None:
    if actor.role not in UNIT_EDITORS:
        raise PermissionDenied(f"{actor.get_role_display()}无权登记宣教活动")


def _apply(activity: Activity, data: ActivityData) -> None:
    for name in ACTIVITY_FIELDS:
        setattr(activity, name, getattr(data, name))


def activity_create(*, actor: User, data: ActivityData) -> Activity:
    _check_writer(actor)
    errors = activity_validate(actor, data, None)
    if errors:
        raise OutreachError(errors)
    activity = Activity(org=data.org or actor.org)
    _apply(activity, data)
    try:
        audit.save_audited(activity, actor=actor, action="outreach.create", fields=ACTIVITY_FIELDS)
    except IntegrityError as exc:
        raise OutreachError({"number": ["编号已存在"]}) from exc
    return activity


def activity_update(*, actor: User, activity: Activity, data: ActivityData) -> tuple[Activity, dict[str, Any]]:
    _check_writer(actor)
    if not scoped(actor, Activity.objects.filter(pk=activity.pk)).exists():
        raise PermissionDenied("该活动不在您的管辖范围内")
    errors = activity_validate(actor, data, activity)
    if errors:
        raise OutreachError(errors)
    before = audit.snapshot(activity, ACTIVITY_FIELDS)
    _apply(activity, data)
    try:
        changes = audit.save_audited(
            activity, actor=actor, action="outreach.update", fields=ACTIVITY_FIELDS, before=before
        )
    except IntegrityError as exc:
        raise OutreachError({"number": ["编号已存在"]}) from exc
    return activity, changes
