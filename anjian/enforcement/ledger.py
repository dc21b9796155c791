"""执法记录 and 约谈曝光: the enforcement ledgers of ledgers.md for import, export and the template.

执法记录 — key 文书编号: a row whose number exists updates that action's descriptive columns,
otherwise it creates the action. 罚款金额 is in 元, or in 万元 when the header says so
(``罚款金额(万元)``), and only for 行政处罚. 约谈曝光 — key 编号; 单位 names one or more units
separated by 、.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction

from anjian.campaigns.models import Campaign
from anjian.core import uscc
from anjian.core.scope import scope_q, scoped
from anjian.core.text import clean
from anjian.enforcement import services
from anjian.enforcement.filters import action_filters, filtered_actions, filtered_interviews, interview_filters
from anjian.enforcement.models import ActionKind, EnforcementAction, Interview, InterviewKind
from anjian.enforcement.selectors import action_list, interview_list
from anjian.inspections.models import Inspection
from anjian.ledgers.columns import Choice, Code, Column, Date, Integer, Number, Text, normalise_header
from anjian.ledgers.engine import CREATE, UNCHANGED, UPDATE, Ledger, Planned, Row, RowError
from anjian.ledgers.registry import register
from anjian.units.models import Unit

if TYPE_CHECKING:
    from anjian.accounts.models import User

KINDS = {k.label: k for k in ActionKind}
INTERVIEW_KINDS = {k.label: k for k in InterviewKind}
TEN_THOUSAND = Decimal(10000)
MAX_FINE = Decimal("999999999999.99")
UNIT_NOTE = "单位名称或统一社会信用代码，须是您辖区内已登记的单位"


def _unit_key(text: str) -> str:
    code = "".join(clean(text).split()).upper()
    if len(code) != 18:
        return ""
    try:
        return uscc.validate(code)
    except uscc.CreditCodeError:
        return ""


class _Units:
    """Units named by rows (credit code or exact name), resolved once per batch within scope."""

    def __init__(self, actor: User, texts: set[str]) -> None:
        codes = {k for k in (_unit_key(t) for t in texts) if k}
        names = {t for t in texts if not _unit_key(t)}
        visible = Unit.objects.filter(scope_q(actor, Unit.SCOPE))
        self.by_code = {u.credit_code: u for u in visible.filter(credit_code__in=codes).exclude(credit_code="")}
        self.by_name: dict[str, list[Unit]] = {}
        for unit in visible.filter(name__in=names):
            self.by_name.setdefault(unit.name, []).append(unit)

    def get(self, text: str) -> tuple[Unit | None, str]:
        code = _unit_key(text)
        if code:
            unit = self.by_code.get(code)
            return (unit, "") if unit else (None, f"找不到信用代码为 {code} 的单位（或不在您的管辖范围内）")
        found = self.by_name.get(text, [])
        if len(found) > 1:
            return None, f"有{len(found)}个名为“{text}”的单位，请填写统一社会信用代码"
        if not found:
            return None, f"找不到单位“{text}”（须是您辖区内已登记的单位）"
        return found[0], ""


def _campaign(actor: User, name: str) -> Campaign | None:
    return scoped(actor, Campaign.objects.filter(name=name)).first()


# --- 执法记录 -------------------------------------------------------------------------------------

ACTION_COLUMNS: list[Column] = [
    Column("文书编号", "number", Code(64), required=True, width=24, note="同一编号再次导入则更新该记录"),
    Column("单位", "unit", Text(128), required=True, width=30, export=lambda a: a.unit.name, note=UNIT_NOTE),
    Column("措施类型", "kind", Choice(KINDS), required=True, width=14),
    Column("日期", "date", Date(), required=True, width=12),
    Column(
        "罚款金额(元)",
        "fine",
        Number(2, 0, MAX_FINE, label="罚款金额"),
        width=14,
        aliases=("罚款金额", "罚款金额（元）", "罚款(元)"),
        export=lambda a: float(a.fine_current) if a.fine_current is not None else "",
        note="单位：元；表头写“罚款金额(万元)”时按万元计。只有行政处罚填写",
    ),
    Column("检查编号", "inspection", Text(64), width=18, export=lambda a: a.inspection.number if a.inspection else ""),
    Column("专项行动", "campaign", Text(128), width=16, export=lambda a: a.campaign.name if a.campaign else ""),
    Column("案由", "cause", Text(), width=40),
]
# Read only: the same amount in 万元 (many county ledgers keep fines in 万元).
FINE_WAN = Column(
    "罚款金额(万元)",
    "fine_wan",
    Number(6, 0, MAX_FINE / TEN_THOUSAND, label="罚款金额"),
    aliases=("罚款金额（万元）", "罚款(万元)"),
)
ACTION_HEADERS = {c.field: c.header for c in ACTION_COLUMNS}


@dataclass
class _Ctx:
    actor: User
    seen: dict[str, int] = field(default_factory=dict)


class EnforcementLedger(Ledger):
    name = "enforcement"
    title = "执法记录"
    columns = ACTION_COLUMNS
    importers = services.ENFORCERS
    key_help = "按文书编号匹配：已有的更新其日期、案由、检查编号、专项行动，没有的新建"
    notes = (
        "表头必须在第一行（其上可有标题行），列的顺序不限，带 * 的列必填。",
        "整个文件要么全部导入，要么一行都不导入：任何一行有错，不写入任何数据。",
        "罚款金额默认单位为元；表头写作“罚款金额(万元)”时按万元计。只有措施类型为行政处罚的才能填写。",
        "已有记录的单位、措施类型和罚款金额不能通过导入修改（罚款变更请在执法记录页面登记复议、诉讼等）。",
    )

    def header_index(self) -> dict[str, Column]:
        index = super().header_index()
        for name in (FINE_WAN.header, *FINE_WAN.aliases):
            index[normalise_header(name)] = FINE_WAN
        return index

    def begin(self, actor: User, present: frozenset[str]) -> _Ctx:
        return _Ctx(actor=actor)

    def check_batch(self, ctx: _Ctx, rows: list[Row]) -> list[Planned]:
        actor = ctx.actor
        units = _Units(actor, {r.values["unit"] for r in rows if r.ok("unit")})
        numbers = {r.values["number"] for r in rows if r.ok("number")}
        existing = {a.number: a for a in EnforcementAction.objects.filter(number__in=numbers)}
        visible = set(action_list(actor).filter(number__in=numbers).values_list("number", flat=True))
        refs = {r.values["inspection"] for r in rows if r.ok("inspection") and r.values["inspection"]}
        inspections = {i.number: i for i in scoped(actor, Inspection.objects.filter(number__in=refs))}
        plans: list[Planned] = []
        for row in rows:
            unit = None
            if row.ok("unit"):
                unit, problem = units.get(row.values["unit"])
                if problem:
                    row.error(ACTION_HEADERS["unit"], problem, "unit")
            fine = row.values.get("fine") if row.ok("fine") else None
            if row.ok("fine_wan") and row.values.get("fine_wan") is not None:
                if fine is not None:
                    row.error(FINE_WAN.header, "罚款金额(元)与罚款金额(万元)只能填一列", "fine_wan")
                fine = (row.values["fine_wan"] * TEN_THOUSAND).quantize(Decimal("0.01"))
            kind = row.values.get("kind") if row.ok("kind") else None
            if fine is not None and kind is not None and kind != ActionKind.PENALTY:
                row.error(ACTION_HEADERS["fine"], "只有行政处罚才能填写罚款金额", "fine")
            inspection = None
            ref = row.values.get("inspection", "") if row.ok("inspection") else ""
            if ref:
                inspection = inspections.get(ref)
                if inspection is None:
                    row.error(ACTION_HEADERS["inspection"], f"找不到检查记录 {ref}", "inspection")
                elif unit is not None and inspection.unit_id != unit.pk:
                    row.error(ACTION_HEADERS["inspection"], "检查记录不属于该单位", "inspection")
            campaign = None
            name = row.values.get("campaign", "") if row.ok("campaign") else ""
            if name:
                campaign = _campaign(actor, name)
                if campaign is None:
                    row.error(ACTION_HEADERS["campaign"], f"找不到专项行动“{name}”", "campaign")
            number = row.values.get("number", "") if row.ok("number") else ""
            if number:
                if number in ctx.seen:
                    row.error(ACTION_HEADERS["number"], f"与第{ctx.seen[number]}行的文书编号重复", "number")
                ctx.seen.setdefault(number, row.number)
                if number in existing and number not in visible:
                    row.error(ACTION_HEADERS["number"], "该文书编号已被使用，且不在您的管辖范围内", "number")
            if row.errors or unit is None or kind is None:
                continue
            data = services.ActionData(
                unit=unit,
                kind=kind,
                date=row.values["date"],
                number=number,
                inspection=inspection,
                campaign=campaign,
                cause=row.values.get("cause", "") or "",
                fine=fine,
            )
            current = existing.get(number)
            if current is None:
                errors = services.action_validate(actor, data)
                action = CREATE
            else:
                errors = {}
                if (current.unit_id, current.kind) != (unit.pk, kind):
                    errors["kind"] = ["已有执法记录的单位和措施类型不能修改"]
                if fine is not None and fine != current.fine_current:
                    errors["fine"] = ["罚款金额须在执法记录页面登记变更"]
                same = (current.date, current.cause, current.inspection_id, current.campaign_id) == (
                    data.date,
                    clean(data.cause),
                    inspection.pk if inspection else None,
                    campaign.pk if campaign else None,
                )
                action = UNCHANGED if same else UPDATE
                data.legal_basis = current.legal_basis
            for name_, messages in errors.items():
                for message in messages:
                    row.error(ACTION_HEADERS.get(name_, ""), message)
            if not row.errors:
                plans.append(Planned(row.number, action, (current, data)))
        return plans

    def write(self, ctx: _Ctx, items: list[Planned], tick: Callable[[int], None]) -> list[RowError]:
        errors: list[RowError] = []
        for done, item in enumerate(items, start=1):
            current, data = item.payload
            try:
                with transaction.atomic():
                    if item.action == CREATE:
                        services.action_create(actor=ctx.actor, data=data)
                    elif item.action == UPDATE:
                        services.action_update(actor=ctx.actor, action=current, data=data)
            except services.EnforcementError as exc:
                errors.append(RowError(item.row, "", str(exc)))
            except IntegrityError:
                errors.append(RowError(item.row, ACTION_HEADERS["number"], "写入时发现该文书编号已被使用，请重新预检"))
            tick(done)
        return errors

    def export_objects(self, user: User | None, params: dict[str, Any]) -> Iterable[Any]:
        assert user is not None
        # The list page's filters (kind, dates, unit, campaign, search): "导出台账" exports what is shown.
        return filtered_actions(user, action_filters(params)).select_related("inspection").order_by("date", "id")

    def example(self, user: User | None) -> dict[str, Any]:
        return {
            "number": "平应急罚〔2026〕1号",
            "unit": "平江县示例化工有限公司",
            "kind": ActionKind.PENALTY.label,
            "date": "2026-03-02",
            "fine": 30000,
            "inspection": "",
            "campaign": "",
            "cause": "未按规定对重大危险源进行监测监控",
        }


# --- 约谈曝光 -------------------------------------------------------------------------------------

INTERVIEW_COLUMNS: list[Column] = [
    Column("编号", "number", Code(64), required=True, width=20),
    Column("类型", "kind", Choice(INTERVIEW_KINDS), required=True, width=12),
    Column("日期", "date", Date(), required=True, width=12),
    Column(
        "单位",
        "units",
        Text(),
        required=True,
        width=40,
        export=lambda i: "、".join(u.name for u in i.units.all()),
        note="一个或多个单位，用“、”分隔；" + UNIT_NOTE,
    ),
    Column("人数", "persons", Integer(0, 10000), width=8, note="被约谈人数"),
    Column("事由", "reason", Text(), width=40),
]
INTERVIEW_HEADERS = {c.field: c.header for c in INTERVIEW_COLUMNS}


class InterviewLedger(Ledger):
    name = "interviews"
    title = "约谈曝光"
    columns = INTERVIEW_COLUMNS
    importers = services.ENFORCERS
    key_help = "按编号匹配：已有的更新，没有的新建"
    notes = (
        "表头必须在第一行（其上可有标题行），列的顺序不限，带 * 的列必填。",
        "整个文件要么全部导入，要么一行都不导入：任何一行有错，不写入任何数据。",
        "单位一栏可填多个单位，用顿号“、”分隔，须都是您辖区内已登记的单位。",
    )

    def begin(self, actor: User, present: frozenset[str]) -> _Ctx:
        return _Ctx(actor=actor)

    def check_batch(self, ctx: _Ctx, rows: list[Row]) -> list[Planned]:
        actor = ctx.actor

        def split(text: str) -> list[str]:
            return [clean(p) for p in text.replace("，", "、").split("、") if clean(p)]

        units = _Units(actor, {n for r in rows if r.ok("units") for n in split(r.values["units"])})
        numbers = {r.values["number"] for r in rows if r.ok("number")}
        existing = {i.number: i for i in Interview.objects.filter(number__in=numbers).prefetch_related("units")}
        visible = set(interview_list(actor).filter(number__in=numbers).values_list("number", flat=True))
        plans: list[Planned] = []
        for row in rows:
            named: list[Unit] = []
            if row.ok("units"):
                for text in split(row.values["units"]):
                    unit, problem = units.get(text)
                    if problem:
                        row.error(INTERVIEW_HEADERS["units"], problem, "units")
                    elif unit is not None and unit not in named:
                        named.append(unit)
            number = row.values.get("number", "") if row.ok("number") else ""
            if number in ctx.seen:
                row.error(INTERVIEW_HEADERS["number"], f"与第{ctx.seen[number]}行的编号重复", "number")
            ctx.seen.setdefault(number, row.number)
            if number in existing and number not in visible:
                row.error(INTERVIEW_HEADERS["number"], "该编号已被使用，且不在您的管辖范围内", "number")
            if row.errors:
                continue
            data = services.InterviewData(
                kind=row.values["kind"],
                date=row.values["date"],
                units=named,
                number=number,
                persons=row.values.get("persons") or 0,
                reason=row.values.get("reason", "") or "",
            )
            current = existing.get(number)
            errors = services.interview_validate(actor, data, instance=current)
            for name_, messages in errors.items():
                for message in messages:
                    row.error(INTERVIEW_HEADERS.get(name_, ""), message)
            if row.errors:
                continue
            if current is None:
                action = CREATE
            else:
                same = (
                    current.kind,
                    current.date,
                    current.persons,
                    current.reason,
                    {u.pk for u in current.units.all()},
                ) == (data.kind, data.date, data.persons, data.reason, {u.pk for u in named})
                action = UNCHANGED if same else UPDATE
            plans.append(Planned(row.number, action, (current, data)))
        return plans

    def write(self, ctx: _Ctx, items: list[Planned], tick: Callable[[int], None]) -> list[RowError]:
        errors: list[RowError] = []
        for done, item in enumerate(items, start=1):
            current, data = item.payload
            try:
                with transaction.atomic():
                    if item.action == CREATE:
                        services.interview_create(actor=ctx.actor, data=data)
                    elif item.action == UPDATE:
                        services.interview_update(actor=ctx.actor, interview=current, data=data)
            except services.EnforcementError as exc:
                errors.append(RowError(item.row, "", str(exc)))
            except IntegrityError:
                errors.append(RowError(item.row, INTERVIEW_HEADERS["number"], "写入时发现该编号已被使用，请重新预检"))
            tick(done)
        return errors

    def export_objects(self, user: User | None, params: dict[str, Any]) -> Iterable[Any]:
        assert user is not None
        return filtered_interviews(user, interview_filters(params)).order_by("date", "id")

    def example(self, user: User | None) -> dict[str, Any]:
        return {
            "number": "YT2026001",
            "kind": InterviewKind.INTERVIEW.label,
            "date": "2026-03-10",
            "units": "平江县示例化工有限公司、平江县示例建筑有限公司",
            "persons": 2,
            "reason": "一个月内两次发现重大事故隐患",
        }


register(EnforcementLedger())
register(InterviewLedger())
