"""Generate a province's facts into a migrated PostgreSQL database (deterministic, COPY, no ORM per row).

    DATABASE_URL=postgres://… .venv/bin/python bench/province/generate.py [--scale 1.0] [--seed N] [--workdir DIR]

湖南省 with its real statistical codes (``anjian import-divisions --builtin --within 43``): 14 cities,
the 122 county-level divisions (the 12 development/management zones coded x7x are left out: they
have no 安委办 of their own), their ~1,950 townships. At ``--scale 1.0`` (the issue's size):

| table | rows | how |
|---|---:|---|
| units | 300,000 | over counties by a skewed weight (districts and big counties larger), townships |
| | | likewise; 20 sectors weighted as a real registry; ~15 % key supervision, ~2 % closed, |
| | | ~3 % deactivated |
| inspections | 1,000,000 | outings of a county's groups (2–6 units a day, the group's officials, sometimes 1–2 |
| | | experts of the city) and single inspections without a group (1–3 officials, or a |
| | | ledger's bare 检查人数); ~20 % tagged with a campaign |
| hazards | 3,000,000 | ~60 % found by inspections (same unit and day), the rest 企业自查 / 网格员 / 群众举报; |
| | | 3 % major; closing time exponential (general mean 12 days, major 60), some never |
| | | closed, so rectified / overdue / open all have data |
| supervisions | ~27,000 | 挂牌督办 of ~30 % of major hazards, some placed twice |
| enforcement actions | 300,000 | from inspections: 9 kinds weighted, fines for penalties (some amended) |
| documents | ~210,000 | 责令限期整改指令书 / 行政处罚决定书 of those actions, numbered per organisation and year |
| interviews | 12,000 | 约谈 / 通报 / 警示曝光 naming 1–4 units |
| accidents | 9,000 | 生产经营性 (some on roads), 道路交通, 火灾, 其他; a few with a unit located elsewhere |
| activities | 60,000 | training, drills, publicity, contests, films |
| campaigns, tasks | ~250, ~2,000 | a province campaign tree, two campaigns per county, roadmap tasks |

Facts are dated 2023-01-01 … 2025-12-31 (three years, slightly more each year, so year-on-year
figures are not zero). One ``random.Random`` per county seeded with (seed, county code): the same
seed and scale give the same rows. Rows go to TSV files first, fact tables sorted by date (so that
on disk a county's rows are scattered among all the others', as in a live system, not clustered
together as they were generated), then one COPY per table with
foreign-key triggers off (the generator makes them consistent), then sequences are reset and
``VACUUM ANALYZE`` runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

REPO = Path(__file__).resolve().parent.parent.parent
SEED = 20261126
PROVINCE = "43"
START = dt.date(2023, 1, 1)
END = dt.date(2025, 12, 31)
NDAYS = (END - START).days + 1
DAYS = [(START + dt.timedelta(days=i)).isoformat() for i in range(NDAYS)]
# Index of 1 January of each year, and the share of the facts falling in it.
YEARS = [(0, 365), (365, 366), (731, 365)]
YEAR_WEIGHTS = [0.29, 0.33, 0.38]

FULL = {
    "units": 300_000, "inspections": 1_000_000, "hazards": 3_000_000, "actions": 300_000,
    "interviews": 12_000, "accidents": 9_000, "activities": 60_000,
}  # fmt: skip

# Sector code → (weight in the registry, the county department that supervises it).
SECTOR_MIX: dict[str, tuple[int, str]] = {
    "non_coal_mine": (3, "应急管理局"), "hazardous_chemicals": (6, "应急管理局"), "fireworks": (4, "应急管理局"),
    "metallurgy": (2, "应急管理局"), "industry_trade": (18, "应急管理局"), "construction": (10, "住房和城乡建设局"),
    "road_transport": (7, "交通运输局"), "waterway": (1, "交通运输局"), "gas": (2, "住房和城乡建设局"),
    "fire": (3, "消防救援大队"), "food": (5, "市场监督管理局"), "special_equipment": (3, "市场监督管理局"),
    "commerce": (18, "商务局"), "culture_tourism": (6, "文化旅游广电体育局"), "education": (3, "教育局"),
    "medical": (3, "卫生健康局"), "elderly_care": (2, "民政局"), "agriculture": (3, "农业农村局"),
    "natural_resources": (1, "自然资源局"), "civil_explosives": (1, "应急管理局"),
}  # fmt: skip
GROUP_KINDS = (["supervisory", "special", "enforcement", "unannounced", "expert"], [35, 30, 20, 10, 5])
SINGLE_KINDS = (["routine", "random", "follow_up", "enforcement", "grid"], [45, 15, 20, 15, 5])
ACTION_KINDS = (
    ["order_rectify", "case_filed", "penalty", "suspend", "close", "license_suspend", "license_revoke", "transfer",
     "criminal"],
    [55, 12, 16, 5, 2, 3, 1, 4, 2],
)  # fmt: skip
FINES = [1000, 2000, 3000, 5000, 8000, 10000, 20000, 30000, 50000, 100000, 200000]
INTERVIEW_KINDS = (["interview", "notice", "exposure"], [50, 30, 20])
ACTIVITY_KINDS = (["training", "drill", "publicity", "contest", "film"], [35, 25, 25, 8, 7])


def day(i: int) -> str:
    return DAYS[i]


def rand_day(rng: random.Random) -> int:
    start, length = rng.choices(YEARS, YEAR_WEIGHTS)[0]
    return start + rng.randrange(length)


# --- TSV sinks: COPY text format ---------------------------------------------------------------------


def fmt(v: Any) -> str:
    if v is None:
        return "\\N"
    if v is True:
        return "t"
    if v is False:
        return "f"
    return str(v)


@dataclass
class Sink:
    """The rows of one table, written as COPY text with the given columns; every other column gets its default."""

    table: str
    columns: list[str]
    path: Path
    constant: str = ""
    # Rows are loaded in this column's order, as a live system writes them (by date, all counties mixed).
    order_by: str | None = None
    count: int = 0
    out: TextIO | None = field(default=None, repr=False)

    def row(self, *values: Any) -> None:
        assert self.out is not None
        self.out.write("\t".join(map(fmt, values)) + self.constant + "\n")
        self.count += 1


def sink_for(model: Any, given: list[str], workdir: Path, name: str | None = None) -> Sink:
    """A sink for a model (or an auto-created through table): ``given`` columns first, then the defaults."""
    from django.db import models

    from anjian.core.events import GENESIS

    given_set = set(given)
    rest: list[str] = []
    values: list[str] = []
    for f in model._meta.concrete_fields:
        if f.column in given_set or f.primary_key:
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            value: Any = "2026-01-01 00:00:00+08"
        elif f.has_default():
            value = f.get_default()
            if isinstance(value, dict):
                value = json.dumps(value)
        elif f.null:
            value = None
        elif isinstance(f, models.CharField | models.TextField | models.FileField):
            value = ""
        else:
            raise ValueError(f"{model._meta.db_table}.{f.column}: no value and no default")
        if f.column == "last_hash":
            value = GENESIS
        rest.append(f.column)
        values.append(fmt(value))
    table = model._meta.db_table
    s = Sink(table, given + rest, workdir / f"{name or table}.tsv", "".join("\t" + v for v in values))
    s.out = s.path.open("w", encoding="utf-8")
    return s


# --- the province ----------------------------------------------------------------------------------


@dataclass
class County:
    code: str  # 6 digits
    name: str
    townships: list[str]  # 12-digit codes
    weight: float = 1.0


@dataclass
class Ids:
    """The next id of each table: deterministic, assigned here so that rows can refer to each other."""

    next: dict[str, int] = field(default_factory=dict)

    def take(self, table: str) -> int:
        n = self.next[table]
        self.next[table] = n + 1
        return n


def province() -> tuple[dict[str, str], list[County]]:
    from anjian.regions.models import Division, Level

    cities = {
        d.code[:4]: d.name for d in Division.objects.filter(level=Level.CITY, code__startswith=PROVINCE)
    }
    counties = []
    for d in Division.objects.filter(level=Level.COUNTY, code__startswith=PROVINCE).order_by("code"):
        if d.code[4] == "7":  # 经济开发区, 管理区 …: no county office of their own
            continue
        towns = list(
            Division.objects.filter(level=Level.TOWNSHIP, code__startswith=d.code[:6])
            .order_by("code").values_list("code", flat=True)
        )
        if towns:
            counties.append(County(d.code[:6], d.name, towns))
    return cities, counties


def generate(scale: float, seed: int, workdir: Path, log: Any = print) -> dict[str, int]:
    from django.db import connection

    from anjian.accidents.models import Accident
    from anjian.accounts.models import Organization, User
    from anjian.accounts.roles import Role
    from anjian.campaigns.models import Campaign, Task
    from anjian.enforcement.models import Document, EnforcementAction, Interview
    from anjian.hazards.models import Hazard, Supervision
    from anjian.inspections.models import Inspection, InspectionGroup, Person
    from anjian.outreach.models import Activity
    from anjian.units.models import Sector, Unit

    started = time.perf_counter()
    target = {k: max(1, round(v * scale)) for k, v in FULL.items()}
    _cities, counties = province()
    top = random.Random(f"{seed}:province")
    for c in counties:
        # Districts of the capital and big counties carry more units: a skewed (log-normal) weight.
        c.weight = top.lognormvariate(0, 0.6) * (1.6 if c.code[2:4] == "01" else 1.0)
    total_weight = sum(c.weight for c in counties)
    sectors = {s.code: s.pk for s in Sector.objects.all()}
    sector_codes = [c for c in SECTOR_MIX if c in sectors]
    sector_weights = [SECTOR_MIX[c][0] for c in sector_codes]

    bench_user, _ = User.objects.get_or_create(
        username="bench_province", defaults={"role": Role.SYSADMIN, "full_name": "压测"}
    )
    ids = Ids()
    models_ = [Organization, Campaign, Task, Person, InspectionGroup, Unit, Inspection, Hazard, Supervision,
               EnforcementAction, Document, Interview, Accident, Activity]  # fmt: skip
    with connection.cursor() as cur:
        for m in models_:
            cur.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {m._meta.db_table}")  # noqa: S608
            ids.next[m._meta.db_table] = cur.fetchone()[0]

    workdir.mkdir(parents=True, exist_ok=True)
    org = sink_for(Organization, ["id", "kind", "name", "region_code"], workdir)
    org_sectors = sink_for(Organization.sectors.through, ["organization_id", "sector_id"], workdir)
    camp = sink_for(Campaign, ["id", "name", "parent_id", "start", "end", "region_code"], workdir)
    task = sink_for(Task, ["id", "campaign_id", "number", "content", "due", "responsible", "completed_on",
                           "region_code"], workdir)  # fmt: skip
    person = sink_for(Person, ["id", "kind", "name", "org_id", "region_code"], workdir)
    group = sink_for(InspectionGroup, ["id", "name", "org_id", "region_code", "leader_id"], workdir)
    members = sink_for(InspectionGroup.members.through, ["inspectiongroup_id", "person_id"], workdir)
    unit = sink_for(Unit, ["id", "name", "region_code", "sector_id", "department_id", "key_supervision",
                           "risk_class", "status", "is_active", "deactivated_at"], workdir)  # fmt: skip
    insp = sink_for(Inspection, ["id", "number", "unit_id", "region_code", "sector_id", "kind", "date", "group_id",
                                 "official_count", "expert_count", "campaign_id"], workdir)  # fmt: skip
    officials = sink_for(Inspection.officials.through, ["inspection_id", "person_id"], workdir, "officials")
    experts = sink_for(Inspection.experts.through, ["inspection_id", "person_id"], workdir, "experts")
    hazard = sink_for(Hazard, ["id", "number", "unit_id", "region_code", "sector_id", "source", "self_check_level",
                               "inspection_ref", "inspection_id", "campaign_id", "description", "level", "status",
                               "found_on", "deadline", "rectified_on", "closed_on"], workdir)  # fmt: skip
    sup = sink_for(Supervision, ["id", "hazard_id", "org_id", "placed_by_id", "placed_on", "until", "lifted_on"],
                   workdir)  # fmt: skip
    action = sink_for(EnforcementAction, ["id", "number", "unit_id", "region_code", "sector_id", "kind", "date",
                                          "org_id", "inspection_id", "campaign_id", "fine_initial", "fine_current"],
                      workdir)  # fmt: skip
    doc = sink_for(Document, ["id", "doc_type", "org_id", "year", "seq", "number", "action_id", "inspection_id",
                              "region_code", "unit_id", "issued_on"], workdir)  # fmt: skip
    interview = sink_for(Interview, ["id", "number", "kind", "date", "persons", "org_id", "region_code"], workdir)
    iv_units = sink_for(Interview.units.through, ["interview_id", "unit_id"], workdir)
    accident = sink_for(Accident, ["id", "number", "occurred_at", "region_code", "unit_id", "category", "road",
                                   "deaths", "injuries", "direct_loss"], workdir)  # fmt: skip
    activity = sink_for(Activity, ["id", "number", "kind", "date", "region_code", "name", "attendees", "materials",
                                   "unit_id", "org_id", "campaign_id"], workdir)  # fmt: skip
    sinks = [org, org_sectors, camp, task, person, group, members, unit, insp, officials, experts, hazard, sup,
             action, doc, interview, iv_units, accident, activity]  # fmt: skip

    # Province campaign tree (1+2+N): one three-year campaign with a sub-campaign per year, plus 2023's.
    province_code = PROVINCE.ljust(12, "0")
    prov_campaigns: list[tuple[int, int, int]] = []  # (id, first day, last day)

    def campaign(name: str, parent: int | None, first: int, last: int, region: str) -> int:
        cid = ids.take("campaigns_campaign")
        camp.row(cid, name, parent, day(first), day(last), region)
        return cid

    c2023 = campaign("2023年安全生产大检查", None, 59, 364, province_code)
    prov_campaigns.append((c2023, 59, 364))
    c3y = campaign("安全生产治本攻坚三年行动", None, 365, NDAYS - 1, province_code)
    prov_campaigns.append((c3y, 365, NDAYS - 1))
    for first, last, year in ((365, 730, 2024), (731, NDAYS - 1, 2025)):
        cid = campaign(f"治本攻坚三年行动{year}年度工作", c3y, first, last, province_code)
        prov_campaigns.append((cid, first, last))
    for cid, first, last in prov_campaigns:
        for k in range(1, 11):
            due = first + (last - first) * k // 11
            task.row(ids.take("campaigns_task"), cid, f"S{k:02d}", "省级重点任务", day(due), "省安委办",
                     day(min(due + 5, NDAYS - 1)) if k % 4 else None, province_code)  # fmt: skip

    for c in counties:
        rng = random.Random(f"{seed}:{c.code}")
        share = c.weight / total_weight
        code12 = c.code.ljust(12, "0")
        short = c.name[:-1] if len(c.name) > 2 else c.name
        # Organisations: the county office and the departments its units' sectors need.
        office = ids.take("accounts_organization")
        org.row(office, "county_office", f"{c.name}安全生产委员会办公室", code12)
        dept: dict[str, int] = {}
        for code in sector_codes:
            name = SECTOR_MIX[code][1]
            if name not in dept:
                dept[name] = ids.take("accounts_organization")
                org.row(dept[name], "department", f"{c.name}{name}", code12)
            org_sectors.row(dept[name], sectors[code])
        dept_ids = list(dept.values())
        # County campaigns, each with roadmap tasks.
        campaigns = list(prov_campaigns)
        for year, (ystart, ylen) in zip((2024, 2025), YEARS[1:], strict=True):
            first = ystart + rng.randrange(0, 120)
            last = min(first + rng.randrange(90, 240), ystart + ylen - 1)
            cid = campaign(f"{short}{year}年安全生产专项整治", None, first, last, code12)
            campaigns.append((cid, first, last))
            for k in range(1, 9):
                due = first + (last - first) * k // 9
                done = None if rng.random() < 0.2 else day(min(due + rng.randrange(-20, 20), NDAYS - 1))
                task.row(ids.take("campaigns_task"), cid, f"T{k:02d}", "县级重点任务", day(due), f"{c.name}应急管理局",
                         done, code12)  # fmt: skip
        # People and groups.
        offs = []
        for k in range(30):
            pid = ids.take("inspections_person")
            offs.append(pid)
            person.row(pid, "official", f"{short}执法{k:02d}", rng.choice([office, *dept_ids]), code12)
        city = f"{c.code[:4]}00000000"
        exps = []
        for k in range(6):
            pid = ids.take("inspections_person")
            exps.append(pid)
            person.row(pid, "expert", f"{short}专家{k:02d}", None, city)
        groups: list[tuple[int, list[int]]] = []
        for k in range(15):
            gid = ids.take("inspections_inspectiongroup")
            crew = rng.sample(offs, rng.randint(3, 6))
            groups.append((gid, crew))
            group.row(gid, f"{short}第{k + 1}检查组", office, code12, crew[0])
            for p in crew:
                members.row(gid, p)
        # Units.
        n_units = max(1, round(target["units"] * share))
        town_weights = [rng.lognormvariate(0, 0.5) for _ in c.townships]
        units: list[tuple[int, str, int]] = []  # (id, region_code, sector_id)
        for _ in range(n_units):
            uid = ids.take("units_unit")
            scode = rng.choices(sector_codes, sector_weights)[0]
            region = rng.choices(c.townships, town_weights)[0]
            sector_id = sectors[scode]
            units.append((uid, region, sector_id))
            r = rng.random()
            status = "closed" if r < 0.02 else "suspended" if r < 0.05 else "normal"
            active = rng.random() >= 0.03
            gone = None if active else f"{day(rand_day(rng))} {rng.randrange(24):02d}:30:00+08"
            key = rng.random() < (0.35 if scode in ("hazardous_chemicals", "fireworks", "non_coal_mine") else 0.12)
            unit.row(uid, f"{short}压测{uid}号有限公司", region, sector_id, dept[SECTOR_MIX[scode][1]], key,
                     rng.choice("ABCD"), status, active, gone)  # fmt: skip

        # Bound as defaults: each county's closures use that county's generator and campaigns.
        def campaign_on(
            d: int, rng: random.Random = rng, campaigns: list[tuple[int, int, int]] = campaigns
        ) -> int | None:
            if rng.random() >= 0.2:
                return None
            live = [cid for cid, first, last in campaigns if first <= d <= last]
            return rng.choice(live) if live else None

        # Inspections: outings of groups, and single inspections.
        n_insp = max(1, round(target["inspections"] * share))
        n_actions = max(1, round(target["actions"] * share))
        n_hazards = max(1, round(target["hazards"] * share))
        p_action = n_actions / n_insp
        mean_h = 0.6 * n_hazards / n_insp
        made = 0
        doc_seq: dict[tuple[int, str, int], int] = {}
        insp_rows: list[tuple[int, int, str, int, int, int | None]] = []
        while made < n_insp:
            d = rand_day(rng)
            camp_id = campaign_on(d)
            if rng.random() < 0.6:
                gid, crew = rng.choice(groups)
                kind = rng.choices(*GROUP_KINDS)[0]
                went = rng.sample(crew, rng.randint(2, len(crew)))
                with_experts = rng.sample(exps, rng.randint(1, 2)) if rng.random() < 0.25 else []
                batch = rng.sample(units, min(len(units), rng.randint(2, 6)))
                for u in batch:
                    iid = ids.take("inspections_inspection")
                    insp.row(iid, f"JC{iid:09d}", u[0], u[1], u[2], kind, day(d), gid, 0, 0, camp_id)
                    for p in went:
                        officials.row(iid, p)
                    for p in with_experts:
                        experts.row(iid, p)
                    insp_rows.append((iid, u[0], u[1], u[2], d, camp_id))
                made += len(batch)
            else:
                u = rng.choice(units)
                iid = ids.take("inspections_inspection")
                kind = rng.choices(*SINGLE_KINDS)[0]
                if rng.random() < 0.15:  # a ledger row: a number of inspectors, no names
                    insp.row(iid, f"JC{iid:09d}", u[0], u[1], u[2], kind, day(d), None, rng.randint(1, 4),
                             rng.randint(0, 1), camp_id)  # fmt: skip
                else:
                    insp.row(iid, f"JC{iid:09d}", u[0], u[1], u[2], kind, day(d), None, 0, 0, camp_id)
                    for p in rng.sample(offs, rng.randint(1, 3)):
                        officials.row(iid, p)
                insp_rows.append((iid, u[0], u[1], u[2], d, camp_id))
                made += 1

        def new_hazard(u: tuple[int, str, int], d: int, source: str, iid: int | None, cid: int | None,
                       rng: random.Random = rng, office: int = office) -> None:
            hid = ids.take("hazards_hazard")
            major = rng.random() < 0.03
            deadline = d + (rng.randrange(30, 181) if major else rng.choice((3, 7, 7, 15, 15, 30)))
            closed = None
            if rng.random() >= (0.10 if major else 0.03):
                closed = d + int(rng.expovariate(1 / (60 if major else 12)))
                if closed > NDAYS - 1:
                    closed = None
            rectified: str | None
            if closed is not None:
                status, rectified = "closed", day(max(d, closed - rng.randrange(0, 4)))
            else:
                status = rng.choices(["reported", "rectifying", "submitted"], [20, 60, 20])[0]
                rectified = day(min(d + rng.randrange(0, 10), NDAYS - 1)) if status == "submitted" else None
            level = "major" if major else "general"
            hazard.row(hid, f"YH{hid:010d}", u[0], u[1], u[2], source,
                       rng.choice(("post", "team", "workshop", "enterprise")) if source == "self_check" else "",
                       f"JC{iid:09d}" if iid else "", iid, cid, "压测隐患", level, status, day(d),
                       day(deadline) if deadline < NDAYS else (START + dt.timedelta(days=deadline)).isoformat(),
                       rectified, day(closed) if closed is not None else None)  # fmt: skip
            if major and rng.random() < 0.3:
                placed = min(d + rng.randrange(1, 10), NDAYS - 1)
                for again in range(2 if rng.random() < 0.05 else 1):
                    on = min(placed + again * 30, NDAYS - 1)
                    lifted = day(closed) if closed is not None and closed >= on else None
                    sup.row(ids.take("hazards_supervision"), hid, office, bench_user.pk, day(on),
                            (START + dt.timedelta(days=on + 90)).isoformat(), lifted)  # fmt: skip

        found_by_inspections = 0
        for iid, uid, region, sector_id, d, camp_id in insp_rows:
            u = (uid, region, sector_id)
            for _ in range(int(rng.random() * 2 * mean_h + 0.5)):
                new_hazard(u, d, "inspection", iid, camp_id)
                found_by_inspections += 1
            if rng.random() < p_action:
                aid = ids.take("enforcement_enforcementaction")
                kind = rng.choices(*ACTION_KINDS)[0]
                ad = min(d + rng.randrange(0, 8), NDAYS - 1)
                fine_i = fine_c = None
                if kind == "penalty":
                    fine_i = Decimal(rng.choice(FINES))
                    r = rng.random()
                    fine_c = fine_i if r < 0.7 else None if r < 0.9 else (fine_i / 2).quantize(Decimal("0.01"))
                who = rng.choice([office, *dept_ids])
                action.row(aid, f"ZF{aid:09d}", uid, region, sector_id, kind, day(ad), who, iid, camp_id, fine_i,
                           fine_c)  # fmt: skip
                if kind in ("order_rectify", "penalty"):
                    doc_type = "rectify_order" if kind == "order_rectify" else "penalty_decision"
                    year = int(day(ad)[:4])
                    seq = doc_seq[(who, doc_type, year)] = doc_seq.get((who, doc_type, year), 0) + 1
                    did = ids.take("enforcement_document")
                    doc.row(did, doc_type, who, year, seq, f"D{who}-{doc_type}-{year}-{seq}", aid, iid, region, uid,
                            day(ad))  # fmt: skip
        # Hazards found otherwise: 企业自查, 网格员, 群众举报.
        for _ in range(max(0, n_hazards - found_by_inspections)):
            u = rng.choice(units)
            src = rng.choices(["self_check", "grid", "public"], [60, 35, 5])[0]
            new_hazard(u, rand_day(rng), src, None, None)
        # Interviews, notices, exposures.
        for _ in range(max(1, round(target["interviews"] * share))):
            vid = ids.take("enforcement_interview")
            interview.row(vid, f"YT{vid:08d}", rng.choices(*INTERVIEW_KINDS)[0], day(rand_day(rng)),
                          rng.randint(1, 5), office, code12)  # fmt: skip
            for u in rng.sample(units, min(len(units), rng.randint(1, 4))):
                iv_units.row(vid, u[0])
        # Accidents: counted where the unit is, or where it happened when there is none.
        for _ in range(max(1, round(target["accidents"] * share))):
            xid = ids.take("accidents_accident")
            cat = rng.choices(["production", "road", "fire", "other"], [35, 45, 15, 5])[0]
            has_unit = rng.random() < {"production": 0.85, "road": 0.1, "fire": 0.5, "other": 0.3}[cat]
            hit = rng.choice(units) if has_unit else None
            # Mostly where the unit is; sometimes elsewhere in the county (a unit's vehicle, a site).
            where = hit[1] if hit and rng.random() < 0.95 else rng.choice(c.townships)
            road = cat == "road" or (cat == "production" and rng.random() < 0.1)
            deaths = rng.choices([0, 1, 2, 3], [60, 30, 7, 3])[0]
            at = f"{day(rand_day(rng))} {rng.randrange(24):02d}:{rng.randrange(60):02d}:00+08"
            accident.row(xid, f"SG{xid:08d}", at, where, hit[0] if hit else None, cat, road, deaths,
                         rng.randint(0, 4), Decimal(rng.randrange(0, 5_000_000)) / 100)  # fmt: skip
        # Outreach.
        for _ in range(max(1, round(target["activities"] * share))):
            aid = ids.take("outreach_activity")
            kind = rng.choices(*ACTIVITY_KINDS)[0]
            at_unit = rng.choice(units) if rng.random() < 0.3 else None
            attendees = rng.randint(10, 300) if kind in ("training", "drill") else rng.randint(0, 500)
            materials = rng.randint(0, 2000) if kind in ("publicity", "film", "contest") else rng.randint(0, 50)
            d = rand_day(rng)
            where = at_unit[1] if at_unit else rng.choice(c.townships)
            activity.row(aid, f"XJ{aid:08d}", kind, day(d), where, "压测活动", attendees, materials,
                         at_unit[0] if at_unit else None, office, campaign_on(d))  # fmt: skip
    for s, column in ((insp, "date"), (hazard, "found_on"), (sup, "placed_on"), (action, "date"),
                      (doc, "issued_on"), (interview, "date"), (accident, "occurred_at"), (activity, "date")):
        s.order_by = column
    for s in sinks:
        assert s.out is not None
        s.out.close()
    made_at = time.perf_counter()
    log(f"generated in {made_at - started:.1f} s: " + ", ".join(f"{s.table} {s.count:,}" for s in sinks))
    load(sinks)
    log(f"loaded with COPY in {time.perf_counter() - made_at:.1f} s")
    analysed = time.perf_counter()
    vacuum_analyze([s.table for s in sinks])
    log(f"VACUUM ANALYZE in {time.perf_counter() - analysed:.1f} s")
    # COPY with the triggers off left the day figures of the province and its cities (stats/cube.py)
    # unbuilt and unmarked: build them as `anjian stats-cube rebuild` would after such a load.
    from anjian.stats import cube

    built = time.perf_counter()
    days = cube.rebuild()
    vacuum_analyze(["stats_dayfigure", "stats_daybymonth", "stats_staleday"])
    log(f"day figures of {days} days built in {time.perf_counter() - built:.1f} s")
    return {s.path.stem: s.count for s in sinks}


def load(sinks: Iterable[Sink]) -> None:
    """One COPY per table, foreign-key triggers off (the rows are consistent by construction), sequences reset."""
    from django.db import connection, transaction

    for s in sinks:
        if s.order_by:
            # A county's facts are generated together; on disk they must lie as a live system writes
            # them: in date order, interleaved with every other county's (GNU sort: stable, C locale).
            key = s.columns.index(s.order_by) + 1
            subprocess.run(
                ["sort", "-t", "\t", "-s", f"-k{key},{key}", "-S", "1G", "-T", str(s.path.parent), "-o", str(s.path),
                 str(s.path)], env=dict(os.environ, LC_ALL="C"), check=True,
            )  # fmt: skip
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL session_replication_role = replica")
        for s in sinks:
            cols = ", ".join(f'"{c}"' for c in s.columns)
            with cur.cursor.copy(f'COPY "{s.table}" ({cols}) FROM STDIN') as copy, s.path.open("rb") as f:
                while block := f.read(1 << 20):
                    copy.write(block)
            s.path.unlink()
        for s in sinks:
            if "id" in s.columns:
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{s.table}\"', 'id'), "  # noqa: S608
                    f"(SELECT COALESCE(MAX(id), 1) FROM \"{s.table}\"))"
                )


def vacuum_analyze(tables: Iterable[str]) -> None:
    """VACUUM sets the visibility map (index-only scans); ANALYZE gives the planner the new sizes."""
    from django.db import connection

    with connection.cursor() as cur:
        for table in dict.fromkeys(tables):
            cur.execute(f'VACUUM (ANALYZE) "{table}"')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = the issue's size (default)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--workdir", type=Path, default=None, help="where the TSV files go (default: a temp dir)")
    parser.add_argument("--json", type=Path, help="write the row counts here")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("generate.py writes with PostgreSQL COPY: set DATABASE_URL=postgres://…")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anjian.settings")
    sys.path.insert(0, str(REPO))
    import tempfile

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    call_command("import_divisions", builtin=True, within=PROVINCE, verbosity=0)
    print(f"divisions of {PROVINCE} imported in {time.perf_counter() - t0:.1f} s", flush=True)
    with tempfile.TemporaryDirectory(prefix="anjian-province-") as tmp:
        counts = generate(args.scale, args.seed, args.workdir or Path(tmp), lambda m: print(m, flush=True))
    if args.json:
        args.json.write_text(json.dumps(counts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
