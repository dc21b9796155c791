"""Writes of the 双随机抽查 register: draw, publish; and the re-run that verifies a draw.

DOMAIN.md §3.5 (双随机、一公开): pick the units at random from the unit list (名录库), assign the
inspectors at random from the inspector list, publish the result; inspectors must differ between
draws. "⇒ anjian: seeded, reproducible draws with the seed, lists and result stored."

How a draw runs (docs/decisions.md, "双随机 draws"): the seed is ``secrets.token_hex(32)``, so
nobody picks it; ``random.Random`` is seeded with the SHA-256 of the seed's 64 hex characters;
``rng.sample(unit_pool, unit_target)`` picks the units, then for each drawn unit in drawn order
``rng.sample(eligible, inspectors_per_unit)`` its inspectors, where ``eligible`` is the inspector
pool (ascending ids) without the unit's ``excluded`` people (回避). Pools and exclusions are stored
with the result, so :func:`draw_recompute` re-runs the draw from the row alone.
"""

from __future__ import annotations

import hashlib
import json
import random
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from anjian.accounts.roles import Role
from anjian.core import audit
from anjian.core.models import AuditEntry
from anjian.core.numbering import next_value
from anjian.core.scope import region_prefix, scoped
from anjian.core.text import clean
from anjian.plans.capacity import (
    CapacityError,
    capacity,
    class_label,
    group_label,
    limit_for,
    limit_rule,
    plan_capacity,
)
from anjian.plans.models import (
    DAYS_PER_INSPECTION,
    KEY_SHARE,
    LEGAL_WORKDAYS,
    RISK_KEYS,
    AnnualPlan,
    AnnualPlanStatus,
    Draw,
    PlanItem,
    default_limits,
)
from anjian.plans.selectors import (
    PoolFilters,
    org_units,
    other_plans_of,
    plan_candidates,
    pool_inspectors,
    pool_units,
)
from anjian.units.models import RiskClass, Sector, Unit

if TYPE_CHECKING:
    from anjian.accounts.models import User

# Who draws and publishes: the offices that inspect (县级管理员, 部门监管员, 乡镇监管员).
DRAWERS = frozenset({Role.COUNTY_ADMIN, Role.DEPARTMENT, Role.TOWNSHIP})
# Who reads the draws: the drawers, and the read-only roles of the county (领导, 审计员, 系统管理员).
# Unit staff, grid workers and experts do not: a draw is planned before it is published.
DRAW_READERS = DRAWERS | frozenset({Role.LEADER, Role.AUDITOR, Role.SYSADMIN})
# 《行政处罚法》第四十二条：行政处罚应当由具有行政执法资格的执法人员实施，执法人员不得少于两人。
MIN_INSPECTORS = 2
AUDITED = ["number", "title", "org", "region_code", "seed", "filters", "unit_target", "inspectors_per_unit",
           "result_hash", "note"]


class PlanError(Exception):
    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("；".join(f"{k}: {'、'.join(v)}" for k, v in errors.items()))


class PermissionDenied(Exception):
    """The actor's role may not take this action."""


@dataclass
class DrawData:
    title: str
    unit_target: int
    inspectors_per_unit: int = MIN_INSPECTORS
    township: str = ""
    sectors: list[str] = field(default_factory=list)
    risk_classes: list[str] = field(default_factory=list)
    key_supervision: bool = False
    note: str = ""
    # 只抽未列入年度计划的单位: only units in no approved annual plan of the draw's year (DOMAIN.md §3.5).
    not_in_annual_plan: bool = False

    def pool_filters(self, year: int) -> PoolFilters:
        """The pool conditions of a draw made in ``year`` (the year the annual-plan condition refers to)."""
        return PoolFilters(
            township=self.township, sectors=list(self.sectors), risk_classes=list(self.risk_classes),
            key_supervision=bool(self.key_supervision), not_in_annual_plan=year if self.not_in_annual_plan else None,
        )


# --- the draw itself (pure) ---------------------------------------------------------------------


def _rng(seed: str) -> random.Random:
    return random.Random(int.from_bytes(hashlib.sha256(seed.encode("ascii")).digest(), "big"))


