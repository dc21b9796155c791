"""The demo county's hidden hazards (``anjian load-demo --hazards N``), deterministic.

About 1,500 hazards over the last 15 months, so that to-do lists, hazard lists and statistics
have something real to show. Two phases:

1. :func:`plan` draws every hazard's story from one ``random.Random(seed)`` — which unit, who
   found it and how, when, its deadline, and how far it got (待认领 … 已销号, an extension, a
   failed verification, 挂牌督办, 三方签字). Pure Python over lists in a fixed order.
2. :func:`load_hazards` creates the people the stories need and then tells each story through
   the hazard services (hazard_report, hazard_claim, hazard_submit, hazard_verify, …), in the
   order the hazards were found, so numbers, scope, validation, events and audit records are
   exactly what a real deployment writes.

Dates. Events carry their real time (now); the business dates are the story's. ``found_on``
and ``deadline`` are inputs of hazard_report and ``rectified_on`` of hazard_submit, so the
events record them as they are; only ``closed_on`` (stamped today by hazard_verify and by an
on-the-spot correction, which records no date in its events) is moved back afterwards with a
queryset update, together with ``rectified_on`` of on-the-spot corrections and
``Supervision.placed_on`` — none of which any event records, so ``anjian audit verify`` passes.

People. Every actor has the unit in scope, as the services demand: the county office
(demo_admin), the unit's department and township office, the grid worker of the unit's grid
and the unit's own safety officer. The demo accounts play their part where they fit
(demo_dept for 应急 sectors, demo_township for 安定镇, demo_grid for 安定镇第1网格, demo_unit
for its unit); the others are made here, one per township office, department, grid and unit
with hazards, without a usable password (nobody signs in as them; they are the county's history).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any
from unittest import mock

from django.db import transaction
from django.utils import timezone

from anjian.accounts.models import Organization, OrgKind, User
from anjian.accounts.roles import Role
from anjian.core import audit
from anjian.core.text import pinyin_full
from anjian.demo import plan as unit_plan
from anjian.hazards import services
from anjian.hazards.models import (
    Attachment,
    ExtensionStatus,
    Hazard,
    Level,
    MajorCriterion,
    SelfCheckLevel,
    SignoffParty,
    Source,
    Status,
    Supervision,
)
from anjian.hazards.selectors import criteria_for
from anjian.hazards.services import Evidence, HazardData
from anjian.regions.models import Grid
from anjian.regions.services import cli_actor_name
from anjian.units.models import Unit

DEFAULT_HAZARDS = 1500  # for the default 2,000 units: load-demo asks for HAZARDS_PER_UNIT × the units it added
HAZARDS_PER_UNIT = 0.75
SPAN_DAYS = 456  # about 15 months back from today
MAJOR_SHARE = 0.05
TEXTS_CSV = Path(__file__).resolve().parent / "data" / "hazard_texts.csv"
DEMO_ACCOUNTS = {
    "admin": "demo_admin",
    "department": "demo_dept",  # 应急管理局
    "township": "demo_township",  # 安定镇
    "grid": "demo_grid",  # 安定镇第1网格
    "unit": "demo_unit",
}

# How hazards are found (share of the general ones). Self-checks are the largest source once units
# report their own; inspections next; grid workers and tip-offs fill in.
SOURCE_WEIGHTS = ((Source.INSPECTION, 42), (Source.SELF_CHECK, 36), (Source.GRID, 16), (Source.PUBLIC, 6))
SELF_CHECK_WEIGHTS = (
    (SelfCheckLevel.POST, 30),
    (SelfCheckLevel.TEAM, 25),
    (SelfCheckLevel.WORKSHOP, 20),
    (SelfCheckLevel.ENTERPRISE, 25),
)
GENERAL_DEADLINE_DAYS = (7, 7, 7, 7, 7, 10, 15, 15, 30)
MAJOR_DEADLINE_DAYS = (30, 45, 60, 90)
# Where a hazard ended up, by how long ago it was found (days): (reported, rectifying, submitted, closed).
STATE_BY_AGE = (
    (7, (40, 35, 10, 15)),
    (30, (8, 37, 15, 40)),
    (90, (2, 10, 5, 83)),
    (10_000, (0.5, 3, 1.5, 95)),
)
_STATES = (Status.REPORTED, Status.RECTIFYING, Status.SUBMITTED, Status.CLOSED)
MAJOR_STATES = ((Status.RECTIFYING, 30), (Status.SUBMITTED, 15), (Status.CLOSED, 55))
ON_THE_SPOT = 0.12  # of the general hazards that were closed
FAILED_ONCE = 0.05  # a verification that failed before the one that passed
EXTENSION = 0.04  # an extension decided on the way
PENDING_EXTENSION = 0.12  # of the open ones: a request waiting for a decision
FOUND_PHOTO = {Source.INSPECTION: 0.6, Source.GRID: 0.8, Source.PUBLIC: 0.3, Source.SELF_CHECK: 0.3}

# Major-hazard criteria that fit the demo's units, by sector and GB/T 4754 class (names.TEMPLATES):
# (doc_no, industry, items). Sectors without one get no major hazards.
_121, _TEN = "安监总管三〔2017〕121号", "应急管理部令第10号"  # 化工和危险化学品 and 烟花爆竹; 工贸
MAJOR_CRITERIA: dict[tuple[str, str], tuple[str, str, tuple[str, ...]]] = {
    # 加油站: 考核、持证、检测报警、安全附件、责任制、操作规程、特殊作业
    ("hazardous_chemicals", "5265"): (_121, "化工和危险化学品", ("1", "2", "12", "15", "16", "17", "18")),
    # 化工、气体生产
    ("hazardous_chemicals", "2661"): (
        _121,
        "化工和危险化学品",
        ("1", "2", "3", "4", "5", "10", "11", "12", "13", "14", "15", "16", "17", "18", "20"),
    ),
    ("hazardous_chemicals", "2619"): (_121, "化工和危险化学品", ("1", "2", "7", "12", "15", "16", "17", "18", "20")),
    # 危化品经营
    ("hazardous_chemicals", "5169"): (_121, "化工和危险化学品", ("1", "2", "16", "17", "20")),
    # 烟花爆竹零售、批发、生产
    ("fireworks", "5299"): (_121, "烟花爆竹", ("1", "14", "18", "20")),
    ("fireworks", "5949"): (_121, "烟花爆竹", ("1", "2", "4", "5", "6", "7", "8", "13", "14", "19")),
    ("fireworks", "2672"): (_121, "烟花爆竹", tuple(str(i) for i in range(1, 20))),
    # 工贸 (应急管理部令第10号): the two clauses of 第三条 that apply to every 工贸 enterprise
    ("industry_trade", ""): (_TEN, "通用", ("第三条（一）", "第三条（二）")),
    ("metallurgy", ""): (_TEN, "通用", ("第三条（一）", "第三条（二）")),
}

# Major hazards are likelier where the criteria are most specific (危化, 烟花爆竹) than under the two
# general 工贸 clauses.
MAJOR_SECTOR_WEIGHTS = {"hazardous_chemicals": 2.5, "fireworks": 1.5, "metallurgy": 2.0, "industry_trade": 0.6}

# Where in a unit a hazard is, when the text does not say (hazard_texts.csv ``locations`` empty).
SECTOR_PLACES: dict[str, tuple[str, ...]] = {
    "commerce": ("营业区", "收银台旁", "后仓", "二楼卖场"),
    "fire": ("大堂", "客房走廊", "包厢走廊", "楼梯间", "厨房"),
    "education": ("教学楼走廊", "食堂", "学生宿舍楼", "实验楼", "门卫室"),
    "medical": ("门诊大厅", "住院部走廊", "药房", "候诊区"),
    "elderly_care": ("居室走廊", "食堂", "活动室", "护理区"),
    "construction": ("施工现场", "生活区", "材料堆场", "项目部"),
    "road_transport": ("候车厅", "维修车间", "停车场", "调度室"),
    "waterway": ("码头", "候船区", "趸船"),
    "gas": ("充装间", "瓶库", "营业厅", "储罐区"),
    "hazardous_chemicals": ("站房", "罐区", "营业室", "仓库"),
    "fireworks": ("店面", "仓库", "工房"),
    "agriculture": ("养殖场", "仓库", "农机棚", "加工房"),
    "culture_tourism": ("接待大厅", "餐厅", "客房", "游客中心"),
    "non_coal_mine": ("采场", "破碎车间", "办公楼", "炸药库"),
    "natural_resources": ("作业现场", "办公楼", "仓库"),
    "civil_explosives": ("仓库", "办公楼", "作业现场"),
    "special_equipment": ("设备间", "作业现场", "车间"),
}
FACTORY_PLACES = ("生产车间", "仓库", "办公楼", "机修间", "原料区", "成品区")

SUBMIT_NOTES = (
    "已按要求整改完毕，整改后照片见附件。",
    "已整改到位，请验收。",
    "已落实整改措施并完成自查，整改情况见附件照片。",
    "已组织整改，相关设施已恢复完好有效。",
)
VERIFY_NOTES = (
    "经现场复查，隐患已整改到位，同意销号。",
    "复查合格，予以销号。",
    "整改措施落实到位，验收通过。",
)
FAIL_NOTES = (
    "复查发现整改不彻底，请按要求继续整改。",
    "整改照片与现场不符，请重新整改后提交。",
)
CLAIM_NOTES = ("", "", "已签收，立即组织整改。", "收到，按期整改。")
EXTENSION_REASONS = (
    "需采购更换设备，到货周期较长，申请延期。",
    "整改涉及施工改造，需办理相关手续，申请延期。",
    "整改资金正在落实，申请适当延长整改期限。",
)
REJECT_NOTES = ("整改内容简单，应按原期限完成。", "延期理由不充分，请按期整改。")
FOUND_COLOURS = ((196, 64, 48), (210, 120, 40), (170, 90, 70))
RECTIFIED_COLOURS = ((70, 150, 80), (90, 170, 120))
VERIFIED_COLOURS = ((60, 110, 180),)


# --- texts -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    id: str
    title: str
    category: str
    sectors: frozenset[str] | None  # None: every sector
    weight: int
    locations: tuple[str, ...]  # empty: the unit's usual places; ("-",): none (a paper hazard)
    description: str


@cache
def texts() -> tuple[Text, ...]:
    with TEXTS_CSV.open(encoding="utf-8") as f:
        return tuple(
            Text(
                id=row["id"],
                title=row["title"],
                category=row["category"],
                sectors=None if row["sectors"] == "*" else frozenset(row["sectors"].split("|")),
                weight=int(row["weight"]),
                locations=tuple(row["locations"].split("|")) if row["locations"] else (),
                description=row["description"],
            )
            for row in csv.DictReader(f)
        )


@cache
def _texts_for(sector: str) -> tuple[tuple[Text, ...], tuple[int, ...]]:
    fit = tuple(t for t in texts() if t.sectors is None or sector in t.sectors)
    return fit, tuple(t.weight for t in fit)


# --- the plan (no database writes) -------------------------------------------------------------


@dataclass(frozen=True)
class UnitFacts:
    """What the plan needs to know of a unit."""

    id: int
    name: str
    sector: str
    industry_code: str
    township: str  # 9 digits
    grid_id: int | None
    department_id: int | None
    key: bool
    risk_class: str
    status: str
    principal: str


@dataclass
class Story:
    """One hazard from its report to where it stands today. Actors are keys (see ``Cast.actor``)."""

    unit: UnitFacts
    found_on: dt.date
    deadline: dt.date
    source: str
    reporter: tuple[str, Any]
    description: str
    category: str
    location: str
    final: str
    level: str = Level.GENERAL
    criterion: tuple[str, str, str] | None = None  # (doc_no, industry, item)
    self_check_level: str = ""
    on_the_spot: bool = False
    found_photo: bool = False
    funds: Decimal | None = None
    failed_on: dt.date | None = None  # rectified_on of a submission that failed verification
    extension: str = ""  # approved / rejected / pending
    extension_days: int = 0
    rectified_on: dt.date | None = None
    closed_on: dt.date | None = None
    supervised_until: dt.date | None = None
    supervised_on: dt.date | None = None
    signers: tuple[str, ...] = ()  # parties that have signed (major, submitted or closed)
    notes: dict[str, str] = field(default_factory=dict)


def plan(units: Sequence[UnitFacts], n: int, seed: int, today: dt.date, demo_unit: int | None = None) -> list[Story]:
    """``n`` hazard stories over ``units`` (their order matters), in the order they were found."""
    rng = random.Random(seed)
    pool = [u for u in units if u.status != "closed"]
    if not pool or n <= 0:
        return []
    stories: list[Story] = []
    own = next((u for u in pool if u.id == demo_unit), None)
    if own is not None and n >= 20:
        stories += _demo_unit_stories(rng, own, today)
    eligible = [u for u in pool if _criterion_pool(u) is not None]
    n_major = min(round(n * MAJOR_SHARE), len(eligible) * 2) if eligible else 0
    n_major = max(0, n_major - sum(s.level == Level.MAJOR for s in stories))
    weights = [_unit_weight(u) for u in pool]
    major_weights = [_unit_weight(u) * MAJOR_SECTOR_WEIGHTS.get(u.sector, 1.0) for u in eligible]
    for i in range(n_major):
        # One showcase at least: under 挂牌督办, submitted, two of the three signatures in.
        showcase = i == 0 and not any(s.supervised_until for s in stories)
        stories.append(_major(rng, rng.choices(eligible, major_weights)[0], today, showcase))
    while len(stories) < n:
        stories.append(_general(rng, rng.choices(pool, weights)[0], today))
    # Reported in the order found (numbers follow found_on within a year), ties in plan order.
    order = sorted(range(len(stories)), key=lambda i: (stories[i].found_on, i))
    return [stories[i] for i in order]


def _unit_weight(u: UnitFacts) -> float:
    weight = {"A": 0.6, "B": 1.0, "C": 1.5, "D": 2.2}.get(u.risk_class, 1.0) * (2.5 if u.key else 1.0)
    return weight * (0.3 if u.status == "suspended" else 1.0)


def _criterion_pool(u: UnitFacts) -> tuple[str, str, tuple[str, ...]] | None:
    return MAJOR_CRITERIA.get((u.sector, u.industry_code)) or MAJOR_CRITERIA.get((u.sector, ""))


def _age(rng: random.Random) -> int:
    """Days since found: more recent ones likelier (the platform is used more as time goes on)."""
    return min(int(SPAN_DAYS * (1 - rng.random() ** 0.8)), SPAN_DAYS)


def _weighted(rng: random.Random, pairs: Sequence[tuple[Any, float]]) -> Any:
    return rng.choices([k for k, _ in pairs], weights=[w for _, w in pairs])[0]


def _reporter(rng: random.Random, u: UnitFacts, source: str) -> tuple[str, Any]:
    if source == Source.SELF_CHECK:
        return ("unit", u.id)
    if source == Source.GRID:
        return ("grid", u.grid_id)
    if source == Source.PUBLIC:  # a tip-off, entered by office staff
        return _weighted(rng, [(("township", u.township), 7), (("admin", None), 3)])
    options: list[tuple[tuple[str, Any], float]] = [(("township", u.township), 45), (("admin", None), 15)]
    if u.department_id is not None:
        options.append((("department", u.department_id), 40))
    return _weighted(rng, options)


def _general(rng: random.Random, u: UnitFacts, today: dt.date) -> Story:
    age = _age(rng)
    found_on = today - dt.timedelta(days=age)
    source = _weighted(rng, SOURCE_WEIGHTS)
    if source == Source.GRID and u.grid_id is None:
        source = Source.INSPECTION
    candidates, weights = _texts_for(u.sector)
    text = rng.choices(candidates, weights)[0]
    shares = next(shares for limit, shares in STATE_BY_AGE if age <= limit)
    final = _weighted(rng, list(zip(_STATES, shares, strict=True)))
    days = rng.choice(GENERAL_DEADLINE_DAYS)
    story = Story(
        unit=u,
        found_on=found_on,
        deadline=found_on + dt.timedelta(days=days),
        source=source,
        reporter=_reporter(rng, u, source),
        description=text.description,
        category=text.category,
        location=_location(rng, text, u),
        final=final,
        self_check_level=_weighted(rng, SELF_CHECK_WEIGHTS) if source == Source.SELF_CHECK else "",
        found_photo=rng.random() < FOUND_PHOTO[source],
    )
    if final == Status.CLOSED and source != Source.PUBLIC and rng.random() < ON_THE_SPOT:
        story.on_the_spot = True
        story.found_photo = True
        story.deadline = found_on
        story.rectified_on = story.closed_on = found_on
        return story
    _progress(rng, story, today)
    if final == Status.CLOSED and rng.random() < 0.5:
        story.funds = Decimal(rng.choice((200, 500, 800, 1200, 2000, 3500, 5000, 8000, 15000)))
    return story


def _location(rng: random.Random, text: Text, u: UnitFacts) -> str:
    if text.locations == ("-",):
        return ""
    places = text.locations or SECTOR_PLACES.get(u.sector, FACTORY_PLACES)
    return rng.choice(places)


def _progress(rng: random.Random, s: Story, today: dt.date) -> None:
    """Dates and detours of a story from its report to its final state."""
    if s.final != Status.REPORTED and rng.random() < EXTENSION:
        s.extension = _weighted(rng, [(ExtensionStatus.APPROVED, 7), (ExtensionStatus.REJECTED, 3)])
    elif s.final == Status.RECTIFYING and rng.random() < PENDING_EXTENSION:
        s.extension = ExtensionStatus.PENDING
    if s.extension:
        s.extension_days = rng.choice((7, 15, 15, 30))
        s.notes["extension"] = rng.choice(EXTENSION_REASONS)
        if s.extension == ExtensionStatus.REJECTED:
            s.notes["extension_decision"] = rng.choice(REJECT_NOTES)
    deadline = s.deadline + dt.timedelta(days=s.extension_days if s.extension == ExtensionStatus.APPROVED else 0)
    span = max((deadline - s.found_on).days, 1)
    if s.final == Status.CLOSED:
        late = rng.random() < 0.15
        took = span + rng.randint(1, 20) if late else rng.randint(max(1, span // 4), span)
        s.rectified_on = min(s.found_on + dt.timedelta(days=took), today)
        s.closed_on = min(s.rectified_on + dt.timedelta(days=_weighted(rng, _VERIFY_LAG)), today)
    elif s.final == Status.SUBMITTED:
        lag = rng.randint(0, 4) if rng.random() < 0.8 else rng.randint(5, 15)
        s.rectified_on = max(s.found_on, today - dt.timedelta(days=lag))
    if s.final in (Status.CLOSED, Status.RECTIFYING) and rng.random() < FAILED_ONCE:
        end = s.rectified_on or today
        if (end - s.found_on).days >= 3:
            s.failed_on = s.found_on + dt.timedelta(days=rng.randint(1, (end - s.found_on).days - 2))
            s.notes["fail"] = rng.choice(FAIL_NOTES)
    s.notes.setdefault("claim", rng.choice(CLAIM_NOTES))
    s.notes.setdefault("submit", rng.choice(SUBMIT_NOTES))
    s.notes.setdefault("verify", rng.choice(VERIFY_NOTES))


_VERIFY_LAG = ((0, 2), (1, 4), (2, 4), (3, 3), (5, 2), (7, 1), (12, 1))


def _major(rng: random.Random, u: UnitFacts, today: dt.date, showcase: bool = False) -> Story:
    doc_no, industry, items = _criterion_pool(u)  # type: ignore[misc]
    item = rng.choice(items)
    final = _weighted(rng, MAJOR_STATES)
    if showcase:
        final = Status.SUBMITTED
    age = rng.randint(20, SPAN_DAYS) if final == Status.CLOSED else rng.randint(5, 120)
    found_on = today - dt.timedelta(days=age)
    source = _weighted(rng, [(Source.INSPECTION, 75), (Source.SELF_CHECK, 25)])
    if source == Source.INSPECTION:
        # Majors are found by the county office or the sector's department, not left to the township.
        options = [(("admin", None), 4)] + ([(("department", u.department_id), 6)] if u.department_id else [])
        reporter = _weighted(rng, options)
    else:
        reporter = ("unit", u.id)
    story = Story(
        unit=u,
        found_on=found_on,
        deadline=found_on + dt.timedelta(days=rng.choice(MAJOR_DEADLINE_DAYS)),
        source=source,
        reporter=reporter,
        description="",  # the criterion's text, filled in when the criterion is looked up
        category="",
        location=rng.choice(SECTOR_PLACES.get(u.sector, FACTORY_PLACES)),
        final=final,
        level=Level.MAJOR,
        criterion=(doc_no, industry, item),
        self_check_level=SelfCheckLevel.ENTERPRISE if source == Source.SELF_CHECK else "",
        found_photo=True,
        funds=Decimal(rng.choice((30, 50, 80, 120, 200, 350))) * 1000,
    )
    _progress(rng, story, today)
    if final in (Status.RECTIFYING, Status.SUBMITTED) and (rng.random() < 0.6 or showcase):
        story.supervised_on = min(found_on + dt.timedelta(days=rng.randint(2, 10)), today)
        story.supervised_until = max(story.deadline, today + dt.timedelta(days=rng.choice((15, 30))))
    if final == Status.CLOSED:
        story.signers = tuple(SignoffParty.values)
    elif showcase:
        story.signers = (SignoffParty.GROUP_LEADER, SignoffParty.SUPERVISOR)
    elif final == Status.SUBMITTED:
        parties = list(SignoffParty.values)
        story.signers = tuple(p for p in parties if rng.random() < 0.6)
    return story


def _demo_unit_stories(rng: random.Random, u: UnitFacts, today: dt.date) -> list[Story]:
    """demo_unit's own hazards: one in every state its to-do list knows, and some history."""
    out = []
    wanted = [
        (2, Status.REPORTED, Source.INSPECTION, ""),
        (9, Status.RECTIFYING, Source.SELF_CHECK, ExtensionStatus.PENDING),
        (40, Status.RECTIFYING, Source.SELF_CHECK, ExtensionStatus.REJECTED),  # and now overdue
        (12, Status.SUBMITTED, Source.GRID, ""),
        (75, Status.CLOSED, Source.INSPECTION, ExtensionStatus.APPROVED),
        (160, Status.CLOSED, Source.SELF_CHECK, ""),
        (300, Status.CLOSED, Source.INSPECTION, ""),
    ]
    for age, final, source, extension in wanted:
        if source == Source.GRID and u.grid_id is None:
            source = Source.INSPECTION
        candidates, weights = _texts_for(u.sector)
        text = rng.choices(candidates, weights)[0]
        found_on = today - dt.timedelta(days=age)
        s = Story(
            unit=u,
            found_on=found_on,
            deadline=found_on + dt.timedelta(days=7 if age > 7 else 15),
            source=source,
            reporter=("township", u.township) if source == Source.INSPECTION else _reporter(rng, u, source),
            description=text.description,
            category=text.category,
            location=_location(rng, text, u),
            final=final,
            self_check_level=SelfCheckLevel.TEAM if source == Source.SELF_CHECK else "",
            found_photo=True,
            extension=extension,
            extension_days=15 if extension else 0,
        )
        if extension:
            s.notes["extension"] = EXTENSION_REASONS[0]
            s.notes["extension_decision"] = REJECT_NOTES[0] if extension == ExtensionStatus.REJECTED else ""
        if final == Status.RECTIFYING and extension == ExtensionStatus.PENDING:
            s.deadline = today + dt.timedelta(days=3)
        s.notes.update(claim=CLAIM_NOTES[2], submit=SUBMIT_NOTES[0], verify=VERIFY_NOTES[0])
        if final == Status.SUBMITTED:
            s.rectified_on = today - dt.timedelta(days=1)
        elif final == Status.CLOSED:
            s.rectified_on = found_on + dt.timedelta(days=6 + s.extension_days)
            s.closed_on = s.rectified_on + dt.timedelta(days=2)
        out.append(s)
    pool = _criterion_pool(u)
    if pool is not None:  # a major one under 挂牌督办, waiting for the unit's own signature
        doc_no, industry, items = pool
        found_on = today - dt.timedelta(days=35)
        out.append(
            Story(
                unit=u,
                found_on=found_on,
                deadline=found_on + dt.timedelta(days=60),
                source=Source.INSPECTION,
                reporter=("admin", None),
                description="",
                category="",
                location=SECTOR_PLACES.get(u.sector, FACTORY_PLACES)[0],
                final=Status.SUBMITTED,
                level=Level.MAJOR,
                criterion=(doc_no, industry, items[len(items) // 2]),
                found_photo=True,
                funds=Decimal(80000),
                rectified_on=today - dt.timedelta(days=2),
                supervised_on=found_on + dt.timedelta(days=3),
                supervised_until=found_on + dt.timedelta(days=60),
                signers=(SignoffParty.GROUP_LEADER, SignoffParty.SUPERVISOR),
                notes={"claim": CLAIM_NOTES[2], "submit": "重大隐患治理已完成，治理报告及照片见附件。"},
            )
        )
    return out


# --- the people ------------------------------------------------------------------------------


@dataclass
class Cast:
    """Who acts: the county office's admin, one officer per township office and department,
    one worker per grid and one safety officer per unit with hazards."""

    admin: User
    townships: dict[str, User] = field(default_factory=dict)  # township code (9 digits) → officer
    departments: dict[int, User] = field(default_factory=dict)  # department org id → officer
    grids: dict[int, User] = field(default_factory=dict)  # grid id → worker
    units: dict[int, User] = field(default_factory=dict)  # unit id → safety officer
    created: int = 0

    def actor(self, key: tuple[str, Any]) -> User:
        kind, ref = key
        if kind == "township":
            return self.townships[ref]
        if kind == "department":
            return self.departments[ref]
        if kind == "grid":
            return self.grids[ref]
        if kind == "unit":
            return self.units[ref]
        return self.admin

    def verifier(self, hazard: Hazard) -> User:
        """An officer of the organisation that verifies ``hazard`` (set by hazard_report)."""
        org = hazard.verifier_org
        if org is None or org.kind == OrgKind.COUNTY_OFFICE:
            return self.admin
        if org.kind == OrgKind.TOWNSHIP:
            return self.townships[org.region_code[:9]]
        return self.departments[org.pk]


def _cast(stories: Sequence[Story], rng: random.Random) -> Cast:
    """The accounts the stories need: the demo accounts where they fit, new ones elsewhere."""
    county = unit_plan.COUNTY_CODE
    by_name = {u.username: u for u in User.objects.filter(username__in=DEMO_ACCOUNTS.values())}
    admin = by_name.get(DEMO_ACCOUNTS["admin"]) or User.objects.get(
        role=Role.COUNTY_ADMIN, org__kind=OrgKind.COUNTY_OFFICE, org__region_code=county.ljust(12, "0")
    )
    cast = Cast(admin=admin)
    new: list[User] = []

    def person(username: str, role: Role, **fields: Any) -> User:
        existing = User.objects.filter(username=username).first()
        if existing is not None:
            return existing
        user = User(
            username=username,
            role=role,
            full_name=unit_plan.person_name(rng),
            phone=unit_plan.phone_number(rng),
            **fields,
        )
        user.set_unusable_password()
        new.append(user)
        return user

    demo_township = by_name.get(DEMO_ACCOUNTS["township"])
    for org in Organization.objects.filter(kind=OrgKind.TOWNSHIP, region_code__startswith=county).order_by(
        "region_code", "id"
    ):
        code = org.region_code[:9]
        if code in cast.townships:
            continue
        if demo_township is not None and demo_township.org_id == org.pk:
            cast.townships[code] = demo_township
        else:
            cast.townships[code] = person(f"town_{code}", Role.TOWNSHIP, org=org)
    demo_dept = by_name.get(DEMO_ACCOUNTS["department"])
    for org in Organization.objects.filter(kind=OrgKind.DEPARTMENT, region_code=county.ljust(12, "0")).order_by("id"):
        if demo_dept is not None and demo_dept.org_id == org.pk:
            cast.departments[org.pk] = demo_dept
        elif org.sectors.exists():
            cast.departments[org.pk] = person(
                f"dept_{pinyin_full(org.short_name or org.name)}", Role.DEPARTMENT, org=org
            )
    demo_grid = by_name.get(DEMO_ACCOUNTS["grid"])
    offices = {
        o.region_code: o for o in Organization.objects.filter(kind=OrgKind.TOWNSHIP, region_code__startswith=county)
    }
    numbered: dict[str, int] = defaultdict(int)
    for grid in Grid.objects.filter(region_code__startswith=county).order_by("region_code", "id"):
        numbered[grid.region_code] += 1
        if demo_grid is not None and demo_grid.grid_id == grid.pk:
            cast.grids[grid.pk] = demo_grid
        elif grid.region_code in offices:
            code = f"grid_{grid.region_code[:9]}_{numbered[grid.region_code]}"
            cast.grids[grid.pk] = person(code, Role.GRID_WORKER, org=offices[grid.region_code], grid=grid)
    demo_unit = by_name.get(DEMO_ACCOUNTS["unit"])
    needed = sorted({s.unit.id for s in stories})
    staff = {
        u.unit_id: u
        for u in User.objects.filter(role=Role.UNIT_STAFF, unit_id__in=needed, is_active=True).order_by("-id")
    }
    codes = dict(Unit.objects.filter(pk__in=needed).values_list("pk", "credit_code"))
    for unit_id in needed:
        if demo_unit is not None and demo_unit.unit_id == unit_id:
            cast.units[unit_id] = demo_unit
        elif unit_id in staff:
            cast.units[unit_id] = staff[unit_id]
        else:
            cast.units[unit_id] = person(f"unit_{codes[unit_id] or unit_id}", Role.UNIT_STAFF, unit_id=unit_id)
    User.objects.bulk_create(new, batch_size=500)  # sets their primary keys (SQLite and PostgreSQL)
    who = cli_actor_name(None)
    for user in User.objects.filter(username__in=[u.username for u in new]).order_by("id"):
        audit.record(
            actor=None,
            action="user.create",
            obj=user,
            changes={
                "username": user.username,
                "role": user.role,
                "org": user.org_id,
                "unit": user.unit_id,
                "grid": user.grid_id,
                "demo": True,
            },
            actor_name=who,
        )
    cast.created = len(new)
    return cast


# --- telling the stories ---------------------------------------------------------------------


@dataclass
class HazardsResult:
    created: int = 0
    accounts_created: int = 0
    skipped: str = ""
    seconds: float = 0.0


def _jpeg(colour: tuple[int, int, int]) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (32, 24), colour).save(buf, "JPEG", quality=85)
    return buf.getvalue()


class _Photos:
    """A few tiny solid-colour JPEGs, made once, handed out by kind."""

    def __init__(self) -> None:
        self.found = [_jpeg(c) for c in FOUND_COLOURS]
        self.rectified = [_jpeg(c) for c in RECTIFIED_COLOURS]
        self.verified = [_jpeg(c) for c in VERIFIED_COLOURS]

    def pick(self, kind: str, n: int, name: str) -> list[Evidence]:
        pool = getattr(self, kind)
        return [
            Evidence(name=f"{name}{i + 1}.jpg", content=pool[(n + i) % len(pool)], content_type="image/jpeg")
            for i in range(1 + n % 2 if kind == "found" else 1)
        ]


@contextmanager
def _shared_files() -> Iterator[None]:
    """Store each distinct photo once: the services name files by their SHA-256, so a file already
    stored under that name has the same bytes (a real upload would get a copy of its own)."""
    storage = Attachment._meta.get_field("file").storage
    original = storage.save

    def save(name: str, content: Any, max_length: int | None = None) -> str:
        if storage.exists(name):
            return name
        return original(name, content, max_length=max_length)

    with mock.patch.object(storage, "save", save):
        yield


def load_hazards(
    *, n: int = DEFAULT_HAZARDS, seed: int, today: dt.date | None = None, force: bool = False
) -> HazardsResult:
    """Add ``n`` demo hazards to the demo county. Declines (``skipped``) when it has hazards already."""
    started = time.monotonic()
    result = HazardsResult()
    county = unit_plan.COUNTY_CODE
    if n <= 0:
        result.skipped = "未生成隐患（--hazards 0）"
        return result
    if not force and Hazard.objects.filter(region_code__startswith=county).exists():
        result.skipped = "演示县已有隐患，未再生成"
        return result
    today = today or timezone.localdate()
    units = _unit_facts()
    demo_unit = User.objects.filter(username=DEMO_ACCOUNTS["unit"]).values_list("unit_id", flat=True).first()
    stories = plan(units, n, seed, today, demo_unit)
    if not stories:
        result.skipped = "演示县没有可用的单位，未生成隐患"
        return result
    rng = random.Random(seed + 1)  # people's names: a stream of their own, the plan's stays as it is
    criteria = _criteria()
    photos = _Photos()
    with transaction.atomic(), _shared_files():
        cast = _cast(stories, rng)
        closed: dict[dt.date, list[int]] = defaultdict(list)
        on_spot: dict[dt.date, list[int]] = defaultdict(list)
        placed: list[tuple[int, dt.date]] = []
        rows = Unit.objects.in_bulk(sorted({s.unit.id for s in stories}))
        for i, story in enumerate(stories):
            hazard = _tell(story, i, cast, criteria, photos, today, placed, rows)
            if story.final == Status.CLOSED:
                assert story.closed_on is not None
                (on_spot if story.on_the_spot else closed)[story.closed_on].append(hazard.pk)
        # The business dates the services stamp with today, moved back to the story's (see the module doc).
        for day, pks in closed.items():
            Hazard.objects.filter(pk__in=pks).update(closed_on=day)
        for day, pks in on_spot.items():
            Hazard.objects.filter(pk__in=pks).update(closed_on=day, rectified_on=day)
        for pk, day in placed:
            Supervision.objects.filter(pk=pk).update(placed_on=day)
        audit.record(
            actor=None,
            action="demo.hazards",
            obj=None,
            changes={"hazards": len(stories), "seed": seed, "today": today.isoformat(), "accounts": cast.created},
            actor_name=cli_actor_name(None),
        )
    result.created = len(stories)
    result.accounts_created = cast.created
    result.seconds = time.monotonic() - started
    return result


def _unit_facts() -> list[UnitFacts]:
    county = unit_plan.COUNTY_CODE
    # Units with a credit code only: a unit's account is tied to its code (user_create), and a
    # hazard is rectified and claimed by the unit's own account.
    rows = (
        Unit.objects.filter(region_code__startswith=county, is_active=True)
        .exclude(credit_code="")
        .order_by("credit_code")
        .values_list(
            "id",
            "name",
            "sector__code",
            "industry_code",
            "region_code",
            "grid_id",
            "department_id",
            "key_supervision",
            "risk_class",
            "status",
            "principal",
        )
    )
    return [
        UnitFacts(
            id=r[0],
            name=r[1],
            sector=r[2],
            industry_code=r[3],
            township=r[4][:9],
            grid_id=r[5],
            department_id=r[6],
            key=r[7],
            risk_class=r[8],
            status=r[9],
            principal=r[10],
        )
        for r in rows
    ]


def _criteria() -> dict[tuple[str, str, str], MajorCriterion]:
    return {(c.doc_no, c.industry, c.item): c for c in MajorCriterion.objects.all()}


def _major_text(criterion: MajorCriterion) -> str:
    text = criterion.text.strip()
    if text.endswith("的。"):
        text = text[:-2] + "。"
    return text


def _plan_for(story: Story, staff: User) -> dict[str, str]:
    d = story.deadline
    return {
        "goal": f"彻底消除该重大事故隐患，于{d.year}年{d.month}月{d.day}日前完成治理并通过验收销号。",
        "measures": "对隐患部位停用并设置警戒，制定专项整改方案，委托有相应资质的单位实施整改，整改后组织自查复核。",
        "funds": f"落实治理资金{int(story.funds or 0) // 10000}万元，所需设备材料由单位自筹采购。",
        "people": f"成立以主要负责人{story.unit.principal or staff.display_name}为组长的治理工作组，"
        f"安全管理人员{staff.display_name}具体负责。",
        "time_limit": f"{d.year}年{d.month}月{d.day}日前完成，每周向监管部门报告治理进展。",
        "safety": "治理期间设置警示标志、落实专人监护，完善现场处置方案并配备应急器材，必要时停产停业。",
    }


def _tell(
    story: Story,
    index: int,
    cast: Cast,
    criteria: dict[tuple[str, str, str], MajorCriterion],
    photos: _Photos,
    today: dt.date,
    placed: list[tuple[int, dt.date]],
    units: dict[int, Unit],
) -> Hazard:
    reporter = cast.actor(story.reporter)
    staff = cast.units[story.unit.id]
    criterion = None
    description, category = story.description, story.category
    if story.criterion is not None:
        criterion = criteria.get(story.criterion)
        if criterion is None or not criteria_for(story.found_on).filter(pk=criterion.pk).exists():
            raise RuntimeError(f"重大隐患判定标准条款不存在或不在有效期内：{story.criterion}")
        description, category = _major_text(criterion), "重大事故隐患"
    data = HazardData(
        unit=units[story.unit.id],
        description=description,
        level=story.level,
        found_on=story.found_on,
        deadline=story.deadline,
        source=story.source,
        category=category,
        location=story.location,
        self_check_level=story.self_check_level,
        criterion=criterion,
        responsible_person=staff.display_name if story.final != Status.REPORTED else "",
        funds=story.funds,
        on_the_spot=story.on_the_spot,
        photos=photos.pick("found", index, "隐患照片") if story.found_photo else [],
        after_photos=photos.pick("rectified", index, "整改后照片") if story.on_the_spot else [],
    )
    hazard, _ = services.hazard_report(actor=reporter, data=data)
    if story.on_the_spot or story.final == Status.REPORTED:
        return hazard
    hazard = services.hazard_claim(actor=staff, hazard=hazard, note=story.notes.get("claim", ""))
    if story.level == Level.MAJOR:
        hazard = services.hazard_plan(actor=staff, hazard=hazard, plan=_plan_for(story, staff))
    if story.supervised_until is not None:
        supervisor = reporter if reporter.role in (Role.COUNTY_ADMIN, Role.DEPARTMENT) else cast.admin
        item = services.hazard_supervise(
            actor=supervisor, hazard=hazard, until=story.supervised_until, note="重大事故隐患，挂牌督办，限期治理。"
        )
        placed.append((item.pk, story.supervised_on or today))
    if story.failed_on is not None:
        hazard = services.hazard_submit(
            actor=staff,
            hazard=hazard,
            note=story.notes["submit"],
            files=photos.pick("rectified", index, "整改照片"),
            rectified_on=story.failed_on,
        )
        hazard = services.hazard_verify(
            actor=cast.verifier(hazard), hazard=hazard, passed=False, note=story.notes["fail"]
        )
    if story.extension:
        ext = services.hazard_extend_request(
            actor=staff,
            hazard=hazard,
            new_deadline=hazard.deadline + dt.timedelta(days=story.extension_days),
            reason=story.notes["extension"],
        )
        if story.extension != ExtensionStatus.PENDING:
            services.hazard_extend_decide(
                actor=cast.verifier(hazard),
                extension=ext,
                approved=story.extension == ExtensionStatus.APPROVED,
                note=story.notes.get("extension_decision", ""),
            )
            hazard.refresh_from_db()
    if story.final == Status.RECTIFYING:
        return hazard
    assert story.rectified_on is not None
    hazard = services.hazard_submit(
        actor=staff,
        hazard=hazard,
        note=story.notes["submit"],
        files=photos.pick("rectified", index + 1, "整改照片"),
        rectified_on=story.rectified_on,
    )
    for party in story.signers:
        services.hazard_sign(actor=_signer(party, story, hazard, cast, reporter), hazard=hazard, party=party)
    if story.final == Status.SUBMITTED:
        return hazard
    return services.hazard_verify(
        actor=cast.verifier(hazard),
        hazard=hazard,
        passed=True,
        note=story.notes.get("verify", VERIFY_NOTES[0]),
        files=photos.pick("verified", index, "验收照片"),
    )


def _signer(party: str, story: Story, hazard: Hazard, cast: Cast, reporter: User) -> User:
    """Who signs for each party of the 三方签字确认, always someone with the unit in scope."""
    if party == SignoffParty.UNIT_PRINCIPAL:
        return cast.units[story.unit.id]
    if party == SignoffParty.GROUP_LEADER:  # 检查组组长: whoever led the inspection, else the county office
        return reporter if reporter.role in (Role.COUNTY_ADMIN, Role.DEPARTMENT) else cast.admin
    # 乡镇或行业部门: the unit's department (it answers for the sector) unless it led the inspection
    # (one person does not sign for two parties), else the township office.
    department = cast.departments.get(story.unit.department_id) if story.unit.department_id else None
    if department is not None and department != _signer(SignoffParty.GROUP_LEADER, story, hazard, cast, reporter):
        return department
    return cast.townships[story.unit.township]
