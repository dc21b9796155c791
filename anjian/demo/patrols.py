"""The demo county's grid patrols (网格巡查打卡) of the last 60 days, deterministic.

So that the coverage page (docs/guide/county-admin.md) shows what a county sees: some townships
and grids well covered, some poorly, a few grids where nobody recorded a visit, and units nobody
has visited; visits that found a hazard linked to the demo hazard the grid worker reported that
day; a location (near the unit's coordinates) on most visits. Two phases, as ``hazards.py``:

1. :func:`plan` draws every visit from one ``random.Random(seed)`` over facts read beforehand
   (grids, units, the demo hazards grid workers reported): pure Python over lists in a fixed order.
2. :func:`load_patrols` records the visits through ``anjian.patrols.services.patrol_record``, in
   the order they were made, so scope (a grid worker records their own grid's units only),
   validation and audit entries are what a real deployment writes.

Dates. ``patrolled_on`` is an input of the service. ``created_at`` (登记时间, stamped now and recorded
by no audit entry) of a visit before today is moved back to the visit's day and hour afterwards, so the
patrol's page reads as the day it was recorded; today's visits keep the time they were recorded. The
service refuses a visit before the unit's registration: the loader dates the demo units' registration
before the demo's history (``loader.registered_at``).

People. Each grid's worker records its visits: demo_grid for 安定镇第1网格 (a well-covered grid), the
``grid_…`` workers of ``hazards.py`` elsewhere (made here, without a usable password, when missing);
in a poorly covered grid the township's officer stands in for a few visits.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from anjian.accounts.models import Organization, OrgKind, User
from anjian.accounts.roles import Role
from anjian.core import audit
from anjian.demo import plan as unit_plan
from anjian.regions.services import cli_actor_name

DAYS = 60  # the visits of the last 60 days, today included
DEMO_GRID = "安定镇第1网格"  # demo_grid's grid: well covered
# A township's share of units visited in the period: (share, weight). Grids vary around it.
TOWNSHIP_TIERS = ((0.88, 3), (0.62, 4), (0.35, 3))
GRID_SPREAD = (-0.25, 0.12)
IDLE_GRID = 0.05  # a grid whose worker recorded nothing
STAND_IN = 0.12  # in a poorly covered grid, the share of visits the township's officer made
# Visits to a visited unit in the period: key-supervised ones more often.
VISITS = {True: ((1, 3), (2, 5), (3, 3)), False: ((1, 7), (2, 3))}
WEEKEND_KEEP = 0.25  # visits rarely fall on a weekend
LOCATED = 0.8  # visits with a location (the phone allowed it)
JITTER = 0.00025  # degrees (about 25 m) around the unit's coordinates
COORD = Decimal("0.000001")
NORMAL_NOTES = (
    "", "", "", "",
    "消防器材完好，疏散通道畅通。",
    "检查用电线路和灭火器，未见异常。",
    "提醒负责人做好日常隐患自查。",
    "复查上次指出的问题，已整改到位。",
    "安全出口、应急照明正常。",
    "发放安全生产宣传资料，讲解电动自行车充电注意事项。",
    "查看安全管理台账，记录齐全。",
)
NO_PRINCIPAL_NOTES = (
    "负责人外出，已电话提醒落实安全责任。", "大门紧锁，电话联系负责人未接。", "负责人不在，向现场员工了解情况。"
)
STOPPED_NOTES = ("单位已停产，大门上锁。", "门店已停业，电话核实正在转让。", "停产整顿中，现场无人作业。")
HAZARD_NOTE = "现场发现隐患，已拍照上报，督促单位整改。"


@dataclass(frozen=True)
class UnitFacts:
    id: int
    grid_id: int | None
    township: str  # 9 digits
    key: bool
    status: str  # normal / suspended / closed
    lng: Decimal | None
    lat: Decimal | None
    registered: dt.date  # no visit before (patrol_record refuses it)


@dataclass(frozen=True)
class GridFacts:
    id: int
    name: str
    township: str  # 9 digits


@dataclass(frozen=True)
class HazardFacts:
    """A demo hazard a grid worker reported in the period (the visit that found it)."""

    id: int
    unit_id: int
    grid_id: int
    found_on: dt.date


@dataclass(frozen=True)
class Facts:
    today: dt.date
    grids: tuple[GridFacts, ...]
    units: tuple[UnitFacts, ...]
    hazards: tuple[HazardFacts, ...]


@dataclass(frozen=True)
class Visit:
    unit_id: int
    day: dt.date
    by: tuple[str, Any]  # ("grid", grid id) or ("township", 9-digit code)
    outcome: str
    note: str
    minute: int  # of the day it was recorded (08:00 … 17:59)
    hazard_id: int | None = None
    lat: Decimal | None = None
    lng: Decimal | None = None


def _pick(rng: random.Random, pairs: Sequence[tuple[Any, float]]) -> Any:
    return rng.choices([k for k, _ in pairs], weights=[w for _, w in pairs])[0]


def _days(rng: random.Random, today: dt.date, n: int) -> list[dt.date]:
    """``n`` distinct days of the period, weekdays likelier."""
    out: set[dt.date] = set()
    for _ in range(n * 20):
        if len(out) == n:
            break
        day = today - dt.timedelta(days=rng.randrange(DAYS))
        if day.weekday() >= 5 and rng.random() > WEEKEND_KEEP:
            continue
        out.add(day)
    return sorted(out)


def _near(rng: random.Random, value: Decimal | None) -> Decimal | None:
    if value is None:
        return None
    return (value + Decimal(str(round(rng.gauss(0, JITTER), 6)))).quantize(COORD, rounding=ROUND_HALF_UP)


def rates(facts: Facts, rng: random.Random) -> dict[int, float]:
    """Each grid's share of units visited in the period: by township tier, varied per grid, some idle."""
    towns = sorted({g.township for g in facts.grids})
    tier = {t: _pick(rng, TOWNSHIP_TIERS) for t in towns}
    out: dict[int, float] = {}
    for g in facts.grids:
        if g.name == DEMO_GRID:
            out[g.id] = 0.92
        elif rng.random() < IDLE_GRID:
            out[g.id] = 0.0
        else:
            out[g.id] = min(0.97, max(0.05, tier[g.township] + rng.uniform(*GRID_SPREAD)))
    return out


