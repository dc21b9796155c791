"""检查记录: the inspections ledger's columns (ledgers.md) for import, export and the template.

Key: 检查编号. A row whose number exists updates that inspection (when in scope); otherwise it
creates one. 检查组 that do not exist are created; names in 检查人员/专家 are matched to the
county's people by name and kind, and unknown names are registered in the importer's
organisation. 专项行动 must exist. Outings are not stored: they follow from (检查组, 检查日期).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from anjian.campaigns.models import Campaign
from anjian.core import uscc
from anjian.core.scope import scope_q
from anjian.inspections import services
from anjian.inspections.models import Inspection, InspectionGroup, InspectionKind, Person, PersonKind
from anjian.inspections.selectors import filters_from_params, inspection_list
from anjian.ledgers.columns import Choice, Code, Column, Date, Integer, Text
from anjian.ledgers.engine import CREATE, UNCHANGED, UPDATE, Ledger, Planned, Row, RowError
from anjian.ledgers.registry import register
from anjian.units.models import Unit

if TYPE_CHECKING:
    from anjian.accounts.models import User

KINDS: dict[str, str] = {k.label: k.value for k in InspectionKind}
# The ledger's short label for 明查暗访（四不两直）, and its other usual spellings.
KINDS.update({"明查暗访": InspectionKind.UNANNOUNCED, "四不两直": InspectionKind.UNANNOUNCED})
KINDS["明查暗访(四不两直)"] = InspectionKind.UNANNOUNCED
PEOPLE_COLUMNS = (("检查人员", PersonKind.OFFICIAL, "officials"), ("专家", PersonKind.EXPERT, "experts"))
NAME_SEPARATORS = re.compile(r"[、,，;；\s]+")


def split_names(text: str) -> list[str]:
    """'张三、李四,王五' → ['张三', '李四', '王五'], in order, without repeats."""
    seen: dict[str, None] = {}
    for name in NAME_SEPARATORS.split(text or ""):
        if name:
            seen.setdefault(name, None)
    return list(seen)


def _names(people: Iterable[Person]) -> str:
    return "、".join(p.name for p in people)


COLUMNS: list[Column] = [
    Column("检查编号", "number", Code(64), required=True, width=20),
    Column("检查日期", "date", Date(), required=True, width=12),
    Column("检查类型", "kind", Choice(KINDS), required=True, width=12, choices=[k.label for k in InspectionKind]),
    Column(
        "检查组",
        "group",
        Text(128),
        width=18,
        export=lambda i: i.group.name if i.group else "",
        note="同一检查组同一天的检查为一次出动；新的检查组自动创建",
    ),
    Column(
        "被检查单位",
        "unit",
        Text(128),
        required=True,
        width=30,
        export=lambda i: i.unit.name,
        note="单位名称或统一社会信用代码",
    ),
    Column(
        "检查人员",
        "officials",
        Text(),
        width=20,
        export=lambda i: _names(i.officials.all()),
        note="姓名以、或,分隔；未登记的人员自动登记",
    ),
    Column("检查人数", "official_count", Integer(0, 999), width=10, note="检查人员为空时填写"),
    Column("专家", "experts", Text(), width=16, export=lambda i: _names(i.experts.all())),
    Column("专家人数", "expert_count", Integer(0, 999), width=10, note="专家为空时填写"),
    Column(
        "专项行动",
        "campaign",
        Text(128),
        width=18,
        export=lambda i: i.campaign.name if i.campaign else "",
        note="须为已有的专项行动",
    ),
    Column("检查情况", "findings", Text(), width=40),
]


@dataclass
class _Context:
    actor: User
    numbers: dict[str, int] = field(default_factory=dict)  # number → first row with it
    groups: dict[str, InspectionGroup | None] = field(default_factory=dict)  # name → group (None: to create)
    people: dict[tuple[str, str], Person | None] = field(default_factory=dict)  # (kind, name) → person
    new_people: int = 0
    new_groups: int = 0


@dataclass
class _Payload:
    number: str
    unit: Unit
    kind: str
    date: Any
    group: str
    officials: list[str]
    experts: list[str]
    official_count: int
    expert_count: int
    campaign: Campaign | None
    findings: str
    target: Inspection | None


class InspectionLedger(Ledger):
    name = "inspections"
    title = "检查记录"
    columns = COLUMNS
    key_help = "检查编号：已有编号的行更新该检查记录"
    notes = ("同一检查组、同一检查日期的各行为一次出动；没有检查组的行各为一次出动。",)
    importers = services.CREATORS  # type: ignore[assignment]
    list_url = "inspections:list"

    def begin(self, actor: User, present: frozenset[str]) -> _Context:
        return _Context(actor=actor)

    def check_batch(self, ctx: _Context, rows: list[Row]) -> list[Planned]:
        actor = ctx.actor
        county_q = services.people_q(actor)
        # One query each for the batch's units, campaigns, groups, people and existing numbers.
        refs = {r.values["unit"] for r in rows if r.ok("unit")}
        codes = {uscc.normalise(x) for x in refs if len(uscc.normalise(x)) == 18}
        units = Unit.objects.filter(scope_q(actor, Unit.SCOPE)).filter(name__in=refs) | Unit.objects.filter(
            scope_q(actor, Unit.SCOPE)
        ).filter(credit_code__in=codes).exclude(credit_code="")
        by_name: dict[str, list[Unit]] = {}
        by_code: dict[str, Unit] = {}
        for u in units:
            by_name.setdefault(u.name, []).append(u)
            if u.credit_code:
                by_code[u.credit_code] = u
        campaign_names = {r.values["campaign"] for r in rows if r.ok("campaign") and r.values["campaign"]}
        campaigns = {c.name: c for c in Campaign.objects.filter(services.people_q(actor), name__in=campaign_names)}
        group_names = {r.values["group"] for r in rows if r.ok("group") and r.values["group"]} - set(ctx.groups)
        for g in InspectionGroup.objects.filter(county_q, name__in=group_names).order_by("id"):
            ctx.groups.setdefault(g.name, g)
        wanted = {n for r in rows for key in ("officials", "experts") if r.ok(key) for n in split_names(r.values[key])}
        wanted -= {n for _, n in ctx.people}
        for p in Person.objects.filter(county_q, name__in=wanted).order_by("id"):
            ctx.people.setdefault((p.kind, p.name), p)
        numbers = {r.values["number"] for r in rows if r.ok("number")}
        existing = {
            i.number: i
            for i in Inspection.objects.filter(number__in=numbers)
            .select_related("group", "campaign", "checklist", "follows")
            .prefetch_related("officials", "experts")
        }
        visible = set(
            Inspection.objects.filter(scope_q(actor, Inspection.SCOPE), number__in=numbers).values_list("pk", flat=True)
        )

        plans: list[Planned] = []
        for row in rows:
            v = row.values
            number = v.get("number", "")
            if row.ok("number"):
                if number in ctx.numbers:
                    row.error("检查编号", f"与第{ctx.numbers[number]}行的检查编号重复")
                ctx.numbers.setdefault(number, row.number)
            target = existing.get(number)
            if target is not None and target.pk not in visible:
                row.error("检查编号", "该检查记录已存在，且不在您的管辖范围内")
            unit = None
            if row.ok("unit"):
                ref = v["unit"]
                code = uscc.normalise(ref)
                unit = by_code.get(code)
                if unit is None:
                    same = by_name.get(ref, [])
                    if len(same) == 1:
                        unit = same[0]
                    elif same:
                        row.error("被检查单位", f"辖区内有 {len(same)} 个“{ref}”，请填写统一社会信用代码")
                    else:
                        row.error("被检查单位", f"“{ref}”不是您辖区内已登记的单位")
            campaign = None
            if v.get("campaign"):
                campaign = campaigns.get(v["campaign"])
                if campaign is None:
                    row.error("专项行动", f"专项行动“{v['campaign']}”不存在")
            if v.get("group") and v["group"] not in ctx.groups:
                ctx.groups[v["group"]] = None  # created when written
            for column, kind, key in PEOPLE_COLUMNS:
                for n in split_names(v.get(key, "")):
                    ctx.people.setdefault((kind, n), None)
                    if len(n) > 32:
                        row.error(column, f"姓名“{n[:10]}…”过长")
            if row.errors or unit is None or not row.ok("date") or not row.ok("kind"):
                continue
            payload = _Payload(
                number=number,
                unit=unit,
                kind=v["kind"],
                date=v["date"],
                group=v.get("group") or "",
                officials=split_names(v.get("officials", "")),
                experts=split_names(v.get("experts", "")),
                official_count=v.get("official_count") or 0,
                expert_count=v.get("expert_count") or 0,
                campaign=campaign,
                findings=v.get("findings") or "",
                target=target,
            )
            if target is None:
                plans.append(Planned(row.number, CREATE, payload))
            elif self._same(target, payload):
                plans.append(Planned(row.number, UNCHANGED))
            else:
                plans.append(Planned(row.number, UPDATE, payload))
        return plans

    def _same(self, target: Inspection, p: _Payload) -> bool:
        return (
            target.unit_id == p.unit.pk
            and target.kind == p.kind
            and target.date == p.date
            and (target.group.name if target.group else "") == p.group
            and sorted(x.name for x in target.officials.all()) == sorted(p.officials)
            and sorted(x.name for x in target.experts.all()) == sorted(p.experts)
            and target.official_count == (len(p.officials) or p.official_count)
            and target.expert_count == (len(p.experts) or p.expert_count)
            and target.campaign_id == (p.campaign.pk if p.campaign else None)
            and target.findings == p.findings
        )

    def notices(self, ctx: _Context) -> list[str]:
        out = []
        new_groups = [n for n, g in ctx.groups.items() if g is None]
        new_people = [n for (_, n), p in ctx.people.items() if p is None]
        if new_groups:
            out.append(f"将新建检查组：{'、'.join(new_groups)}")
        if new_people:
            out.append(f"将登记新人员：{'、'.join(new_people)}")
        return out

    def _group(self, ctx: _Context, name: str) -> InspectionGroup | None:
        if not name:
            return None
        group = ctx.groups.get(name)
        if group is None:
            group = services.group_create(actor=ctx.actor, data=services.GroupData(name=name))
            ctx.groups[name] = group
        return group

    def _person(self, ctx: _Context, kind: str, name: str) -> Person:
        person = ctx.people.get((kind, name))
        if person is None:
            # Experts imported by name only get the lowest level; an administrator corrects it.
            level = "county" if kind == PersonKind.EXPERT else ""
            person = services.person_create(
                actor=ctx.actor, data=services.PersonData(kind=kind, name=name, expert_level=level)
            )
            ctx.people[(kind, name)] = person
        return person

    def write(self, ctx: _Context, items: list[Planned], tick: Callable[[int], None]) -> list[RowError]:
        errors: list[RowError] = []
        for done, item in enumerate(items, start=1):
            p: _Payload = item.payload
            try:
                data = services.InspectionData(
                    unit=p.unit,
                    kind=p.kind,
                    date=p.date,
                    group=self._group(ctx, p.group),
                    officials=[self._person(ctx, PersonKind.OFFICIAL, n) for n in p.officials],
                    experts=[self._person(ctx, PersonKind.EXPERT, n) for n in p.experts],
                    official_count=p.official_count,
                    expert_count=p.expert_count,
                    campaign=p.campaign,
                    findings=p.findings,
                    number=p.number,
                )
                if p.target is None:
                    services.inspection_create(actor=ctx.actor, data=data)
                else:
                    data.checklist = p.target.checklist
                    data.follows = p.target.follows
                    services.inspection_update(actor=ctx.actor, inspection=p.target, data=data)
            except services.InspectionError as exc:
                errors.extend(RowError(item.row, "检查编号", m) for ms in exc.errors.values() for m in ms)
            except services.PermissionDenied as exc:
                errors.append(RowError(item.row, "检查编号", str(exc)))
            if done % 200 == 0:
                tick(done)
        tick(len(items))
        return errors

    def export_objects(self, user: User | None, params: dict[str, Any]) -> Iterable[Any]:
        assert user is not None
        return inspection_list(user, filters_from_params(params)).prefetch_related("officials", "experts")

    def example(self, user: User | None) -> dict[str, Any]:
        return {
            "number": "JC4306262026000001",
            "date": "2026-03-01",
            "kind": "专项检查",
            "group": "第一检查组",
            "unit": "平江县示例化工有限公司",
            "officials": "张三、李四",
            "official_count": "",
            "experts": "王五",
            "expert_count": "",
            "campaign": "",
            "findings": "发现一般隐患2处，已责令限期整改",
        }


register(InspectionLedger())