def run_draw(
    *, seed: str, unit_pool: list[int], inspector_pool: list[int], excluded: dict[str, list[int]],
    unit_target: int, inspectors_per_unit: int,
) -> list[dict[str, Any]]:
    """The result of a draw from these inputs alone: [{"unit": id, "inspectors": [ids]}] in drawn order.

    Raises ValueError when the pools are too small (``random.sample``).
    """
    rng = _rng(seed)
    out: list[dict[str, Any]] = []
    for unit in rng.sample(list(unit_pool), unit_target):
        banned = set(excluded.get(str(unit), ()))
        eligible = sorted(p for p in inspector_pool if p not in banned)
        out.append({"unit": unit, "inspectors": rng.sample(eligible, inspectors_per_unit)})
    return out


def hash_of(*, seed: str, unit_pool: list[int], inspector_pool: list[int], excluded: dict[str, list[int]],
            result: list[dict[str, Any]]) -> str:
    """SHA-256 of the canonical JSON (sorted keys, no spaces) of what the draw used and gave."""
    payload = {"seed": seed, "unit_pool": unit_pool, "inspector_pool": inspector_pool, "excluded": excluded,
               "result": result}
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def draw_recompute(draw: Draw) -> list[dict[str, Any]]:
    """The draw run again from its stored seed, pools and exclusions (nothing else is read)."""
    return run_draw(
        seed=draw.seed, unit_pool=draw.unit_pool, inspector_pool=draw.inspector_pool, excluded=draw.excluded,
        unit_target=draw.unit_target, inspectors_per_unit=draw.inspectors_per_unit,
    )


def draw_hash(draw: Draw) -> str:
    return hash_of(seed=draw.seed, unit_pool=draw.unit_pool, inspector_pool=draw.inspector_pool,
                   excluded=draw.excluded, result=draw.result)


def draw_verify(draw: Draw) -> list[str]:
    """What is wrong with a stored draw, in Chinese; empty when the draw is sound.

    The result must be what the stored seed and pools give, the stored hash must match the stored
    data, and it must be the hash recorded in the audit trail when the draw was made (so changing
    the seed, the pools and the result together, and the hash to match, still shows).
    """
    problems: list[str] = []
    try:
        recomputed = draw_recompute(draw)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        problems.append(f"无法按存储的随机种子和名录库重新抽取（{exc}）")
    else:
        if recomputed != draw.result:
            problems.append("抽取结果与按随机种子和名录库重新抽取的结果不一致")
    try:
        digest = draw_hash(draw)
    except (TypeError, ValueError) as exc:
        problems.append(f"无法计算结果哈希（{exc}）")
    else:
        if digest != draw.result_hash:
            problems.append("结果哈希不一致：随机种子、名录库、回避人员或抽取结果在抽取后被修改")
    created = (
        AuditEntry.objects.filter(action="draw.create", object_type=Draw._meta.label_lower, object_id=str(draw.pk))
        .values_list("changes", flat=True).first()
    )
    if created is not None and created.get("result_hash") != draw.result_hash:
        problems.append("结果哈希与抽取时审计记录中的哈希不一致")
    return problems


# --- writes -------------------------------------------------------------------------------------


def _check_drawer(actor: User) -> None:
    if actor.role not in DRAWERS:
        raise PermissionDenied(f"{actor.get_role_display()}无权进行双随机抽查")
    if actor.org_id is None:
        raise PermissionDenied("您的账号未设所属机构，无法抽取")


def _validate_input(actor: User, data: DrawData) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    data.title = clean(data.title or "")
    data.note = (data.note or "").strip()
    data.township = clean(data.township or "")
    if not data.title:
        add("title", "请填写名称")
    prefix = region_prefix(actor) or ""
    if data.township:
        if not (data.township.isdigit() and len(data.township) in (9, 12)):
            add("township", "乡镇代码应为 9 位（或补足 12 位）统计用区划代码")
        elif not data.township[:9].startswith(prefix):
            # The pool lies within the office's own region: a township draws only its own units.
            add("township", "该乡镇不在您的管辖范围内")
        else:
            data.township = data.township[:9]
    known = set(Sector.objects.filter(code__in=data.sectors).values_list("code", flat=True))
    for code in data.sectors:
        if code not in known:
            add("sectors", f"行业领域代码无效：{code}")
    for c in data.risk_classes:
        if c not in RiskClass.values:
            add("risk_classes", f"分级分类应为 A、B、C、D：{c}")
    if data.unit_target is None or data.unit_target < 1:
        add("unit_target", "抽取单位数至少为 1")
    if data.inspectors_per_unit is None or data.inspectors_per_unit < MIN_INSPECTORS:
        add("inspectors_per_unit", "每家单位至少抽取 2 名检查人员（《行政处罚法》第四十二条：执法人员不得少于两人）")
    return errors


