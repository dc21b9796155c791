"""隐患台账: the hazard ledger's columns (ledgers.md) for import, export and the template.

Key: 隐患编号. A row with a number that exists updates that hazard; a row with a number that
does not exist creates a hazard under that number (a historical ledger's own numbering); a
row without a number is matched on (单位, 发现日期, 隐患描述) and otherwise created with a
number generated as the report service does (``YH{county}{year}{seq:06d}``). So re-importing
a file, with or without numbers, never duplicates a hazard.

Importing a historical ledger creates hazards already in a later state (整改中, 待验收,
已销号). They are not walked through the workflow after the fact; each gets one hash-chained
``import`` event that records the row's state and dates (``hazard_import``), so ``anjian
audit verify`` covers them like any reported hazard. For a hazard already in the system the
closed loop owns its state: the import updates only the descriptive columns (with an
``import_update`` event) and refuses a row whose state, dates, unit, level or 发现日期 differ.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from anjian.campaigns.models import Campaign
from anjian.campaigns.selectors import campaign_queryset
from anjian.core import audit, events, uscc
from anjian.core.models import Counter
from anjian.core.numbering import next_value
from anjian.core.scope import scope_q, scoped
from anjian.core.text import clean
from anjian.hazards import services as _services
from anjian.hazards.models import Hazard, HazardEvent, Level, Source, Status
from anjian.hazards.selectors import hazard_list
from anjian.inspections.models import Inspection
from anjian.ledgers.columns import Choice, Code, Column, Date, Number, Text
from anjian.ledgers.engine import CREATE, UNCHANGED, UPDATE, Ledger, Planned, Row, RowError
from anjian.ledgers.registry import register
from anjian.units.models import Unit

if TYPE_CHECKING:
    from anjian.accounts.models import Organization, User

# A number in the platform's own format: YH + county code + year + 6-digit sequence.
NUMBER_PATTERN = re.compile(r"YH(\d{6})(\d{4})(\d{6})")
CATEGORY_EXAMPLES = "消防安全、用电安全、特种设备、有限空间、危化品储存、安全管理"
MIN_DESCRIPTION = 4  # as services._validate_report
IMPORT_LABEL = _services.EVENT_LABELS["import"]
IMPORT_UPDATE_LABEL = _services.EVENT_LABELS["import_update"]
# The columns an import may change on a hazard that already exists; everything else there is
# the closed loop's (state, dates) or the hazard's identity (unit, level, 发现日期).
UPDATABLE = ("description", "category", "source", "inspection_ref", "measures", "responsible_person", "funds")
# Columns whose non-empty cell must agree with an existing hazard.
LOCKED = ("level", "found_on", "deadline", "rectified_on", "closed_on", "status")

LEVELS = {Level.GENERAL.label: Level.GENERAL, Level.MAJOR.label: Level.MAJOR}
SOURCES = {s.label: s for s in Source}
STATUSES = {s.label: s for s in Status}


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value is not None else ""


COLUMNS: list[Column] = [
    Column(
        "隐患编号",
        "number",
        Code(32),
        width=22,
        note="不填则自动生成（YH+县区划代码+年份+6位序号）；填写已有编号则更新该隐患",
    ),
    Column(
        "单位",
        "unit",
        Text(128),
        required=True,
        width=30,
        export=lambda h: h.unit.name,
        note="单位名称或统一社会信用代码，须是您辖区内已登记的单位；同名单位请填信用代码",
    ),
    Column("隐患描述", "description", Text(), required=True, width=40, note=f"至少{MIN_DESCRIPTION}个字"),
    Column("隐患等级", "level", Choice(LEVELS), required=True, width=10),
    Column("隐患类别", "category", Text(32), width=14, note=f"如 {CATEGORY_EXAMPLES}"),
    Column("发现日期", "found_on", Date(), required=True, width=12, note="不能晚于今天"),
    Column("发现方式", "source", Choice(SOURCES), width=12, note="不填为“检查”"),
    Column(
        "检查编号",
        "inspection_ref",
        Text(64),
        width=18,
        export=lambda h: h.inspection_ref or (h.inspection.number if h.inspection_id else ""),
        note="发现该隐患的检查；系统中已有该编号的检查记录时，须是该单位的检查，隐患随之关联该检查",
    ),
    Column(
        "专项行动",
        "campaign",
        Text(128),
        width=14,
        export=lambda h: h.campaign.name if h.campaign_id else "",
        note="须是系统中已登记、您可见的专项行动名称；关联检查属于某专项行动的，隐患也属于该专项行动",
    ),
    Column(
        "整改期限",
        "deadline",
        Date(),
        width=12,
        note="不早于发现日期；已整改的可不填（取整改完成日期或验收销号日期）",
    ),
    Column("整改措施", "measures", Text(), width=30),
    Column("整改责任人", "responsible_person", Text(32), width=12),
    Column(
        "整改资金(元)",
        "funds",
        Number(2, 0, Decimal("999999999999.99"), label="整改资金"),
        width=14,
        aliases=("整改资金",),
        note="单位：元",
    ),
    Column("整改完成日期", "rectified_on", Date(), width=12, note="单位报告整改完成的日期"),
    Column("验收销号日期", "closed_on", Date(), width=12, note="验收通过、销号的日期"),
    Column(
        "状态",
        "status",
        Choice(STATUSES),
        width=10,
        note="不填则按日期推定：有验收销号日期为已销号，有整改完成日期为待验收，否则为待认领",
    ),
]
HEADERS = {c.field: c.header for c in COLUMNS}


@dataclass
class ImportedHazard:
    """One valid row of a new hazard: what ``hazard_import`` writes."""

    row: int
    unit: Unit
    number: str  # "" = generate
    description: str
    level: str
    found_on: dt.date
    deadline: dt.date
    source: str
    status: str
    category: str = ""
    inspection_ref: str = ""
    measures: str = ""
    responsible_person: str = ""
    funds: Decimal | None = None
    rectified_on: dt.date | None = None
    closed_on: dt.date | None = None
    verifier: Organization | None = None
    inspection: Inspection | None = None
    campaign: Campaign | None = None


@dataclass
class _Context:
    actor: User
    today: dt.date
    numbers: dict[str, int] = field(default_factory=dict)  # number → first row with it
    natural: dict[tuple[int, dt.date, str], int] = field(default_factory=dict)  # natural key → row
    hazards: dict[int, int] = field(default_factory=dict)  # existing hazard pk → row
    unflagged_major: list[int] = field(default_factory=list)  # rows of 重大 hazards created without a criterion
    verifiers: dict[str, Organization | None] = field(default_factory=dict)
    inspections: dict[str, Inspection] = field(default_factory=dict)  # number → inspection in scope
    campaigns: dict[str, list[Campaign]] = field(default_factory=dict)  # name → visible campaigns

    def verifier(self, unit: Unit) -> Organization | None:
        """services._verifier_for, cached: it depends only on the unit's township here."""
        key = unit.region_code[:9]
        if key not in self.verifiers:
            self.verifiers[key] = _services._verifier_for(self.actor, unit)
        return self.verifiers[key]


