"""专项行动 and 重点任务 ledgers (ledgers.md): campaigns by 名称 within 所属区划, tasks by 任务编号 + 专项行动."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from anjian.accounts.models import Organization, OrgKind
from anjian.campaigns.models import Campaign, Task
from anjian.campaigns.selectors import campaign_list, campaign_queryset, task_list
from anjian.campaigns.services import (
    CAMPAIGN_FIELDS,
    TASK_FIELDS,
    CampaignData,
    CampaignError,
    PermissionDenied,
    TaskData,
    campaign_create,
    campaign_update,
    task_create,
    task_update,
)
from anjian.core import audit
from anjian.core.scope import region_prefix
from anjian.ledgers.columns import Code, Column, Date, Text
from anjian.ledgers.engine import CREATE, UNCHANGED, UPDATE, Planned, Row
from anjian.ledgers.registry import register
from anjian.ledgers.simple import RowContext, RowLedger

if TYPE_CHECKING:
    from anjian.accounts.models import User


def _name(obj: Any) -> str:
    return obj.name if obj is not None else ""


def find_campaign(ctx: RowContext, name: str, region: str | None = None) -> list[Campaign]:
    """Visible campaigns called ``name``; one in ``region`` wins over others of the same name."""
    found = list(campaign_queryset(ctx.actor).filter(name=name)[:10])
    if region and len(found) > 1:
        same = [c for c in found if c.region_code == region]
        if same:
            return same
    return found


CAMPAIGN_COLUMNS: list[Column] = [
    Column("名称", "name", Text(128), required=True, width=30),
    Column(
        "上级行动",
        "parent",
        Text(128),
        export=lambda c: _name(c.parent),
        width=30,
        note="上级专项行动的名称（1+2+N 方案树）；可以是本文件前面行中的行动",
    ),
    Column("开始日期", "start", Date(), required=True, width=12),
    Column("结束日期", "end", Date(), required=True, width=12),
    Column(
        "牵头部门",
        "lead_department",
        Text(64),
        export=lambda c: _name(c.lead_department),
        width=18,
        note="本县行业主管部门名称",
    ),
    Column("所属区划", "region_code", Code(), required=True, width=16, note="6、9 或 12 位区划代码"),
    Column("说明", "description", Text(), width=30),
]


class CampaignLedger(RowLedger):
    name = "campaigns"
    title = "专项行动"
    list_url = "campaigns:list"
    columns = CAMPAIGN_COLUMNS
    key_help = "按 名称 + 所属区划 匹配已有专项行动；匹配到的被更新"
    notes = (
        "带 * 的列必填；整个文件要么全部导入，要么一行都不导入。",
        "上级行动填名称，须为已有行动或本文件前面行中的行动。",
        "重复导入同一文件不会产生重复记录。",
    )
    refusals = (CampaignError, PermissionDenied)

    def check_row(self, ctx: RowContext, row: Row) -> Planned | None:
        region = self.region(ctx, row)
        if region is None or not row.ok("name") or not row.ok("start") or not row.ok("end"):
            return None
        name = row.values["name"]
        if not self.claim(ctx, row, (region, name), "名称"):
            return None
        if row.values["end"] < row.values["start"]:
            row.error("结束日期", "结束日期不能早于开始日期")
        parent_name = row.values.get("parent") or ""
        if parent_name == name:
            row.error("上级行动", "上级行动不能是本行动")
        elif parent_name and not any(k[1] == parent_name for k in ctx.seen if isinstance(k, tuple)):
            found = find_campaign(ctx, parent_name, region)
            if not found:
                row.error("上级行动", f"“{parent_name}”不是已有的专项行动，也不在本文件前面的行中")
            elif len(found) > 1:
                row.error("上级行动", f"有多个名为“{parent_name}”的专项行动")
        department = None
        if row.values.get("lead_department"):
            dep_name = row.values["lead_department"]
            prefix = region[:6]
            department = (
                Organization.objects.filter(kind=OrgKind.DEPARTMENT, region_code__startswith=prefix, name=dep_name)
                .order_by("id")
                .first()
                or Organization.objects.filter(
                    kind=OrgKind.DEPARTMENT, region_code__startswith=prefix, short_name=dep_name
                )
                .order_by("id")
                .first()
            )
            if department is None:
                row.error("牵头部门", f"“{dep_name}”不是本县的行业主管部门")
        if row.errors:
            return None
        target = Campaign.objects.filter(region_code=region, name=name).select_related("parent").first()
        payload = {"region": region, "parent_name": parent_name, "department": department, "target": target}
        if target is None:
            return Planned(row.number, CREATE, (row.values, payload))
        current_parent = _name(target.parent)
        same = (
            current_parent == parent_name
            and target.start == row.values["start"]
            and target.end == row.values["end"]
            and ("lead_department" not in row.values or target.lead_department_id == getattr(department, "pk", None))
            and ("description" not in row.values or target.description == row.values["description"])
        )
        return Planned(row.number, UNCHANGED if same else UPDATE, (row.values, payload))

    def save(self, ctx: RowContext, item: Planned) -> None:
        values, payload = item.payload
        region: str = payload["region"]
        target: Campaign | None = payload["target"]
        parent = None
        if payload["parent_name"]:
            found = find_campaign(ctx, payload["parent_name"], region)
            if len(found) != 1:
                raise CampaignError({"parent": [f"找不到唯一的上级行动“{payload['parent_name']}”"]})
            parent = found[0]
        data = CampaignData(
            name=values["name"],
            start=values["start"],
            end=values["end"],
            region_code=region,
            parent=parent,
            lead_department=payload["department"]
            if "lead_department" in values
            else (target.lead_department if target else None),
            description=values["description"] if "description" in values else (target.description if target else ""),
        )
        if target is None:
            campaign_create(actor=ctx.actor, data=data)
        else:
            campaign_update(actor=ctx.actor, campaign=target, data=data)

    def export_objects(self, user: User | None, params: dict[str, Any]) -> Iterable[Any]:
        assert user is not None
        return campaign_list(user)

    def example(self, user: User | None) -> dict[str, Any]:
        prefix = (region_prefix(user) if user is not None else None) or "430626"
        return {
            "name": "安全生产治本攻坚三年行动",
            "parent": "",
            "start": dt.date(2024, 1, 1),
            "end": dt.date(2026, 12, 31),
            "lead_department": "",
            "region_code": prefix[:6],
            "description": "",
        }


TASK_COLUMNS: list[Column] = [
    Column("任务编号", "number", Code(32), required=True, width=12),
    Column("专项行动", "campaign", Text(128), required=True, export=lambda t: t.campaign.name, width=30),
    Column("任务内容", "content", Text(), required=True, width=40),
    Column("时间节点", "due", Date(), required=True, width=12),
    Column("责任单位", "responsible", Text(128), required=True, width=20),
    Column("完成日期", "completed_on", Date(), width=12),
    Column("进展情况", "progress", Text(), width=30),
]


class TaskLedger(RowLedger):
    name = "tasks"
    title = "重点任务推进路线图"
    list_url = "campaigns:list"
    columns = TASK_COLUMNS
    key_help = "按 任务编号 + 专项行动 匹配已有任务；匹配到的被更新"
    notes = (
        "带 * 的列必填；整个文件要么全部导入，要么一行都不导入。",
        "专项行动填名称，须为已有的专项行动。",
        "重复导入同一文件不会产生重复记录。",
    )
    refusals = (CampaignError, PermissionDenied)

    def check_row(self, ctx: RowContext, row: Row) -> Planned | None:
        if not row.ok("campaign") or not row.ok("number"):
            return None
        found = find_campaign(ctx, row.values["campaign"])
        if not found:
            row.error("专项行动", f"“{row.values['campaign']}”不是您辖区内已有的专项行动")
            return None
        if len(found) > 1:
            row.error("专项行动", f"有多个名为“{row.values['campaign']}”的专项行动")
            return None
        campaign = found[0]
        if not self.claim(ctx, row, (campaign.pk, row.values["number"]), "任务编号"):
            return None
        if row.errors:
            return None
        target = Task.objects.filter(campaign=campaign, number=row.values["number"]).first()
        data = TaskData(
            campaign=campaign,
            number=row.values["number"],
            content=row.values.get("content", ""),
            due=row.values["due"],
            responsible=row.values.get("responsible", ""),
        )
        for name in ("completed_on", "progress"):
            if name in row.values:
                setattr(data, name, row.values[name] if name != "progress" else (row.values[name] or ""))
            elif target is not None:
                setattr(data, name, getattr(target, name))
        if target is None:
            return Planned(row.number, CREATE, (data, None))
        probe = Task()
        for name in TASK_FIELDS:
            setattr(probe, name, getattr(data, name))
        if not audit.diff(audit.snapshot(target, TASK_FIELDS), audit.snapshot(probe, TASK_FIELDS)):
            return Planned(row.number, UNCHANGED)
        return Planned(row.number, UPDATE, (data, target))

    def save(self, ctx: RowContext, item: Planned) -> None:
        data, target = item.payload
        if target is None:
            task_create(actor=ctx.actor, data=data)
        else:
            task_update(actor=ctx.actor, task=target, data=data)

    def export_objects(self, user: User | None, params: dict[str, Any]) -> Iterable[Any]:
        assert user is not None
        return task_list(user)

    def example(self, user: User | None) -> dict[str, Any]:
        return {
            "number": "1-1",
            "campaign": "安全生产治本攻坚三年行动",
            "content": "开展重大事故隐患专项排查整治",
            "due": dt.date(2026, 6, 30),
            "responsible": "县应急管理局",
            "completed_on": "",
            "progress": "",
        }


register(CampaignLedger())
register(TaskLedger())

__all__ = ["CAMPAIGN_FIELDS", "CampaignLedger", "TaskLedger"]
