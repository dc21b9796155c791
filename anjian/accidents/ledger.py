"""事故 ledger (ledgers.md): key 事故编号.

事故类别 生产经营性/道路交通/火灾/其他 and 道路交通 是/否: a 生产经营性 road accident is
类别 生产经营性 with 道路交通 是; a 道路交通 accident is a road accident whatever the flag says.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from anjian.accidents.models import Accident, Category, Investigation
from anjian.accidents.selectors import accident_list
from anjian.accidents.services import (
    ACCIDENT_FIELDS,
    AccidentData,
    AccidentError,
    PermissionDenied,
    accident_create,
    accident_update,
)
from anjian.core.scope import region_prefix
from anjian.ledgers.columns import Boolean, CellError, Choice, Code, Column, Date, Integer, Number, Text, cell_text
from anjian.ledgers.engine import CREATE, UNCHANGED, UPDATE, Planned, Row
from anjian.ledgers.registry import register
from anjian.ledgers.simple import RowContext, RowLedger

if TYPE_CHECKING:
    from anjian.accounts.models import User

_TIME = re.compile(r"(\d{1,2})[:：时](\d{1,2})(?:[:：分](\d{1,2}))?秒?")


class DateTimeCell(Date):
    """A date with an optional time (``2026-05-12 14:30``); local time of the deployment."""

    def __call__(self, raw: Any) -> dt.datetime:  # type: ignore[override]
        if isinstance(raw, dt.datetime):
            value = raw
        else:
            text = cell_text(raw)
            head, _, tail = text.partition(" ")
            if not tail and "日" in text and not text.endswith("日"):
                head, tail = text.split("日", 1)
                head += "日"
            day = super().__call__(head)
            hour = minute = second = 0
            tail = tail.strip()
            if tail:
                match = _TIME.fullmatch(tail)
                if not match:
                    raise CellError(f"时间格式应为 2026-05-12 14:30，实际为“{text}”")
                hour, minute = int(match.group(1)), int(match.group(2))
                second = int(match.group(3) or 0)
                if hour > 23 or minute > 59 or second > 59:
                    raise CellError(f"时间“{tail}”不存在")
            value = dt.datetime(day.year, day.month, day.day, hour, minute, second)
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value

    def format(self, value: Any) -> Any:
        if value is None:
            return ""
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


COLUMNS: list[Column] = [
    Column("事故编号", "number", Code(64), required=True, width=16),
    Column("发生时间", "occurred_at", DateTimeCell(), required=True, width=18, note="2026-05-12 14:30 或日期"),
    Column("所属区划", "region_code", Code(), required=True, width=16, note="6、9 或 12 位区划代码"),
    Column(
        "单位",
        "unit",
        Text(128),
        export=lambda a: (a.unit.credit_code or a.unit.name) if a.unit else "",
        width=24,
        note="统一社会信用代码或单位名称；可不填",
    ),
    Column("事故类别", "category", Choice({c.label: c.value for c in Category}), width=12),
    Column("道路交通", "road", Boolean(), width=10, note="生产经营性道路交通事故：类别 生产经营性，道路交通 是"),
    Column("死亡人数", "deaths", Integer(0), width=10),
    Column("受伤人数", "injuries", Integer(0), width=10),
    Column("直接经济损失", "direct_loss", Number(2, 0), width=14, note="元"),
    Column("简要经过", "summary", Text(), width=40),
]


class AccidentLedger(RowLedger):
    name = "accidents"
    title = "事故"
    list_url = "accidents:list"
    columns = COLUMNS
    key_help = "按 事故编号 匹配已有事故；匹配到的被更新"
    notes = (
        "带 * 的列必填；整个文件要么全部导入，要么一行都不导入。",
        "填了单位的，事故按单位所在区划统计；所属区划须包含单位所在区划。",
        "重复导入同一文件不会产生重复记录。",
    )
    refusals = (AccidentError, PermissionDenied)

    def check_row(self, ctx: RowContext, row: Row) -> Planned | None:
        region = self.region(ctx, row)
        unit = self.unit(ctx, row)
        if not row.ok("number"):
            return None
        number = row.values["number"]
        if not self.claim(ctx, row, number, "事故编号"):
            return None
        target = Accident.objects.filter(number=number).first()
        if target is not None and not accident_list(ctx.actor).filter(pk=target.pk).exists():
            row.error("事故编号", "该编号的事故不在您的管辖范围内")
        if unit is not None and region is not None:
            raw = str(row.values["region_code"])
            if not unit.region_code.startswith(raw):
                row.error("所属区划", f"单位所在区划为 {unit.region_code}，与所属区划不符")
        if region is None or row.errors:
            return None
        values = row.values

        def pick(name: str, default: Any) -> Any:
            if name in values:
                value = values[name]
                return default if value in (None, "") else value
            return getattr(target, name) if target is not None else default

        category = pick("category", "")
        if not category:
            row.error("事故类别", "不能为空（生产经营性、道路交通、火灾、其他）")
            return None
        data = AccidentData(
            number=number,
            occurred_at=values["occurred_at"],
            category=category,
            region_code=region,
            unit=unit if "unit" in values else (target.unit if target is not None else None),
            road=bool(pick("road", False)),
            deaths=pick("deaths", 0),
            injuries=pick("injuries", 0),
            direct_loss=Decimal(pick("direct_loss", Decimal("0"))),
            summary=pick("summary", ""),
            investigation=target.investigation if target is not None else Investigation.PENDING,
        )
        if data.category == Category.ROAD:
            data.road = True
        if data.unit is not None:
            data.region_code = data.unit.region_code
        if target is None:
            return Planned(row.number, CREATE, (data, None))
        if all(getattr(target, name) == getattr(data, name) for name in ACCIDENT_FIELDS):
            return Planned(row.number, UNCHANGED)
        return Planned(row.number, UPDATE, (data, target))

    def save(self, ctx: RowContext, item: Planned) -> None:
        data, target = item.payload
        if target is None:
            accident_create(actor=ctx.actor, data=data)
        else:
            accident_update(actor=ctx.actor, accident=target, data=data)

    def export_objects(self, user: User | None, params: dict[str, Any]) -> Iterable[Any]:
        assert user is not None
        return accident_list(user)

    def example(self, user: User | None) -> dict[str, Any]:
        prefix = (region_prefix(user) if user is not None else None) or "430626"
        return {
            "number": "SG2026-001",
            "occurred_at": "2026-05-12 14:30",
            "region_code": prefix[:9],
            "unit": "",
            "category": "生产经营性",
            "road": "否",
            "deaths": 0,
            "injuries": 1,
            "direct_loss": 20000,
            "summary": "",
        }


register(AccidentLedger())