def plan(facts: Facts, seed: int) -> list[Visit]:
    """The visits of the last 60 days, in the order they were made."""
    rng = random.Random(seed)
    rate = rates(facts, rng)
    by_grid: dict[int, list[UnitFacts]] = defaultdict(list)
    for u in facts.units:
        if u.grid_id is not None:
            by_grid[u.grid_id].append(u)
    found: dict[int, list[HazardFacts]] = defaultdict(list)
    for h in facts.hazards:
        found[h.unit_id].append(h)
    visits: list[Visit] = []
    for g in facts.grids:
        share = rate[g.id]
        if share == 0:
            continue  # nobody recorded a visit here (the worker's hazard reports stand without one)
        stand_in = share < 0.5
        for u in by_grid.get(g.id, []):
            days: list[dt.date] = []
            if rng.random() < share * (0.6 if u.status == "closed" else 1.0):
                days = _days(rng, facts.today, _pick(rng, VISITS[u.key]))
            hazards = {h.found_on: h for h in found.get(u.id, [])}
            for day in sorted(d for d in set(days) | set(hazards) if d >= u.registered):
                hazard = hazards.get(day)
                by: tuple[str, Any] = ("grid", g.id)
                if hazard is None and stand_in and rng.random() < STAND_IN:
                    by = ("township", g.township)
                if hazard is not None:
                    outcome, note = "hazard_found", HAZARD_NOTE
                elif u.status == "closed" or (u.status == "suspended" and rng.random() < 0.7):
                    outcome, note = "stopped", rng.choice(STOPPED_NOTES)
                elif rng.random() < 0.07:
                    outcome, note = "no_principal", rng.choice(NO_PRINCIPAL_NOTES)
                else:
                    outcome, note = "normal", rng.choice(NORMAL_NOTES)
                located = rng.random() < LOCATED and u.lat is not None and u.lng is not None
                visits.append(Visit(
                    unit_id=u.id, day=day, by=by, outcome=outcome, note=note,
                    minute=rng.randrange(8 * 60, 18 * 60),
                    hazard_id=hazard.id if hazard is not None else None,
                    lat=_near(rng, u.lat) if located else None,
                    lng=_near(rng, u.lng) if located else None,
                ))
    return sorted(visits, key=lambda v: (v.day, v.minute, v.unit_id))