def _previous_inspectors(region_code: str, unit_ids: list[int]) -> dict[int, list[int]]:
    """For each of these units, the inspectors it got in its most recent draw (any office of the county).

    Draws of one county are few (a handful a month); reading them newest first stops as soon as
    every unit is placed.
    """
    wanted = set(unit_ids)
    found: dict[int, list[int]] = {}
    earlier = (
        Draw.objects.filter(region_code__startswith=region_code[:6]).order_by("-id").values_list("result", flat=True)
    )
    for result in earlier.iterator(chunk_size=100):
        for row in result:
            unit = row["unit"]
            if unit in wanted and unit not in found:
                found[unit] = sorted(row["inspectors"])
        if len(found) == len(wanted):
            break
    return found


def draw_create(*, actor: User, data: DrawData) -> Draw:
    """Draw units and inspectors for ``actor``'s office; nothing is written when the data are invalid."""
    _check_drawer(actor)
    errors = _validate_input(actor, data)
    if errors:
        raise PlanError(errors)
    org = actor.org
    assert org is not None
    year = timezone.localdate().year
    filters = data.pool_filters(year)
    m = data.inspectors_per_unit
    with transaction.atomic():
        # The number first: its counter row is locked to commit (core.numbering), so two draws of
        # the county queue here and the second sees the first's result when it reads the earlier
        # draws for 回避. An invalid draw rolls back and gives the number back (gap-free).
        county = org.region_code[:6]
        number = f"SJ{county}{year}{next_value(f'draw:{county}:{year}'):05d}"
        unit_pool = list(pool_units(actor, filters).values_list("id", flat=True))
        inspector_pool = list(pool_inspectors(actor).values_list("id", flat=True))
        previous = _previous_inspectors(org.region_code, unit_pool)
        excluded = {str(u): previous.get(u, []) for u in unit_pool}
        if data.unit_target > len(unit_pool):
            errors.setdefault("unit_target", []).append(
                f"抽取单位数（{data.unit_target}）超过符合条件的单位数（{len(unit_pool)}）"
            )
        if len(inspector_pool) < m:
            errors.setdefault("inspectors_per_unit", []).append(
                f"检查人员名录库只有 {len(inspector_pool)} 人，少于每家单位的 {m} 人"
            )
        else:
            # Checked for every unit of the pool, not only the drawn ones: whether a draw is
            # allowed must not depend on the seed, or drawing again until it passes would choose it.
            short = [u for u in unit_pool if len(set(inspector_pool) - set(excluded[str(u)])) < m]
            if short:
                errors.setdefault("inspectors_per_unit", []).append(
                    f"回避上次检查人员后，有 {len(short)} 家单位可抽取的检查人员少于 {m} 人："
                    "请增加检查人员、减少每家人数或缩小单位范围"
                )
        if errors:
            raise PlanError(errors)  # leaving the atomic block rolls the number back
        seed = secrets.token_hex(32)
        result = run_draw(seed=seed, unit_pool=unit_pool, inspector_pool=inspector_pool, excluded=excluded,
                          unit_target=data.unit_target, inspectors_per_unit=m)
        draw = Draw(
            number=number, title=data.title, org=org, region_code=org.region_code, created_by=actor, seed=seed,
            filters=filters.as_json(), unit_target=data.unit_target, inspectors_per_unit=m, unit_pool=unit_pool,
            inspector_pool=inspector_pool, excluded=excluded, result=result, note=data.note,
            result_hash=hash_of(seed=seed, unit_pool=unit_pool, inspector_pool=inspector_pool, excluded=excluded,
                                result=result),
        )
        draw.save(force_insert=True)
        changes = audit.snapshot(draw, AUDITED)
        changes["filters"] = draw.filters
        changes.update(unit_pool_size=len(unit_pool), inspector_pool_size=len(inspector_pool))
        audit.record(actor=actor, action="draw.create", obj=draw, changes=changes)
    return draw


