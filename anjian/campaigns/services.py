"""Writes of campaigns (专项行动, a "1+2+N" plan tree) and their roadmap tasks.

Every write validates first (a rejected request changes nothing), runs in one transaction and
leaves an audit record. Office roles write (county admin, department, township); the region
must lie in the actor's jurisdiction and a parent must be a campaign the actor can see.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction

from anjian.accounts.models import Organization, OrgKind
from anjian.accounts.roles import UNIT_EDITORS
from anjian.campaigns.models import Campaign, Task
from anjian.campaigns.selectors import campaign_queryset, task_queryset
from anjian.core import audit
from anjian.core.scope import region_in_scope
from anjian.core.text import clean
from anjian.regions.models import Division

if TYPE_CHECKING:
    from anjian.accounts.models import User

CAMPAIGN_FIELDS = ["name", "parent", "start", "end", "lead_department", "region_code", "description"]
TASK_FIELDS = ["campaign", "number", "content", "due", "responsible", "completed_on", "progress"]
WRITERS = UNIT_EDITORS


class CampaignError(Exception):
    """A rejected write. ``errors`` maps a field name (or '__all__') to Chinese reasons."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("；".join(f"{k}: {'、'.join(v)}" for k, v in errors.items()))


class PermissionDenied(Exception):
    """The actor's role may not take this action."""


def check_writer(actor: User) -> None:
    if actor.role not in WRITERS:
        raise PermissionDenied(f"{actor.get_role_display()}无权登记专项行动")


@dataclass
class CampaignData:
    name: str
    start: dt.date
    end: dt.date
    region_code: str
    parent: Campaign | None = None
    lead_department: Organization | None = None
    description: str = ""


@dataclass
class TaskData:
    campaign: Campaign
    number: str
    content: str
    due: dt.date
    responsible: str
    completed_on: dt.date | None = None
    progress: str = ""


def descendant_ids(campaign: Campaign) -> set[int]:
    from anjian.campaigns.selectors import campaign_tree_ids

    return campaign_tree_ids(campaign)