def read_facts(today: dt.date) -> Facts:
    from anjian.hazards.models import Hazard, Source
    from anjian.regions.models import Grid
    from anjian.units.models import Unit

    county = unit_plan.COUNTY_CODE
    since = today - dt.timedelta(days=DAYS - 1)
    grids = tuple(
        GridFacts(pk, name, region[:9])
        for pk, name, region in Grid.objects.filter(region_code__startswith=county)
        .order_by("region_code", "id")
        .values_list("id", "name", "region_code")
    )
    units = tuple(
        UnitFacts(pk, grid_id, region[:9], key, status, lng, lat, timezone.localdate(created))
        for pk, grid_id, region, key, status, lng, lat, created in Unit.objects.filter(
            region_code__startswith=county, is_active=True
        )
        .order_by("region_code", "name", "id")
        .values_list("id", "grid_id", "region_code", "key_supervision", "status", "lng", "lat", "created_at")
    )
    # A hazard found by the worker of the unit's grid (who else could have made that visit).
    hazards = tuple(
        HazardFacts(pk, unit_id, grid_id, found_on)
        for pk, unit_id, grid_id, found_on in Hazard.objects.filter(
            region_code__startswith=county, source=Source.GRID, found_on__range=(since, today),
            reported_by__role=Role.GRID_WORKER, reported_by__grid_id=F("unit__grid_id"),
        )
        .order_by("found_on", "id")
        .values_list("id", "unit_id", "unit__grid_id", "found_on")
    )
    return Facts(today=today, grids=grids, units=units, hazards=hazards)


# --- recording the visits ----------------------------------------------------------------------


@dataclass
class PatrolsResult:
    created: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    accounts_created: int = 0
    skipped: str = ""
    seconds: float = 0.0

    @property
    def summary(self) -> str:
        """One line for load-demo's output."""
        if self.skipped:
            return self.skipped
        c = self.counts
        return (
            f"演示网格巡查 {self.created} 次（近{DAYS}天）：巡查单位 {c['units']} 家，"
            f"发现隐患 {c['hazard_found']} 次（关联网格员上报的隐患），{c['idle_grids']} 个有单位的网格无巡查记录。"
        )


def load_patrols(*, seed: int, today: dt.date | None = None, force: bool = False) -> PatrolsResult:
    """Record the demo county's patrols. Declines (``skipped``) when the county has patrols already."""
    from anjian.patrols.models import Patrol

    started = time.monotonic()
    result = PatrolsResult()
    county = unit_plan.COUNTY_CODE
    if not force and Patrol.objects.filter(region_code__startswith=county).exists():
        result.skipped = "演示县已有巡查记录，未再生成巡查"
        return result
    today = today or timezone.localdate()
    facts = read_facts(today)
    visits = plan(facts, seed)
    if not visits:
        result.skipped = "演示县没有可巡查的单位，未生成巡查记录"
        return result
    with transaction.atomic():
        writer = _Writer(visits, facts, random.Random(seed + 4))
        writer.write()
        audit.record(
            actor=None,
            action="demo.patrols",
            obj=None,
            changes={"seed": seed, "today": today.isoformat(), "patrols": len(visits)},
            actor_name=cli_actor_name(None),
        )
    result.created = writer.created
    result.counts = writer.counts
    result.accounts_created = writer.accounts_created
    result.seconds = time.monotonic() - started
    return result