def draw_publish(*, actor: User, draw: Draw) -> Draw:
    """公开: record when the draw was made public; once, and only for a sound draw."""
    _check_drawer(actor)
    if not scoped(actor, Draw.objects.filter(pk=draw.pk)).exists():
        raise PermissionDenied("该抽查不在您的管辖范围内")
    if actor.role != Role.COUNTY_ADMIN and actor.org_id != draw.org_id:
        # The office that drew publishes; the county office may publish any draw of its county.
        raise PermissionDenied("只有抽取单位或县级管理员可以公开该抽查")
    with transaction.atomic():
        locked = Draw.objects.select_for_update().get(pk=draw.pk)
        if locked.published_at is not None:
            when = timezone.localtime(locked.published_at)
            raise PlanError({"published_at": [f"该抽查已于 {when:%Y-%m-%d %H:%M} 公开，不能重复公开"]})
        problems = draw_verify(locked)
        if problems:
            raise PlanError({"published_at": ["验证未通过，不能公开：" + "；".join(problems)]})
        locked.published_at = timezone.now()
        locked.save(update_fields=["published_at"])
        audit.record(actor=actor, action="draw.publish", obj=locked,
                     changes={"published_at": [None, locked.published_at.isoformat()]})
    draw.published_at = locked.published_at
    return draw


# === 年度监督检查计划 (annual supervision-inspection plans) =======================================
#
# 《安全生产年度监督检查计划编制办法》安监总政法〔2017〕150号 (DOMAIN.md §3.3):
# - Art. 2: supervision departments of county level and up make the plans — here the offices that
#   inspect (县安委办/应急管理局, industry departments, townships), each for its own jurisdiction;
# - Art. 4: the plans of different departments must not overlap and must leave no gap — one plan per
#   unit and year (``PlanItem``'s unique constraint, checked here first for a Chinese message), and the
#   units left out are shown on the plan page and covered by 双随机 (DOMAIN.md §3.5);
# - Art. 6: 统筹兼顾、分类分级、突出重点、提高效能、留有余地 — the plan fills only the 重点检查 share of
#   the workdays (the rest stays for 一般检查/双随机), highest risk class first, within each unit's
#   yearly limit (DOMAIN.md §3.4, 国办发〔2024〕54号);
# - Art. 7: the inputs — officers and their workdays (the workday method, ``plans.capacity``).

# Who makes plans: the offices that draw (their own office's plans). Who approves: the county office.
PLANNERS = DRAWERS
PLAN_READERS = DRAW_READERS
PLAN_APPROVERS = frozenset({Role.COUNTY_ADMIN})
PLAN_AUDITED = ["number", "title", "year", "org", "region_code", "status", "officers", "legal_workdays",
                "other_enforcement_days", "non_enforcement_days", "key_share", "days_per_inspection", "limits",
                "note"]
MAX_LIMIT = 365


@dataclass
class AnnualPlanData:
    title: str
    year: int
    officers: int
    legal_workdays: int = LEGAL_WORKDAYS
    other_enforcement_days: int = 0
    non_enforcement_days: int = 0
    key_share: int = KEY_SHARE
    days_per_inspection: int = DAYS_PER_INSPECTION
    limits: dict[str, dict[str, int]] | None = None  # None: default_limits()
    note: str = ""


@dataclass
class GenerateCriteria:
    """Which of the office's units ``plan_generate`` considers, and how many inspections each gets."""

    township: str = ""
    sectors: list[str] = field(default_factory=list)
    risk_classes: list[str] = field(default_factory=list)  # "A"–"D", "" for the unclassified
    key_supervision: bool = False
    high_risk_only: bool = False
    times: int = 1


