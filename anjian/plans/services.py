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

from django.db import transaction
from django.utils import timezone

from anjian.accounts.roles import Role
from anjian.core import audit
from anjian.core.models import AuditEntry
from anjian.core.numbering import next_value
from anjian.core.scope import region_prefix, scoped
from anjian.core.text import clean
from anjian.plans.models import Draw
from anjian.plans.selectors import PoolFilters, pool_inspectors, pool_units
from anjian.units.models import RiskClass, Sector

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

    def pool_filters(self) -> PoolFilters:
        return PoolFilters(
            township=self.township, sectors=list(self.sectors), risk_classes=list(self.risk_classes),
            key_supervision=bool(self.key_supervision),
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
    filters = data.pool_filters()
    m = data.inspectors_per_unit
    with transaction.atomic():
        # The number first: its counter row is locked to commit (core.numbering), so two draws of
        # the county queue here and the second sees the first's result when it reads the earlier
        # draws for 回避. An invalid draw rolls back and gives the number back (gap-free).
        county = org.region_code[:6]
        year = timezone.localdate().year
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
