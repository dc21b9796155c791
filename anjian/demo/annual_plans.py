"""The demo county's 年度监督检查计划 (annual supervision-inspection plans) of this year, deterministic.

Three plans, so that the plan pages (docs/guide/county-admin.md 年度监督检查计划) show what a county sees:

1. 应急管理局's plan (demo_dept), approved: its high-risk sectors (危险化学品、烟花爆竹、非煤矿山、冶金),
   two inspections a unit, generated until its 重点检查 capacity is used — the rest fall to 双随机.
2. The county office's plan (demo_admin), approved: first a few units the office lists by hand (the units
   this year's inspections have taken past their yearly limit, so the progress page shows 超过上限 where
   the demo's inspections allow it — no inspection is made for it), then the high-risk key-supervision
   units (two inspections each; 应急管理局's are skipped and reported, 150号 Art. 4), then the other
   key-supervision units (one each) until the capacity is used.
3. 安定镇's plan (demo_township), a draft: the township's units not in another plan, one inspection each.

Everything goes through ``anjian.plans.services`` (plan_create, plan_add_unit, plan_generate,
plan_approve): numbers (JH…), the one-plan-per-unit rule, the yearly limits, the capacity check on
approval and the audit entries are what a deployment writes. The workday inputs are chosen so that
progress against the demo's inspections of this year has every status (未开始、进行中、已完成).

Dates. ``created_at`` and ``approved_at`` are stamped now by the services; afterwards they are moved
back to January of the plan year (a plan is made and approved at the start of its year), as
``patrols.py`` moves a visit's ``created_at``. The audit entries keep the time they were written.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from anjian.accounts.models import User
from anjian.core import audit
from anjian.demo import plan as unit_plan
from anjian.regions.services import cli_actor_name

if TYPE_CHECKING:
    from anjian.plans.models import AnnualPlan
    from anjian.units.models import Unit

DEMO_TOWNSHIP = "430626101"  # 安定镇 (loader.DEMO_TOWNSHIP; not imported: the loader imports this module)
EMERGENCY_SECTORS = ["hazardous_chemicals", "fireworks", "non_coal_mine", "metallurgy"]
HAND_PICKED = 3  # units the county office lists by hand, at most


@dataclass(frozen=True)
class PlanSpec:
    key: str
    label: str  # its office, for load-demo's line
    username: str  # who makes it (its office's demo account)
    title: str
    officers: int
    other_enforcement_days: int  # 人·日: 行政许可、事故调查、举报核查、联合执法、宣传培训 …
    non_enforcement_days: int  # 人·日: 值班、学习培训会议、病事假、年休假 …
    note: str
    approve: bool
    created: tuple[int, int]  # (day of January, hour) it was made
    approved: tuple[int, int] = (0, 0)  # (day of January, hour) it was approved


def specs(year: int) -> list[PlanSpec]:
    """The three plans, in the order they are made (应急管理局's first: the county office's skips its units)."""
    county = unit_plan.COUNTY_NAME
    return [
        PlanSpec("emergency", "应急管理局", "demo_dept", f"{county}应急管理局{year}年度安全生产监督检查计划",
                 7, 320, 420,
                 "重点检查危险化学品、烟花爆竹、非煤矿山、冶金企业，按风险等级从高到低列入；其余由双随机抽查覆盖。",
                 True, (5, 9), (20, 10)),
        PlanSpec("office", "县安委办", "demo_admin", f"{county}安委办{year}年度安全生产监督检查计划", 8, 400, 560,
                 "统筹建筑施工、道路运输、城镇燃气等高危行业重点监管单位和其他重点监管单位；"
                 "各部门计划已列入的单位不重复列入（150号第四条）。",
                 True, (6, 9), (20, 10)),
        PlanSpec("township", "安定镇", "demo_township", f"安定镇{year}年度安全生产监督检查计划", 3, 90, 300,
                 "本镇辖区内未列入县级部门计划的单位，每家检查一次。", False, (8, 15)),
    ]


@dataclass
class AnnualPlansResult:
    created: int = 0
    year: int = 0
    # Per plan: (its office, units, 家次, status label)
    plans: list[tuple[str, int, int, str]] = field(default_factory=list)
    progress: Counter[str] = field(default_factory=Counter)  # 执行情况 of the approved plans' units
    skipped: str = ""
    seconds: float = 0.0

    @property
    def summary(self) -> str:
        """One line for load-demo's output."""
        if self.skipped:
            return self.skipped
        plans = "、".join(f"{org} {units} 家 {times} 家次（{status}）" for org, units, times, status in self.plans)
        p = self.progress
        return (
            f"演示年度监督检查计划（{self.year}年度）{self.created} 份：{plans}；"
            f"已批准计划执行情况 已完成 {p['已完成']} 家、进行中 {p['进行中']} 家、未开始 {p['未开始']} 家，"
            f"超过年度检查次数上限 {p['超过上限']} 家。"
        )