@dataclass
class GenerateReport:
    added: int = 0  # units put in the plan
    times: int = 0  # 家次 they add
    already: int = 0  # already in this plan (left as they are)
    other_plans: list[tuple[str, str]] = field(default_factory=list)  # (unit name, plan number): not added
    capped: int = 0  # given fewer 次数 than asked, held to their class limit
    did_not_fit: int = 0  # left out when the 重点检查 capacity was used up: they fall to 双随机

    def message(self) -> str:
        parts = [f"已列入 {self.added} 家单位（{self.times} 家次）"]
        if self.already:
            parts.append(f"{self.already} 家已在本计划中")
        if self.capped:
            parts.append(f"{self.capped} 家的检查次数按其分级分类的年度上限减少")
        if self.other_plans:
            shown = "、".join(f"{name}（{number}）" for name, number in self.other_plans[:5])
            more = f"等 {len(self.other_plans)} 家" if len(self.other_plans) > 5 else ""
            parts.append(f"{shown}{more}已列入本年度其他计划，未重复列入（150号第四条：各计划不得重复）")
        if self.did_not_fit:
            parts.append(f"{self.did_not_fit} 家超出重点检查能力未列入，由双随机抽查覆盖")
        return "；".join(parts)


def _check_planner(actor: User) -> None:
    if actor.role not in PLANNERS:
        raise PermissionDenied(f"{actor.get_role_display()}无权编制年度监督检查计划")
    if actor.org_id is None:
        raise PermissionDenied("您的账号未设所属机构，无法编制计划")


def _check_own(actor: User, plan: AnnualPlan) -> None:
    _check_planner(actor)
    if not scoped(actor, AnnualPlan.objects.filter(pk=plan.pk)).exists():
        raise PermissionDenied("该计划不在您的管辖范围内")
    if actor.org_id != plan.org_id:
        raise PermissionDenied("只有编制单位可以修改该计划")


def _locked_draft(plan: AnnualPlan) -> AnnualPlan:
    """The plan's row, locked to commit; a PlanError once approved (approved plans are read-only)."""
    locked = AnnualPlan.objects.select_for_update().get(pk=plan.pk)
    if locked.status != AnnualPlanStatus.DRAFT:
        when = f"于 {timezone.localtime(locked.approved_at):%Y-%m-%d} " if locked.approved_at else ""
        raise PlanError({"status": [f"该计划已{when}批准，不能再修改"]})
    return locked


def _validate_plan(data: AnnualPlanData) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    data.title = clean(data.title or "")
    data.note = (data.note or "").strip()
    if not data.title:
        add("title", "请填写名称")
    this_year = timezone.localdate().year
    if data.year is None or not 2000 <= data.year <= this_year + 1:
        add("year", f"年度应在 2000 至 {this_year + 1} 之间")
    if data.officers is None or data.officers < 1:
        add("officers", "执法人员数至少为 1")
    for name in ("legal_workdays", "other_enforcement_days", "non_enforcement_days"):
        if getattr(data, name) is None or getattr(data, name) < 0:
            add(name, "工作日不能为负数")
    if data.key_share is None or not 0 <= data.key_share <= 100:
        add("key_share", "重点检查工作日占比应在 0 至 100 之间")
    if data.days_per_inspection is None or data.days_per_inspection < 1:
        add("days_per_inspection", "每家次所需工作日至少为 1")
    limits = default_limits()
    for group, row in (data.limits or {}).items():
        for key, value in row.items():
            if group not in limits or key not in RISK_KEYS:
                add("limits", f"年度检查次数上限的分类无效：{group}/{key}")
            elif not isinstance(value, int) or not 1 <= value <= MAX_LIMIT:
                add("limits", f"{group_label(group == 'high_risk')}{class_label(key)}的年度检查次数上限应为 1 至 "
                              f"{MAX_LIMIT} 的整数")
            else:
                limits[group][key] = value
    data.limits = limits
    if not errors:
        try:
            capacity(officers=data.officers, legal_workdays=data.legal_workdays,
                     other_enforcement_days=data.other_enforcement_days,
                     non_enforcement_days=data.non_enforcement_days, key_share=data.key_share,
                     days_per_inspection=data.days_per_inspection)
        except CapacityError as exc:
            add("non_enforcement_days", str(exc))
    return errors


def _apply(plan: AnnualPlan, data: AnnualPlanData) -> None:
    for name in ("title", "year", "officers", "legal_workdays", "other_enforcement_days", "non_enforcement_days",
                 "key_share", "days_per_inspection", "limits", "note"):
        setattr(plan, name, getattr(data, name))