# --- the write path: hazards created in a later state, with their event -------------------------


def _bump_counter(number: str) -> None:
    """Keep a generated number from ever repeating one that a ledger brought in.

    A historical number in the platform's own format (YH4306262023000042) is the 42nd of
    平江县 in 2023 only if the counter says so; move the counter past it.
    """
    match = NUMBER_PATTERN.fullmatch(number)
    if match is None:
        return
    county, year, seq = match.groups()
    key = f"hazard:{county}:{year}"
    Counter.objects.get_or_create(key=key)
    Counter.objects.filter(key=key, value__lt=int(seq)).update(value=int(seq))


def _record(hazard: Hazard, kind: str, label: str, actor: User, note: str, data: dict[str, Any]) -> events.ChainedEvent:
    event = events.append(
        HazardEvent,
        hazard,
        kind=kind,
        actor=actor,
        note=note,
        data=data,
        actor_name=actor.get_username() if actor.pk else (actor.full_name or actor.username),
    )
    audit.record(
        actor=actor if actor.pk else None,
        action=f"hazard.{kind}",
        obj=hazard,
        changes={"event": event.seq, "label": label},
        actor_name=event.actor_name,
    )
    return event


def hazard_import(*, actor: User, data: ImportedHazard) -> Hazard:
    """Create one hazard from a ledger row in the state the row gives, with its ``import`` event.

    Runs inside the caller's transaction (the engine's, for the whole file). The row has been
    checked by :class:`HazardLedger` against the report service's rules that apply to history.
    """
    unit = data.unit
    with transaction.atomic():
        if data.number:
            number = data.number
            _bump_counter(number)
        else:
            county = unit.region_code[:6]
            seq = next_value(f"hazard:{county}:{data.found_on.year}")
            number = f"YH{county}{data.found_on.year}{seq:06d}"
        hazard = Hazard.objects.create(
            number=number,
            unit=unit,
            region_code=unit.region_code,
            sector_id=unit.sector_id,
            grid_id=unit.grid_id,
            source=data.source,
            inspection_ref=data.inspection_ref,
            inspection=data.inspection,
            campaign=data.campaign,
            description=data.description,
            category=data.category,
            level=data.level,
            status=data.status,
            found_on=data.found_on,
            deadline=data.deadline,
            measures=data.measures,
            responsible_person=data.responsible_person,
            funds=data.funds,
            rectified_on=data.rectified_on,
            closed_on=data.closed_on,
            reported_by=actor if actor.pk else None,
            verifier_org=data.verifier,
        )
        _record(
            hazard,
            "import",
            IMPORT_LABEL,
            actor,
            f"由台账第{data.row}行导入",
            {
                "status": data.status,
                "level": data.level,
                "source": data.source,
                "found_on": data.found_on,
                "deadline": data.deadline,
                "rectified_on": data.rectified_on,
                "closed_on": data.closed_on,
                # The ledger has no column for it: a 重大 hazard comes in without its criterion.
                "criterion": None,
                "criterion_missing": data.level == Level.MAJOR,
            },
        )
    return hazard