def load_annual_plans(*, today: dt.date | None = None, force: bool = False) -> AnnualPlansResult:
    """Write the demo county's plans of this year. Declines (``skipped``) when it has plans of the year already."""
    from anjian.plans.models import AnnualPlan

    started = time.monotonic()
    today = today or timezone.localdate()
    result = AnnualPlansResult(year=today.year)
    county = unit_plan.COUNTY_CODE
    if not force and AnnualPlan.objects.filter(region_code__startswith=county, year=today.year).exists():
        result.skipped = "演示县已有本年度监督检查计划，未再生成计划"
        return result
    users = {u.username: u for u in User.objects.filter(username__in={s.username for s in specs(today.year)})}
    if len(users) < 3 or not _units_exist():
        result.skipped = "演示县没有单位或演示账号，未生成年度监督检查计划"
        return result
    with transaction.atomic():
        made = _write(specs(today.year), users, today, result)
        audit.record(actor=None, action="demo.annual_plans", obj=None,
                     changes={"year": today.year, "plans": [p.number for p in made]},
                     actor_name=cli_actor_name(None))
    result.created = len(made)
    result.seconds = time.monotonic() - started
    return result


def _units_exist() -> bool:
    from anjian.units.models import Unit

    return Unit.objects.filter(region_code__startswith=unit_plan.COUNTY_CODE, is_active=True).exists()


def _write(
    plan_specs: list[PlanSpec], users: dict[str, User], today: dt.date, result: AnnualPlansResult
) -> list[AnnualPlan]:
    from anjian.plans import services as ps
    from anjian.plans.selectors import plan_items, plan_totals

    admin = users["demo_admin"]
    made: list[AnnualPlan] = []
    for spec in plan_specs:
        actor = users[spec.username]
        plan = ps.plan_create(actor=actor, data=ps.AnnualPlanData(
            title=spec.title, year=today.year, officers=spec.officers,
            other_enforcement_days=spec.other_enforcement_days, non_enforcement_days=spec.non_enforcement_days,
            note=spec.note,
        ))
        if spec.key == "emergency":
            ps.plan_generate(actor=actor, plan=plan, criteria=ps.GenerateCriteria(sectors=EMERGENCY_SECTORS, times=2))
        elif spec.key == "office":
            for unit, quarter in _hand_picked(actor, plan):
                ps.plan_add_unit(actor=actor, plan=plan, unit=unit, times=1, quarter=quarter,
                                 note="群众反映集中、多次检查发现问题，由县安委办统筹检查")
            ps.plan_generate(actor=actor, plan=plan, criteria=ps.GenerateCriteria(
                key_supervision=True, high_risk_only=True, times=2))
            ps.plan_generate(actor=actor, plan=plan, criteria=ps.GenerateCriteria(key_supervision=True, times=1))
        else:
            ps.plan_generate(actor=actor, plan=plan, criteria=ps.GenerateCriteria(township=DEMO_TOWNSHIP, times=1))
        # A small demo (``load-demo --units 3``) may leave a plan without units: it stays a draft, since
        # an empty plan cannot be approved.
        approve = spec.approve and plan.items.exists()
        if approve:
            plan = ps.plan_approve(actor=admin, plan=plan)
        _backdate(plan, spec, today)
        made.append(plan)
        totals = plan_totals(plan)
        result.plans.append((spec.label, totals.units, totals.planned,
                             plan.get_status_display()))
        if approve:
            for times, actual, limit in plan_items(plan).values_list("times", "actual", "limit"):  # type: ignore[misc]
                result.progress["已完成" if actual >= times else "进行中" if actual else "未开始"] += 1
                result.progress["超过上限"] += actual > limit
    return made


def _hand_picked(actor: User, plan: AnnualPlan) -> list[tuple[Unit, int | None]]:
    """The units the county office lists by hand: those this year's counted inspections have taken past
    their yearly limit (most inspected first, then by id), in no plan yet; up to HAND_PICKED."""
    from anjian.inspections.models import Inspection
    from anjian.plans.capacity import limit_for
    from anjian.plans.selectors import COUNTED_KINDS, org_units, planned_unit_ids

    year = plan.year
    counted = Counter(
        Inspection.objects.filter(region_code__startswith=unit_plan.COUNTY_CODE, date__year=year,
                                  kind__in=COUNTED_KINDS).values_list("unit_id", flat=True)
    )
    units = (org_units(actor, plan.org).exclude(id__in=planned_unit_ids(year))
             .filter(id__in=list(counted)).select_related("sector"))
    over = [u for u in units
            if counted[u.pk] > limit_for(plan.limits, high_risk=u.sector.high_risk, risk_class=u.risk_class)]
    over.sort(key=lambda u: (-counted[u.pk], u.pk))
    return [(u, n % 4 + 1) for n, u in enumerate(over[:HAND_PICKED])]


def _backdate(plan: AnnualPlan, spec: PlanSpec, today: dt.date) -> None:
    """Move created_at / approved_at back to January of the plan year (never after now)."""
    from anjian.plans.models import AnnualPlan

    now = timezone.now()

    def at(day: int, hour: int) -> dt.datetime:
        return min(timezone.make_aware(dt.datetime(today.year, 1, day, hour, 0)), now)

    fields = {"created_at": at(*spec.created)}
    if plan.approved_at is not None:  # approved (a plan left empty by a small demo is not)
        fields["approved_at"] = at(*spec.approved)
    AnnualPlan.objects.filter(pk=plan.pk).update(**fields)