def campaign_validate(actor: User, data: CampaignData, instance: Campaign | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    data.name = clean(data.name)
    data.description = (data.description or "").strip()
    if not data.name:
        add("name", "名称不能为空")
    data.region_code = (data.region_code or "").strip().ljust(12, "0")
    if not Division.objects.filter(code=data.region_code).exists():
        add("region_code", f"区划代码 {data.region_code} 不存在")
    elif not region_in_scope(actor, data.region_code):
        add("region_code", "该区划不在您的管辖范围内")
    if data.start and data.end and data.end < data.start:
        add("end", "结束日期不能早于开始日期")
    if data.parent is not None:
        if not campaign_queryset(actor).filter(pk=data.parent.pk).exists():
            add("parent", "上级行动不在您的管辖范围内")
        elif instance is not None and instance.pk is not None and data.parent.pk in descendant_ids(instance):
            add("parent", "上级行动不能是本行动或其下级行动（不能形成循环）")
    if data.lead_department is not None and data.lead_department.kind != OrgKind.DEPARTMENT:
        add("lead_department", "牵头部门应为行业主管部门")
    if errors:
        return errors
    others = Campaign.objects.exclude(pk=instance.pk) if instance is not None else Campaign.objects.all()
    if others.filter(region_code=data.region_code, name=data.name).exists():
        add("name", "同一区划已有同名专项行动")
    return errors


def _apply(obj: Any, data: Any, fields: list[str]) -> None:
    for name in fields:
        setattr(obj, name, getattr(data, name))


def campaign_create(*, actor: User, data: CampaignData) -> Campaign:
    check_writer(actor)
    errors = campaign_validate(actor, data, None)
    if errors:
        raise CampaignError(errors)
    campaign = Campaign()
    _apply(campaign, data, CAMPAIGN_FIELDS)
    try:
        audit.save_audited(campaign, actor=actor, action="campaign.create", fields=CAMPAIGN_FIELDS)
    except IntegrityError as exc:
        raise CampaignError({"__all__": ["同一区划已有同名专项行动"]}) from exc
    return campaign


def campaign_update(*, actor: User, campaign: Campaign, data: CampaignData) -> tuple[Campaign, dict[str, Any]]:
    check_writer(actor)
    # Seeing a campaign (the county's, from a township) is not owning it: writes need its region.
    if not campaign_queryset(actor).filter(pk=campaign.pk).exists() or not region_in_scope(actor, campaign.region_code):
        raise PermissionDenied("该专项行动不在您的管辖范围内")
    errors = campaign_validate(actor, data, campaign)
    if errors:
        raise CampaignError(errors)
    before = audit.snapshot(campaign, CAMPAIGN_FIELDS)
    _apply(campaign, data, CAMPAIGN_FIELDS)
    try:
        changes = audit.save_audited(
            campaign, actor=actor, action="campaign.update", fields=CAMPAIGN_FIELDS, before=before
        )
    except IntegrityError as exc:
        raise CampaignError({"__all__": ["同一区划已有同名专项行动"]}) from exc
    return campaign, changes


def task_validate(actor: User, data: TaskData, instance: Task | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    data.number = clean(data.number)
    data.content = (data.content or "").strip()
    data.responsible = clean(data.responsible)
    if not data.number:
        add("number", "任务编号不能为空")
    if not data.content:
        add("content", "任务内容不能为空")
    if not data.responsible:
        add("responsible", "责任单位不能为空")
    if not campaign_queryset(actor).filter(pk=data.campaign.pk).exists() or not region_in_scope(
        actor, data.campaign.region_code
    ):
        add("campaign", "该专项行动不在您的管辖范围内")
    if errors:
        return errors
    others = Task.objects.exclude(pk=instance.pk) if instance is not None else Task.objects.all()
    if others.filter(campaign=data.campaign, number=data.number).exists():
        add("number", "该专项行动已有此任务编号")
    return errors


def task_create(*, actor: User, data: TaskData) -> Task:
    check_writer(actor)
    errors = task_validate(actor, data, None)
    if errors:
        raise CampaignError(errors)
    task = Task(region_code=data.campaign.region_code)
    _apply(task, data, TASK_FIELDS)
    try:
        audit.save_audited(task, actor=actor, action="task.create", fields=TASK_FIELDS)
    except IntegrityError as exc:
        raise CampaignError({"number": ["该专项行动已有此任务编号"]}) from exc
    return task


def task_update(*, actor: User, task: Task, data: TaskData) -> tuple[Task, dict[str, Any]]:
    check_writer(actor)
    # Seeing a task of the county's campaign is not owning it: writes need its region.
    if not task_queryset(actor).filter(pk=task.pk).exists() or not region_in_scope(actor, task.region_code):
        raise PermissionDenied("该任务不在您的管辖范围内")
    errors = task_validate(actor, data, task)
    if errors:
        raise CampaignError(errors)
    before = audit.snapshot(task, TASK_FIELDS)
    _apply(task, data, TASK_FIELDS)
    task.region_code = data.campaign.region_code
    try:
        changes = audit.save_audited(task, actor=actor, action="task.update", fields=TASK_FIELDS, before=before)
    except IntegrityError as exc:
        raise CampaignError({"number": ["该专项行动已有此任务编号"]}) from exc
    return task, changes


def task_complete(*, actor: User, task: Task, on: dt.date, progress: str = "") -> Task:
    """Mark a roadmap task done on ``on`` (a later call moves the date)."""
    check_writer(actor)
    # Seeing a task of the county's campaign is not owning it: writes need its region.
    if not task_queryset(actor).filter(pk=task.pk).exists() or not region_in_scope(actor, task.region_code):
        raise PermissionDenied("该任务不在您的管辖范围内")
    if on is None:
        raise CampaignError({"completed_on": ["请填写完成日期"]})
    before = audit.snapshot(task, ["completed_on", "progress"])
    task.completed_on = on
    if progress.strip():
        task.progress = progress.strip()
    with transaction.atomic():
        task.save(update_fields=["completed_on", "progress"])
        audit.record(
            actor=actor,
            action="task.complete",
            obj=task,
            changes=audit.diff(before, audit.snapshot(task, ["completed_on", "progress"])),
        )
    return task