class _Writer:
    def __init__(self, visits: list[Visit], facts: Facts, rng: random.Random) -> None:
        self.visits = visits
        self.facts = facts
        self.rng = rng  # names of people made here: a stream of its own
        self.counts: Counter[str] = Counter()
        self.created = 0
        self.accounts_created = 0
        self.people: dict[tuple[str, Any], User] = {}

    def _people(self) -> None:
        """The grid workers and township officers the visits need (the demo accounts where they fit)."""
        county = unit_plan.COUNTY_CODE
        wanted_grids = sorted({v.by[1] for v in self.visits if v.by[0] == "grid"})
        wanted_towns = sorted({v.by[1] for v in self.visits if v.by[0] == "township"})
        workers = User.objects.filter(role=Role.GRID_WORKER, grid_id__in=wanted_grids, is_active=True)
        demo = {u.username: u for u in User.objects.filter(
            username__in=("demo_grid", "demo_township"), is_active=True).select_related("org")}
        for user in workers.order_by("id"):
            self.people.setdefault(("grid", user.grid_id), user)
        if (own := demo.get("demo_grid")) is not None and own.grid_id in wanted_grids:
            self.people[("grid", own.grid_id)] = own
        offices = {o.region_code[:9]: o for o in Organization.objects.filter(
            kind=OrgKind.TOWNSHIP, region_code__startswith=county)}
        officers = {u.username: u for u in User.objects.filter(
            username__in=[f"town_{t}" for t in wanted_towns], is_active=True)}
        township = demo.get("demo_township")
        new: list[User] = []
        numbered: dict[str, int] = defaultdict(int)
        for g in self.facts.grids:
            numbered[g.township] += 1
            if g.id in wanted_grids and ("grid", g.id) not in self.people and g.township in offices:
                user = User(username=f"grid_{g.township}_{numbered[g.township]}", role=Role.GRID_WORKER,
                            org=offices[g.township], grid_id=g.id, full_name=unit_plan.person_name(self.rng),
                            phone=unit_plan.phone_number(self.rng))
                user.set_unusable_password()
                new.append(user)
        for town in wanted_towns:
            if township is not None and township.org is not None and township.org.region_code[:9] == town:
                self.people[("township", town)] = township
            elif f"town_{town}" in officers:
                self.people[("township", town)] = officers[f"town_{town}"]
            elif town in offices:
                user = User(username=f"town_{town}", role=Role.TOWNSHIP, org=offices[town],
                            full_name=unit_plan.person_name(self.rng), phone=unit_plan.phone_number(self.rng))
                user.set_unusable_password()
                new.append(user)
        if new:
            User.objects.bulk_create(new)
            who = cli_actor_name(None)
            for user in User.objects.filter(username__in=[u.username for u in new]).order_by("id"):
                key = ("grid", user.grid_id) if user.role == Role.GRID_WORKER else ("township", user.username[5:])
                self.people[key] = user
                audit.record(actor=None, action="user.create", obj=user, actor_name=who, changes={
                    "username": user.username, "role": user.role, "org": user.org_id, "grid": user.grid_id,
                    "demo": True,
                })
        self.accounts_created = len(new)

    def write(self) -> None:
        from anjian.hazards.models import Hazard
        from anjian.patrols.models import Patrol
        from anjian.patrols.services import PatrolData, patrol_record
        from anjian.units.models import Unit

        self._people()
        units = Unit.objects.in_bulk(sorted({v.unit_id for v in self.visits}))
        hazards = Hazard.objects.in_bulk([v.hazard_id for v in self.visits if v.hazard_id is not None])
        today = self.facts.today
        rows: list[Patrol] = []
        made: list[Visit] = []
        for v in self.visits:
            actor = self.people.get(v.by)
            if actor is None:  # a grid of a township without an office: nobody to record it
                continue
            patrol, _ = patrol_record(actor=actor, data=PatrolData(
                unit=units[v.unit_id], outcome=v.outcome, patrolled_on=v.day, note=v.note,
                hazard=hazards[v.hazard_id] if v.hazard_id is not None else None, lat=v.lat, lng=v.lng,
            ))
            made.append(v)
            if v.day < today:  # 登记时间: the visit's day and time (see the module doc); today's stay as recorded
                patrol.created_at = timezone.make_aware(
                    dt.datetime.combine(v.day, dt.time(v.minute // 60, v.minute % 60))
                )
                rows.append(patrol)
        Patrol.objects.bulk_update(rows, ["created_at"], batch_size=500)
        self.created = len(made)
        self.counts.update(v.outcome for v in made)
        self.counts["units"] = len({v.unit_id for v in made})
        visited = {units[v.unit_id].grid_id for v in made}
        with_units = {u.grid_id for u in self.facts.units if u.status != "closed"}
        self.counts["idle_grids"] = sum(1 for g in self.facts.grids if g.id in with_units and g.id not in visited)