def plan_create(*, actor: User, data: AnnualPlanData) -> AnnualPlan:
    """A draft plan of ``actor``'s office; nothing is written when the data are invalid."""
    _check_planner(actor)
    errors = _validate_plan(data)
    if errors:
        raise PlanError(errors)
    org = actor.org
    assert org is not None
    with transaction.atomic():
        county = org.region_code[:6]
        plan = AnnualPlan(org=org, region_code=org.region_code, created_by=actor, status=AnnualPlanStatus.DRAFT)
        _apply(plan, data)
        # Numbered by the plan's year: JH + county + year + 5 digits, gap-free (core.numbering).
        plan.number = f"JH{county}{data.year}{next_value(f'annual-plan:{county}:{data.year}'):05d}"
        plan.save(force_insert=True)
        audit.record(actor=actor, action="annual_plan.create", obj=plan,
                     changes=audit.snapshot(plan, PLAN_AUDITED))
    return plan


def plan_update(*, actor: User, plan: AnnualPlan, data: AnnualPlanData) -> AnnualPlan:
    """Change a draft's title and inputs. The year stays once units are in the plan (they carry it)."""
    _check_own(actor, plan)
    errors = _validate_plan(data)
    if errors:
        raise PlanError(errors)
    with transaction.atomic():
        locked = _locked_draft(plan)
        if data.year != locked.year and PlanItem.objects.filter(plan=locked).exists():
            raise PlanError({"year": ["计划中已有单位，不能修改年度（可新建另一年度的计划）"]})
        before = audit.snapshot(locked, PLAN_AUDITED)
        _apply(locked, data)
        audit.save_audited(locked, actor=actor, action="annual_plan.update", fields=PLAN_AUDITED, before=before)
    return locked


def _scheduled(plan: AnnualPlan) -> int:
    return int(PlanItem.objects.filter(plan=plan).aggregate(n=Sum("times"))["n"] or 0)


def _unit_limit(plan: AnnualPlan, unit: Unit) -> int:
    return limit_for(plan.limits, high_risk=unit.sector.high_risk, risk_class=unit.risk_class)


def _limit_error(plan: AnnualPlan, unit: Unit, times: int) -> str:
    rule = limit_rule(plan.limits, high_risk=unit.sector.high_risk, risk_class=unit.risk_class)
    return f"计划检查次数（{times}）超过该单位的年度上限 {_unit_limit(plan, unit)} 次：{rule}"


def _other_plan_error(unit: Unit, number: str) -> str:
    return (f"{unit.name}已列入本年度计划 {number}：各部门计划不得重复"
            "（《安全生产年度监督检查计划编制办法》第四条；一家企业对应一个层级的执法主体）")


