"""A small base for row-by-row ledgers (campaigns, tasks, accidents, outreach).

These registers are small (hundreds of rows a year), so each row is checked with a few
queries and written through the app's services, which check again. The engine keeps the
all-or-nothing rule: a service refusing a row rolls the whole file back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from anjian.core.scope import region_in_scope, scoped
from anjian.ledgers.engine import Ledger, Planned, Row, RowError
from anjian.regions.models import Division
from anjian.units.models import Unit

if TYPE_CHECKING:
    from anjian.accounts.models import User


@dataclass
class RowContext:
    actor: User
    present: frozenset[str]
    seen: dict[Any, int] = field(default_factory=dict)  # key → first row number with it
    cache: dict[Any, Any] = field(default_factory=dict)


class RowLedger(Ledger):
    """Subclasses implement ``check_row`` and ``save``; refusals name the column of the field."""

    refusals: tuple[type[Exception], ...] = ()

    def begin(self, actor: User, present: frozenset[str]) -> RowContext:
        return RowContext(actor=actor, present=present)

    def check_row(self, ctx: RowContext, row: Row) -> Planned | None:
        raise NotImplementedError

    def save(self, ctx: RowContext, item: Planned) -> None:
        raise NotImplementedError

    def check_batch(self, ctx: RowContext, rows: list[Row]) -> list[Planned]:
        plans: list[Planned] = []
        for row in rows:
            plan = self.check_row(ctx, row)
            if plan is not None and not row.errors:
                plans.append(plan)
        return plans

    def claim(self, ctx: RowContext, row: Row, key: Any, header: str) -> bool:
        """Whether ``key`` is new in this file; else an error naming the earlier row."""
        if key in ctx.seen:
            row.error(header, f"与第{ctx.seen[key]}行重复")
            return False
        ctx.seen[key] = row.number
        return True

    def write(self, ctx: RowContext, items: list[Planned], tick: Callable[[int], None]) -> list[RowError]:
        errors: list[RowError] = []
        headers = {c.field: c.header for c in self.columns}
        for done, item in enumerate(items, 1):
            try:
                self.save(ctx, item)
            except self.refusals as exc:
                service_errors: dict[str, list[str]] | None = getattr(exc, "errors", None)
                if service_errors:
                    for name, messages in service_errors.items():
                        errors.extend(RowError(item.row, headers.get(name, ""), m) for m in messages)
                else:
                    errors.append(RowError(item.row, "", str(exc)))
            if done % 200 == 0:
                tick(done)
        tick(len(items))
        return errors

    # --- shared cell lookups -------------------------------------------------------------
    @staticmethod
    def region(ctx: RowContext, row: Row, field_name: str = "region_code", header: str = "所属区划") -> str | None:
        """The row's 12-digit region code inside the actor's jurisdiction, or None (error added)."""
        if not row.ok(field_name) or not row.values[field_name]:
            return None
        raw = str(row.values[field_name])
        if not raw.isdigit() or len(raw) not in (6, 9, 12):
            row.error(header, "应为 6、9 或 12 位区划代码", field_name)
            return None
        code = raw.ljust(12, "0")
        key = ("division", code)
        if key not in ctx.cache:
            ctx.cache[key] = Division.objects.filter(code=code).exists()
        if not ctx.cache[key]:
            row.error(header, f"区划代码 {code} 不存在", field_name)
            return None
        if not region_in_scope(ctx.actor, code):
            row.error(header, "不在您的管辖范围内", field_name)
            return None
        return code

    @staticmethod
    def unit(ctx: RowContext, row: Row, field_name: str = "unit", header: str = "单位") -> Unit | None:
        """The unit a cell names (统一社会信用代码 or exact 单位名称), among those the actor sees."""
        if not row.ok(field_name) or not row.values[field_name]:
            return None
        raw = str(row.values[field_name]).strip()
        key = ("unit", raw)
        if key not in ctx.cache:
            visible = scoped(ctx.actor, Unit.objects.all())
            by_code = list(visible.exclude(credit_code="").filter(credit_code=raw.upper())[:2])
            ctx.cache[key] = by_code or list(visible.filter(name=raw)[:2])
        found: list[Unit] = ctx.cache[key]
        if not found:
            row.error(header, f"“{raw}”不是您辖区内的单位（按统一社会信用代码或单位名称查找）", field_name)
            return None
        if len(found) > 1:
            row.error(header, f"有多个名为“{raw}”的单位，请填写统一社会信用代码", field_name)
            return None
        return found[0]