def hazard_import_update(*, actor: User, hazard: Hazard, changes: dict[str, Any], row: int) -> Hazard:
    """Apply a ledger row's descriptive changes to an existing hazard, with an ``import_update`` event."""
    with transaction.atomic():
        hazard = Hazard.objects.select_for_update().get(pk=hazard.pk)
        before = {name: getattr(hazard, name) for name in changes}
        for name, value in changes.items():
            setattr(hazard, name, value)
        hazard.save(update_fields=[*changes, "updated_at"])
        _record(
            hazard,
            "import_update",
            IMPORT_UPDATE_LABEL,
            actor,
            f"按台账第{row}行更新",
            {"status": hazard.status, "changes": {n: [before[n], changes[n]] for n in changes}},
        )
    return hazard


# --- the ledger -----------------------------------------------------------------------------------


def _unit_key(text: str) -> str:
    """The credit code in ``text`` if it is a valid one, else ''."""
    code = "".join(clean(text).split()).upper()
    if len(code) != 18:
        return ""
    try:
        return uscc.validate(code)
    except uscc.CreditCodeError:
        return ""


class HazardLedger(Ledger):
    name = "hazards"
    title = "隐患台账"
    columns = COLUMNS
    key_help = (
        "有隐患编号的按编号匹配已有隐患；没有编号的按 单位 + 发现日期 + 隐患描述 匹配，"
        "匹配不到则新建并自动编号。因此同一文件重复导入不会产生重复隐患"
    )
    notes = (
        "表头必须在第一行（其上可有标题行），列的顺序不限，带 * 的列必填，未识别的列会被忽略。",
        "整个文件要么全部导入，要么一行都不导入：任何一行有错，系统会列出所有错误行，不写入任何数据。",
        "历史隐患按所填状态和日期导入（如已销号的隐患直接为已销号），每条隐患记一条“台账导入”事件，纳入防篡改的事件链。",
        "系统中已有的隐患只更新 隐患描述、隐患类别、发现方式、检查编号、整改措施、整改责任人、整改资金；"
        "其单位、等级、发现日期、整改期限、整改完成日期、验收销号日期和状态须在隐患流程中办理，文件中填写且与系统不同的，该行报错。",
        "重大隐患须在导入后到隐患页面补选所符合的重大事故隐患判定标准条款（本台账没有该列）。",
        "只能导入本辖区内单位的隐患。",
    )

    @property  # type: ignore[misc]
    def list_url(self) -> str:  # type: ignore[override]
        """The hazard list, linked after an import, once its URL exists (another part of issue 3)."""
        try:
            reverse("hazards:list")
        except NoReverseMatch:
            return ""
        return "hazards:list"

    # --- import ------------------------------------------------------------------------
    def begin(self, actor: User, present: frozenset[str]) -> _Context:
        return _Context(actor=actor, today=timezone.localdate())

    def notices(self, ctx: _Context | None) -> list[str]:
        """Notices for the import report (rows accepted with something to follow up)."""
        if ctx is None or not ctx.unflagged_major:
            return []
        rows = "、".join(str(n) for n in ctx.unflagged_major[:50])
        more = f"等{len(ctx.unflagged_major)}行" if len(ctx.unflagged_major) > 50 else "行"
        return [
            f"第{rows}{more}为重大隐患，台账中没有判定标准列：导入后请在隐患页面补选所符合的重大事故隐患判定标准条款"
        ]

    def check_batch(self, ctx: _Context, rows: list[Row]) -> list[Planned]:
        actor = ctx.actor
        # Existing hazards named by number, and which of them the importer may see.
        numbers = {r.values["number"] for r in rows if r.ok("number") and r.values["number"]}
        named = Hazard.objects.filter(number__in=numbers).select_related("unit", "inspection")
        by_number = {h.number: h for h in named}
        visible = set(
            scoped(actor, Hazard.objects.filter(pk__in=[h.pk for h in by_number.values()])).values_list("pk", flat=True)
        )

        # Units named by the rows: by credit code when the cell is one, else by exact name.
        texts = {r.values["unit"] for r in rows if r.ok("unit")}
        codes = {k for k in (_unit_key(t) for t in texts) if k}
        names = {t for t in texts if not _unit_key(t)}
        candidates = list(Unit.objects.filter(credit_code__in=codes).exclude(credit_code=""))
        candidates += list(Unit.objects.filter(name__in=names))
        by_code = {u.credit_code: u for u in candidates if u.credit_code}
        by_name: dict[str, list[Unit]] = {}
        for candidate in {u.pk: u for u in candidates}.values():
            if candidate.name in names:
                by_name.setdefault(candidate.name, []).append(candidate)
        in_scope = set(
            Unit.objects.filter(scope_q(actor, Unit.SCOPE), pk__in=[u.pk for u in candidates]).values_list(
                "pk", flat=True
            )
        )

        # Inspections named by 检查编号 that the importer can see, and campaigns named by 专项行动.
        refs = {r.values["inspection_ref"] for r in rows if r.ok("inspection_ref") and r.values["inspection_ref"]}
        if refs:
            found_inspections = scoped(actor, Inspection.objects.filter(number__in=refs)).select_related("campaign")
            ctx.inspections.update({i.number: i for i in found_inspections})
        campaign_names = {r.values["campaign"] for r in rows if r.ok("campaign") and r.values["campaign"]}
        if campaign_names:
            for campaign in campaign_queryset(actor).filter(name__in=campaign_names):
                ctx.campaigns.setdefault(campaign.name, []).append(campaign)

        resolved: list[tuple[Row, Hazard | None, Unit | None]] = []
        for row in rows:
            existing = None
            number = row.values.get("number", "") if row.ok("number") else ""
            if number:
                existing = by_number.get(number)
                if existing is not None and existing.pk not in visible:
                    row.error("隐患编号", "该编号的隐患已存在，且不在您的管辖范围内", "number")
                    existing = None
            unit = self._unit(row, existing, by_code, by_name, in_scope) if row.ok("unit") else None
            resolved.append((row, existing, unit))

        # Rows without a number: the hazard they may already be, by (unit, 发现日期, 描述).
        keys = [
            (u.pk, r.values["found_on"], r.values["description"])
            for r, e, u in resolved
            if e is None and u is not None and not r.values.get("number") and r.ok("found_on") and r.ok("description")
        ]
        by_natural: dict[tuple[int, dt.date, str], list[Hazard]] = {}
        if keys:
            found = Hazard.objects.filter(
                unit_id__in={k[0] for k in keys}, found_on__in={k[1] for k in keys}
            ).select_related("unit", "inspection")
            wanted = set(keys)
            for hazard in found:
                found_key = (hazard.unit_id, hazard.found_on, hazard.description)
                if found_key in wanted:
                    by_natural.setdefault(found_key, []).append(hazard)
            natural_ids = [h.pk for hs in by_natural.values() for h in hs]
            visible |= set(scoped(actor, Hazard.objects.filter(pk__in=natural_ids)).values_list("pk", flat=True))

        plans: list[Planned] = []
        for row, existing, unit in resolved:
            if existing is None and unit is not None and not row.values.get("number"):
                matches = by_natural.get((unit.pk, row.values.get("found_on"), row.values.get("description")), [])  # type: ignore[arg-type]
                if len(matches) > 1:
                    row.error("隐患编号", f"系统中有{len(matches)}条单位、发现日期和描述都相同的隐患，请填写隐患编号")
                elif matches:
                    existing = matches[0]
                    if existing.pk not in visible:
                        row.error("隐患描述", "系统中的同一隐患不在您的管辖范围内")
                        existing = None
            plan = self._check_row(ctx, row, existing, unit)
            if plan is not None and not row.errors:
                plans.append(plan)
        return plans

    def _unit(
        self,
        row: Row,
        existing: Hazard | None,
        by_code: dict[str, Unit],
        by_name: dict[str, list[Unit]],
        in_scope: set[int],
    ) -> Unit | None:
        text = row.values["unit"]
        header = HEADERS["unit"]
        if existing is not None and text in (existing.unit.name, existing.unit.credit_code):
            # The hazard's own unit, named as the export writes it: no need to resolve the name
            # county-wide (two townships may have units of the same name).
            return existing.unit
        code = _unit_key(text)
        if code:
            unit = by_code.get(code)
            if unit is None:
                row.error(header, f"系统中没有统一社会信用代码为 {code} 的单位，请先在单位台账中登记", "unit")
                return None
            if unit.pk not in in_scope:
                row.error(header, "该单位不在您的管辖范围内", "unit")
                return None
            return unit
        units = by_name.get(text, [])
        mine = [u for u in units if u.pk in in_scope]
        if len(mine) == 1:
            return mine[0]
        if len(mine) > 1:
            row.error(header, f"辖区内有{len(mine)}个名为“{text}”的单位，请改填统一社会信用代码", "unit")
        elif units:
            row.error(header, "该单位不在您的管辖范围内", "unit")
        else:
            row.error(header, f"系统中没有名为“{text}”的单位，请先在单位台账中登记", "unit")
        return None

    def _check_row(self, ctx: _Context, row: Row, existing: Hazard | None, unit: Unit | None) -> Planned | None:
        values = row.values
        number = values.get("number", "") if row.ok("number") else ""
        # Twice in the same file: report the later row, naming the earlier one.
        repeated = False
        if number:
            if number in ctx.numbers:
                row.error(HEADERS["number"], f"与第{ctx.numbers[number]}行的隐患编号重复")
                repeated = True
            ctx.numbers.setdefault(number, row.number)
        elif unit is not None and row.ok("found_on") and row.ok("description"):
            key = (unit.pk, values["found_on"], values["description"])
            if key in ctx.natural:
                row.error(HEADERS["description"], f"与第{ctx.natural[key]}行重复（单位、发现日期和隐患描述都相同）")
            ctx.natural.setdefault(key, row.number)
        if existing is not None:
            if existing.pk in ctx.hazards and not repeated:
                row.error(HEADERS["number"], f"与第{ctx.hazards[existing.pk]}行是同一隐患")
            ctx.hazards.setdefault(existing.pk, row.number)

        if row.ok("description") and len(values["description"]) < MIN_DESCRIPTION:
            row.error(HEADERS["description"], f"请描述隐患（至少{MIN_DESCRIPTION}个字）")
        inspection = self._inspection(ctx, row, unit)
        campaign = self._campaign(ctx, row, unit)
        dates = self._check_dates(ctx, row)
        if unit is None or dates is None or row.errors:
            return None
        status, deadline = dates

        if existing is not None:
            return self._check_existing(row, existing, unit, inspection, campaign)
        if not unit.is_active and status != Status.CLOSED:
            row.error(HEADERS["unit"], "该单位已注销，只能导入已销号的隐患")
            return None
        if values["level"] == Level.MAJOR:
            ctx.unflagged_major.append(row.number)
        return Planned(
            row.number,
            CREATE,
            ImportedHazard(
                row=row.number,
                unit=unit,
                number=number,
                description=values["description"],
                level=values["level"],
                found_on=values["found_on"],
                deadline=deadline,
                source=values.get("source") or Source.INSPECTION,
                status=status,
                category=values.get("category", ""),
                inspection_ref=values.get("inspection_ref", ""),
                measures=values.get("measures", ""),
                responsible_person=values.get("responsible_person", ""),
                funds=values.get("funds"),
                rectified_on=values.get("rectified_on"),
                closed_on=values.get("closed_on"),
                verifier=ctx.verifier(unit),
                inspection=inspection,
                # A hazard found by an inspection of a campaign belongs to it anyway (ledgers.md).
                campaign=campaign or (inspection.campaign if inspection is not None else None),
            ),
        )

    def _inspection(self, ctx: _Context, row: Row, unit: Unit | None) -> Inspection | None:
        """The inspection a 检查编号 names, when it is one the importer can see (else the text stays text).

        An inspection of another unit is an error: the hazard would be linked to the wrong record.
        """
        ref = row.values.get("inspection_ref", "") if row.ok("inspection_ref") else ""
        inspection = ctx.inspections.get(ref) if ref else None
        if inspection is None or unit is None:
            return None
        if inspection.unit_id != unit.pk:
            row.error(HEADERS["inspection_ref"], f"检查编号 {ref} 不是该单位的检查记录", "inspection_ref")
            return None
        return inspection

    def _campaign(self, ctx: _Context, row: Row, unit: Unit | None) -> Campaign | None:
        """The visible campaign a 专项行动 cell names; the one nearest the unit when several share the name."""
        name = row.values.get("campaign", "") if row.ok("campaign") else ""
        if not name:
            return None
        header = HEADERS["campaign"]
        found = ctx.campaigns.get(name, [])
        if not found:
            row.error(header, f"专项行动“{name}”不存在或不在您的管辖范围内，请先登记该专项行动", "campaign")
            return None
        if len(found) > 1 and unit is not None:
            # A township's campaign of that name before the county's: the unit's own region wins.
            def depth(c: Campaign) -> int:
                return len(c.region_code.rstrip("0")) if unit.region_code.startswith(c.region_code.rstrip("0")) else -1

            best = max(depth(c) for c in found)
            found = [c for c in found if depth(c) == best] if best >= 0 else found
        if len(found) > 1:
            row.error(header, f"有{len(found)}个名为“{name}”的专项行动，无法确定是哪一个", "campaign")
            return None
        return found[0]

    def _check_dates(self, ctx: _Context, row: Row) -> tuple[str, dt.date] | None:
        """The row's state and deadline after the date rules, or None (errors added)."""
        values = row.values
        if row.bad & {"found_on", "deadline", "rectified_on", "closed_on", "status"}:
            return None
        found = values.get("found_on")
        deadline = values.get("deadline")
        rectified = values.get("rectified_on")
        closed = values.get("closed_on")
        today = ctx.today
        errors_before = len(row.errors)
        if found is not None and found > today:
            row.error(HEADERS["found_on"], "发现日期不能晚于今天")
        if found is not None and deadline is not None and deadline < found:
            row.error(HEADERS["deadline"], "整改期限不能早于发现日期")
        if rectified is not None:
            if found is not None and rectified < found:
                row.error(HEADERS["rectified_on"], "整改完成日期不能早于发现日期")
            if rectified > today:
                row.error(HEADERS["rectified_on"], "整改完成日期不能晚于今天")
        if closed is not None:
            if closed > today:
                row.error(HEADERS["closed_on"], "验收销号日期不能晚于今天")
            if rectified is not None and closed < rectified:
                row.error(HEADERS["closed_on"], "验收销号日期不能早于整改完成日期")
            elif found is not None and closed < found:
                row.error(HEADERS["closed_on"], "验收销号日期不能早于发现日期")

        derived = Status.CLOSED if closed else Status.SUBMITTED if rectified else Status.REPORTED
        status = values.get("status") or derived
        header = HEADERS["status"]
        if status == Status.CLOSED and closed is None:
            row.error(header, "已销号的隐患须填写验收销号日期")
        elif status != Status.CLOSED and closed is not None:
            row.error(header, f"“{Status(status).label}”的隐患不应有验收销号日期")
        elif status == Status.SUBMITTED and rectified is None:
            row.error(header, "待验收的隐患须填写整改完成日期")
        elif status in (Status.REPORTED, Status.RECTIFYING) and rectified is not None:
            row.error(header, f"“{Status(status).label}”的隐患不应有整改完成日期")
        if deadline is None:
            # A rectified hazard's deadline evidently was met; an open one needs a real deadline.
            deadline = rectified or closed
            if deadline is None and "deadline" in values:
                row.error(HEADERS["deadline"], "未整改完成的隐患须填写整改期限")
            elif deadline is None:
                row.error(HEADERS["deadline"], "未整改完成的隐患须填写整改期限（文件中没有该列）")
        if len(row.errors) > errors_before or found is None or deadline is None:
            return None
        return str(status), deadline

    def _check_existing(
        self,
        row: Row,
        existing: Hazard,
        unit: Unit,
        inspection: Inspection | None = None,
        campaign: Campaign | None = None,
    ) -> Planned | None:
        values = row.values
        if unit.pk != existing.unit_id:
            row.error(HEADERS["unit"], f"与系统中该隐患的单位（{existing.unit.name}）不符，单位不能通过导入修改")
        for name in LOCKED:
            given = values.get(name)
            if name == "status" and not given:
                continue  # an empty 状态 cell is derived from the dates, which are compared themselves
            if given in (None, ""):
                continue
            current = getattr(existing, name)
            if given != current:
                shown = (
                    _date(current)
                    if isinstance(current, dt.date) or current is None
                    else self.column(name).parse.format(current)
                )
                row.error(
                    HEADERS[name],
                    f"与系统记录不符（系统为“{shown or '空'}”）："
                    f"已有隐患的{HEADERS[name]}须在隐患流程中办理，不能通过导入修改",
                )
        if row.errors:
            return None
        changes: dict[str, Any] = {}
        for name in UPDATABLE:
            if name not in values:
                continue  # a column the file does not have keeps its value
            value = values[name]
            if name == "source" and not value:
                continue  # an empty 发现方式 means "not given", not "检查"
            if getattr(existing, name) != value:
                changes[name] = value
        # Links by id (the event records ids): a 检查编号 that names a known inspection links it; an
        # empty 专项行动 cell keeps the hazard's campaign.
        linked = existing.inspection.number if existing.inspection_id else ""  # type: ignore[union-attr]
        if changes.get("inspection_ref") and changes["inspection_ref"] == linked and not existing.inspection_ref:
            del changes["inspection_ref"]  # the export writes the linked inspection's number
        if inspection is not None and existing.inspection_id != inspection.pk:
            changes["inspection_id"] = inspection.pk
        elif inspection is None and "inspection_ref" in values and linked and values["inspection_ref"] != linked:
            changes["inspection_id"] = None
        if campaign is None and inspection is not None and existing.campaign_id is None:
            campaign = inspection.campaign
        if campaign is not None and existing.campaign_id != campaign.pk:
            changes["campaign_id"] = campaign.pk
        if not changes:
            return Planned(row.number, UNCHANGED)
        return Planned(row.number, UPDATE, (existing, changes))

    def write(self, ctx: _Context, items: list[Planned], tick: Callable[[int], None]) -> list[RowError]:
        errors: list[RowError] = []
        for done, item in enumerate(items, start=1):
            try:
                with transaction.atomic():
                    if item.action == CREATE:
                        hazard_import(actor=ctx.actor, data=item.payload)
                    else:
                        hazard, changes = item.payload
                        hazard_import_update(actor=ctx.actor, hazard=hazard, changes=changes, row=item.row)
            except IntegrityError:
                # Someone took the number between the check and the write.
                errors.append(RowError(item.row, HEADERS["number"], "写入时发现该隐患编号已被使用，请重新预检"))
            if done % 200 == 0:
                tick(done)
        tick(len(items))
        return errors

    # --- export and template -----------------------------------------------------------
    def export_objects(self, user: User | None, params: dict[str, Any]) -> Iterable[Any]:
        from anjian.hazards.filters import filters_from_params

        assert user is not None
        qs = hazard_list(user, filters_from_params(params)).select_related("inspection", "campaign")
        return qs.order_by("found_on", "id").iterator(chunk_size=2000)

    def example(self, user: User | None) -> dict[str, Any]:
        today = timezone.localdate()
        unit = None
        if user is not None:
            unit = Unit.objects.filter(scope_q(user, Unit.SCOPE), is_active=True).order_by("region_code", "id").first()
        found = today - dt.timedelta(days=3)
        return {
            "number": "",
            "unit": unit.name if unit is not None else "平江县示例化工有限公司",
            "description": "仓库消防通道堆放杂物，堵塞疏散通道",
            "level": Level.GENERAL.label,
            "category": "消防安全",
            "found_on": found,
            "source": Source.INSPECTION.label,
            "inspection_ref": "",
            "campaign": "",
            "deadline": found + dt.timedelta(days=7),
            "measures": "清理杂物，设置禁止堆放标识",
            "responsible_person": "张三",
            "funds": 500,
            "rectified_on": "",
            "closed_on": "",
            "status": "",
        }


register(HazardLedger())