def _validate_item(plan: AnnualPlan, unit: Unit, times: int | None, quarter: int | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if times is None or times < 1:
        errors["times"] = ["计划检查次数至少为 1"]
    elif times > _unit_limit(plan, unit):
        errors["times"] = [_limit_error(plan, unit, times)]
    if quarter is not None and not 1 <= quarter <= 4:
        errors["quarter"] = ["计划季度应为 1 至 4"]
    return errors


def plan_add_unit(
    *, actor: User, plan: AnnualPlan, unit: Unit, times: int = 1, quarter: int | None = None, note: str = "",
) -> PlanItem:
    """Put one unit of the office's jurisdiction in a draft, within its yearly limit and in no other plan."""
    _check_own(actor, plan)
    with transaction.atomic():
        locked = _locked_draft(plan)
        unit = org_units(actor, locked.org).select_related("sector").filter(pk=unit.pk).first()  # type: ignore[assignment]
        if unit is None:
            raise PlanError({"unit": ["该单位不在本计划编制单位的管辖范围内，或已注销、关闭"]})
        existing = PlanItem.objects.filter(year=locked.year, unit=unit).select_related("plan").first()
        if existing is not None:
            if existing.plan_id == locked.pk:
                raise PlanError({"unit": [f"{unit.name}已在本计划中"]})
            raise PlanError({"unit": [_other_plan_error(unit, existing.plan.number)]})
        errors = _validate_item(locked, unit, times, quarter)
        if errors:
            raise PlanError(errors)
        item = PlanItem(plan=locked, unit=unit, year=locked.year, times=times, quarter=quarter,
                        note=clean(note or "")[:200])
        try:
            with transaction.atomic():
                item.save(force_insert=True)
        except IntegrityError as exc:  # another office put the unit in its plan meanwhile
            number = PlanItem.objects.filter(year=locked.year, unit=unit).values_list("plan__number", flat=True).first()
            raise PlanError({"unit": [_other_plan_error(unit, number or "（另一计划）")]}) from exc
        audit.record(actor=actor, action="annual_plan.item_add", obj=locked,
                     changes={"unit": unit.pk, "times": times, "quarter": quarter})
    return item


def _item_of(plan: AnnualPlan, item: PlanItem | int) -> PlanItem:
    pk = item.pk if isinstance(item, PlanItem) else item
    found = PlanItem.objects.select_related("unit", "unit__sector").filter(plan=plan, pk=pk).first()
    if found is None:
        raise PlanError({"item": ["该单位不在本计划中"]})
    return found


def plan_remove_item(*, actor: User, plan: AnnualPlan, item: PlanItem | int) -> None:
    """Take one unit out of a draft (it falls back to 双随机)."""
    _check_own(actor, plan)
    with transaction.atomic():
        locked = _locked_draft(plan)
        found = _item_of(locked, item)
        found.delete()
        audit.record(actor=actor, action="annual_plan.item_remove", obj=locked,
                     changes={"unit": found.unit_id, "times": found.times})


def plan_set_times(
    *, actor: User, plan: AnnualPlan, item: PlanItem | int, times: int, quarter: int | None = None,
) -> PlanItem:
    """Change how many times (and in which quarter) a unit of a draft is to be inspected."""
    _check_own(actor, plan)
    with transaction.atomic():
        locked = _locked_draft(plan)
        found = _item_of(locked, item)
        errors = _validate_item(locked, found.unit, times, quarter)
        if errors:
            raise PlanError(errors)
        before = {"times": found.times, "quarter": found.quarter}
        found.times, found.quarter = times, quarter
        found.save(update_fields=["times", "quarter"])
        changes = audit.diff(before, {"times": times, "quarter": quarter})
        if changes:
            audit.record(actor=actor, action="annual_plan.item_times", obj=locked,
                         changes={"unit": found.unit_id, **changes})
    return found


def _validate_criteria(actor: User, c: GenerateCriteria) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    c.township = clean(c.township or "")
    if c.township:
        if not (c.township.isdigit() and len(c.township) in (9, 12)):
            errors["township"] = ["乡镇代码应为 9 位（或补足 12 位）统计用区划代码"]
        elif not c.township[:9].startswith(region_prefix(actor) or "-"):
            errors["township"] = ["该乡镇不在您的管辖范围内"]
        else:
            c.township = c.township[:9]
    known = set(Sector.objects.filter(code__in=c.sectors).values_list("code", flat=True))
    bad = [s for s in c.sectors if s not in known]
    if bad:
        errors["sectors"] = [f"行业领域代码无效：{'、'.join(bad)}"]
    bad = [r for r in c.risk_classes if r not in RISK_KEYS]
    if bad:
        errors["risk_classes"] = [f"分级分类应为 A、B、C、D 或未分级：{'、'.join(bad)}"]
    if c.times is None or c.times < 1:
        errors["times"] = ["每家计划检查次数至少为 1"]
    return errors


def plan_generate(*, actor: User, plan: AnnualPlan, criteria: GenerateCriteria) -> GenerateReport:
    """Fill a draft from the office's units matching ``criteria``, by priority, until the 重点检查 capacity is used.

    Order (150号 Art. 6 分类分级、突出重点; DOMAIN.md §3.4): risk class D, C, B, A, then the units not yet
    classified — a plan puts its days where the known risk is highest, and an unclassified unit has no
    assessment to rank it by (it is inspected by 双随机 until classified); within a class 重点监管 units
    first; ties by unit id (``selectors.plan_candidates``). Each unit gets ``criteria.times`` inspections,
    held to its class limit. Units already in another plan of the year are skipped and reported with
    that plan's number (Art. 4); at the first unit that no longer fits the remaining capacity the plan
    is full — no lower-priority unit takes days a higher one could not get — and the rest are counted
    as not fitted (双随机 covers them, DOMAIN.md §3.5). Nothing is written on an error.
    """
    _check_own(actor, plan)
    errors = _validate_criteria(actor, criteria)
    if errors:
        raise PlanError(errors)
    report = GenerateReport()
    with transaction.atomic():
        locked = _locked_draft(plan)
        try:
            left = plan_capacity(locked, _scheduled(locked)).key_left
        except CapacityError as exc:
            raise PlanError({"non_enforcement_days": [str(exc)]}) from exc
        candidates = plan_candidates(
            actor, locked, township=criteria.township, sectors=criteria.sectors,
            risk_classes=criteria.risk_classes, key_supervision=criteria.key_supervision,
            high_risk_only=criteria.high_risk_only,
        )
        mine = set(PlanItem.objects.filter(plan=locked).values_list("unit_id", flat=True))
        others = other_plans_of(locked.year, candidates.values("id"), exclude_plan=locked)
        new: list[PlanItem] = []
        full = False
        for unit in candidates.iterator(chunk_size=500):
            if unit.pk in mine:
                report.already += 1
            elif unit.pk in others:
                report.other_plans.append((unit.name, others[unit.pk]))
            elif full:
                report.did_not_fit += 1
            else:
                times = min(criteria.times, _unit_limit(locked, unit))
                if times > left:
                    full = True
                    report.did_not_fit += 1
                    continue
                report.capped += times < criteria.times
                new.append(PlanItem(plan=locked, unit=unit, year=locked.year, times=times))
                left -= times
                report.times += times
        report.added = len(new)
        try:
            with transaction.atomic():
                PlanItem.objects.bulk_create(new)
        except IntegrityError as exc:
            raise PlanError({"unit": ["有单位刚被列入本年度其他计划，请重新生成"]}) from exc
        audit.record(actor=actor, action="annual_plan.generate", obj=locked, changes={
            "criteria": {"township": criteria.township, "sectors": sorted(criteria.sectors),
                         "risk_classes": sorted(criteria.risk_classes), "key_supervision": criteria.key_supervision,
                         "high_risk_only": criteria.high_risk_only, "times": criteria.times},
            "added": [i.unit_id for i in new], "times": report.times, "other_plans": len(report.other_plans),
            "did_not_fit": report.did_not_fit,
        })
    return report


def plan_approve(*, actor: User, plan: AnnualPlan) -> AnnualPlan:
    """批准: the county office approves a plan of its county (150号 Art. 5: inspect by the approved plan).

    Refused for an empty plan and for one whose units need more days than its 重点检查工作日; once
    approved the plan is read-only.
    """
    if actor.role not in PLAN_APPROVERS:
        raise PermissionDenied(f"{actor.get_role_display()}无权批准年度监督检查计划，由县级管理员批准")
    if not scoped(actor, AnnualPlan.objects.filter(pk=plan.pk)).exists():
        raise PermissionDenied("该计划不在您的管辖范围内")
    with transaction.atomic():
        locked = _locked_draft(plan)
        scheduled = _scheduled(locked)
        if scheduled == 0:
            raise PlanError({"status": ["计划中还没有单位，不能批准"]})
        try:
            cap = plan_capacity(locked, scheduled)
        except CapacityError as exc:
            raise PlanError({"status": [str(exc)]}) from exc
        if cap.over:
            raise PlanError({"status": [
                f"已安排 {cap.scheduled_times} 家次（{cap.scheduled_days} 人·日），超过重点检查能力 "
                f"{cap.key_capacity} 家次（{cap.key_days} 人·日），不能批准：请减少单位或检查次数，或调整工作日"
                "（150号第六条：留有余地）"
            ]})
        locked.status = AnnualPlanStatus.APPROVED
        locked.approved_by = actor
        locked.approved_at = timezone.now()
        locked.save(update_fields=["status", "approved_by", "approved_at"])
        audit.record(actor=actor, action="annual_plan.approve", obj=locked, changes={
            "status": [AnnualPlanStatus.DRAFT, AnnualPlanStatus.APPROVED], "units": PlanItem.objects.filter(
                plan=locked).count(), "times": scheduled,
        })
    plan.status, plan.approved_by, plan.approved_at = locked.status, locked.approved_by, locked.approved_at
    return plan
