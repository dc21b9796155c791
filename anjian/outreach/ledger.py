"""宣教活动 ledger (ledgers.md): key 编号."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from anjian.core.scope import region_prefix
from anjian.ledgers.columns import Choice, Code, Column, Date, Integer, Text
from anjian.ledgers.engine import CREATE, UNCHANGED, UPDATE, Planned, Row
from anjian.ledgers.registry import register
from anjian.ledgers.simple import RowContext, RowLedger
from anjian.outreach.models import Activity, ActivityKind
from anjian.outreach.selectors import activity_list
from anjian.outreach.services import (
    ACTIVITY_FIELDS,
    ActivityData,
    OutreachError,
    PermissionDenied,
    activity_create,
    activity_update,
)

if TYPE_CHECKING:
    from anjian.accounts.models import User

COLUMNS: list[Column] = [
    Column("编号", "number", Code(64), required=True, width=16),
    Column("类型", "kind", Choice({c.label: c.value for c in ActivityKind}), required=True, width=12),
    Column("日期", "date", Date(), required=True, width=12),
    Column("所属区划", "region_code", Code(), required=True, width=16, note="6、9 或 12 位区划代码"),
    Column("人数", "attendees", Integer(0), width=10, note="参训、参演或参与人数"),
    Column("资料份数", "materials", Integer(0), width=10, note="发放的宣传资料、手册份数"),
    Column("名称", "name", Text(200), width=30),
]


class OutreachLedger(RowLedger):
    name = "outreach"
    title = "宣教活动"
    list_url = "outreach:list"
    columns = COLUMNS
    key_help = "按 编号 匹配已有活动；匹配到的被更新"
    notes = (
        "带 * 的列必填；整个文件要么全部导入，要么一行都不导入。",
        "重复导入同一文件不会产生重复记录。",
    )
    refusals = (OutreachError, PermissionDenied)

    def check_row(self, ctx: RowContext, row: Row) -> Planned | None:
        region = self.region(ctx, row)
        if not row.ok("number"):
            return None
        number = row.values["number"]
        if not self.claim(ctx, row, number, "编号"):
            return None
        target = Activity.objects.filter(number=number).select_related("unit").first()
        if target is not None and not activity_list(ctx.actor).filter(pk=target.pk).exists():
            row.error("编号", "该编号的活动不在您的管辖范围内")
        if region is None or row.errors or not row.ok("kind") or not row.ok("date"):
            return None
        values = row.values

        def pick(name: str, default: Any) -> Any:
            if name in values:
                value = values[name]
                return default if value in (None, "") else value
            return getattr(target, name) if target is not None else default

        unit = target.unit if target is not None else None
        if unit is not None and not unit.region_code.startswith(str(values["region_code"])):
            unit = None  # the file moves the activity elsewhere: it no longer concerns that unit
        data = ActivityData(
            number=number,
            kind=values["kind"],
            date=values["date"],
            region_code=unit.region_code if unit is not None else region,
            name=pick("name", ""),
            attendees=pick("attendees", 0),
            materials=pick("materials", 0),
            unit=unit,
            campaign=target.campaign if target is not None else None,
        )
        if target is None:
            return Planned(row.number, CREATE, (data, None))
        if all(getattr(target, name) == getattr(data, name) for name in ACTIVITY_FIELDS):
            return Planned(row.number, UNCHANGED)
        return Planned(row.number, UPDATE, (data, target))

    def save(self, ctx: RowContext, item: Planned) -> None:
        data, target = item.payload
        if target is None:
            activity_create(actor=ctx.actor, data=data)
        else:
            activity_update(actor=ctx.actor, activity=target, data=data)

    def export_objects(self, user: User | None, params: dict[str, Any]) -> Iterable[Any]:
        assert user is not None
        return activity_list(user)

    def example(self, user: User | None) -> dict[str, Any]:
        prefix = (region_prefix(user) if user is not None else None) or "430626"
        return {
            "number": "XJ2026-001",
            "kind": "培训",
            "date": dt.date(2026, 6, 16),
            "region_code": prefix[:9],
            "attendees": 120,
            "materials": 300,
            "name": "安全生产月主要负责人培训",
        }


register(OutreachLedger())
