"""The demo county (anjian load-demo): 平江县 with ~2,000 fictional units, deterministic.

The full demo is loaded once for ``TestDemoCounty`` (in a transaction rolled back after the
class); determinism is checked on a smaller county (``--units``) in its own tests.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from functools import cache
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from anjian.accounts.models import User
from anjian.accounts.roles import Role
from anjian.core import uscc
from anjian.core.text import pinyin_full, pinyin_initials
from anjian.demo import geo, plan
from anjian.demo.loader import ACCOUNTS, DEMO_PASSWORD
from anjian.regions.models import Division, Grid, Level
from anjian.regions.services import DivisionRow, builtin_rows, divisions_import
from anjian.units import services as unit_services
from anjian.units.models import Assignment, Unit
from anjian.units.sectors import SECTORS
from anjian.units.selectors import unit_list

FIELDS = [
    "name",
    "credit_code",
    "region_code",
    "grid__name",
    "address",
    "lng",
    "lat",
    "sector__code",
    "industry_code",
    "department__name",
    "key_supervision",
    "risk_class",
    "above_scale",
    "principal",
    "phone",
    "status",
    "name_initials",
]


def load(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def units() -> list[tuple[Any, ...]]:
    return list(Unit.objects.order_by("name").values_list(*FIELDS))


@cache
def pingjiang_rows() -> list[DivisionRow]:
    return list(builtin_rows("430626"))


@pytest.fixture(scope="class")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """The full demo, as ``make run`` loads it on an empty database (whole-country divisions too)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield load()
        transaction.set_rollback(True)


@pytest.mark.usefixtures("db")
class TestDemoCounty:
    def test_output_lists_one_account_per_role_and_the_password(self, demo):
        assert "单位 2000 个" in demo and "已载入内置区划数据" in demo
        assert f"密码均为 {DEMO_PASSWORD}" in demo
        for account in ACCOUNTS:
            assert account.username in demo

    def test_the_real_townships_and_the_whole_country(self, demo):
        assert Division.objects.filter(level=Level.PROVINCE).count() == 31
        townships = Division.objects.filter(parent_id="430626000000", level=Level.TOWNSHIP)
        assert townships.count() == 25
        for township in townships:
            grids = Grid.objects.filter(township=township)
            assert 3 <= grids.count() <= 6
            assert grids.filter(name=f"{township.name}第1网格").exists()

    def test_about_2000_units_600_key_supervised_over_all_sectors(self, demo):
        assert Unit.objects.count() == 2000
        assert 550 <= Unit.objects.filter(key_supervision=True).count() <= 650
        per_sector = Counter(Unit.objects.values_list("sector__code", flat=True))
        assert set(per_sector) == {code for code, _, _ in SECTORS}
        key_sectors = set(Unit.objects.filter(key_supervision=True).values_list("sector__code", flat=True))
        assert len(key_sectors) == len(SECTORS)
        # The high-risk sectors (《安全生产法》第二十七条) are mostly key-supervised, shops rarely.
        for code in ("non_coal_mine", "hazardous_chemicals"):
            qs = Unit.objects.filter(sector__code=code)
            assert qs.filter(key_supervision=True).count() > qs.count() / 2
        shops = Unit.objects.filter(sector__code="commerce")
        assert shops.filter(key_supervision=True).count() < shops.count() / 4
        assert set(Unit.objects.values_list("risk_class", flat=True)) == {"A", "B", "C", "D"}
        assert Counter(Unit.objects.values_list("status", flat=True))["normal"] > 1900

    def test_credit_codes_are_valid_unique_and_registered_in_the_county(self, demo):
        codes = list(Unit.objects.exclude(credit_code="").values_list("credit_code", flat=True))
        assert len(codes) == len(set(codes))
        assert 1800 < len(codes) < 2000  # some 个体 shops and places (村卫生室, 渡口) have none
        for code in codes:
            assert uscc.validate(code) == code
            assert code[2:8] == "430626"
            assert code[:2] in {"91", "92", "93", "12", "52"}
        shops = Unit.objects.filter(name__endswith="烟花爆竹零售点").exclude(credit_code="")
        assert shops.exists() and all(u.credit_code.startswith("92") for u in shops)

    def test_names_are_unique_per_township_and_regions_are_real(self, demo):
        rows = list(Unit.objects.values_list("name", "region_code", "grid__region_code"))
        assert len({(region[:9], name) for name, region, _ in rows}) == len(rows)
        divisions = dict(Division.objects.filter(code__startswith="430626").values_list("code", "level"))
        levels = Counter(divisions[region] for _, region, _ in rows)
        assert set(levels) == {Level.TOWNSHIP, Level.VILLAGE}
        for _, region, grid_region in rows:
            assert grid_region[:9] == region[:9]  # the grid is in the unit's township

    def test_coordinates_are_inside_the_county(self, demo):
        county = geo.county()
        for lng, lat in Unit.objects.values_list("lng", "lat"):
            assert county.contains((float(lng), float(lat)))

    def test_search_keys_and_departments_are_what_the_services_set(self, demo):
        for unit in Unit.objects.select_related("sector", "department")[:300]:
            assert unit.name_initials == pinyin_initials(unit.name)
            assert unit.name_pinyin == pinyin_full(unit.name)
            assert unit.department == unit_services.default_department(unit.sector, unit.region_code)

    def test_every_unit_passes_the_registry_rules(self, demo):
        # The rules unit_create enforces (anjian.units.services._validate), on every 10th unit:
        # valid code, existing region in scope, grid in the township, no duplicate code or name.
        admin = User.objects.get(username="demo_admin")
        for unit in Unit.objects.select_related("grid", "sector", "department").order_by("id")[::10]:
            data = unit_services.UnitData(
                **{name: getattr(unit, name) for name in unit_services.UNIT_FIELDS},
            )
            assert unit_services.unit_validate(admin, data, unit) == {}, unit.name

    def test_one_account_per_role_that_can_sign_in(self, demo):
        users = {u.username: u for u in User.objects.filter(username__startswith="demo_")}
        assert sorted(u.role for u in users.values()) == sorted(Role.values)
        for user in users.values():
            assert user.is_active and user.check_password(DEMO_PASSWORD)
        assert users["demo_dept"].org.name == "应急管理局"
        assert users["demo_township"].org.name == "安定镇人民政府"
        assert users["demo_grid"].grid.name == "安定镇第1网格"
        assert users["demo_unit"].unit.region_code.startswith("430626101")

    def test_each_demo_account_sees_its_own(self, demo):
        users = {u.username: u for u in User.objects.filter(username__startswith="demo_")}
        assert unit_list(users["demo_admin"]).count() == 2000
        township = unit_list(users["demo_township"])
        assert township.exists() and not township.exclude(region_code__startswith="430626101").exists()
        grid = unit_list(users["demo_grid"])
        assert grid.exists() and set(grid.values_list("grid__name", flat=True)) == {"安定镇第1网格"}
        assert list(unit_list(users["demo_unit"])) == [users["demo_unit"].unit]
        sectors = set(unit_list(users["demo_dept"]).values_list("sector__code", flat=True))
        assert sectors == set(users["demo_dept"].org.sectors.values_list("code", flat=True))

    def test_assignments(self, demo):
        kinds = Counter(Assignment.objects.values_list("kind", flat=True))
        assert kinds == {"township": 2, "unit": 3}
        assert set(Assignment.objects.values_list("person__username", flat=True)) == {"demo_leader", "demo_dept"}

    def test_a_year_of_work_at_the_volumes_of_a_real_county(self, demo):
        # Last year, whole (anjian.demo.activity): the rough yearly volumes of a county of 2,000 units.
        import json

        from django.utils import timezone

        today = timezone.localdate()
        last = today.year - 1
        out = StringIO()
        call_command("stats", "--region", "430626", "--from", f"{last}-01-01", "--to", f"{last}-12-31", "--json",
                     stdout=out)
        v = json.loads(out.getvalue())["indicators"]
        assert 150 <= v["outings"] <= 350 and 450 <= v["inspections"] <= 900
        assert v["inspection_groups"] >= 40 and v["expert_visits"] > 0
        assert 40 <= v["penalty_cases"] <= 90 and 200_000 <= float(v["fines_yuan"]) <= 900_000
        assert 25 <= v["orders_rectify_units"] <= 50 and 80 <= v["documents_issued"] <= 200
        assert 15 <= v["interviews"] <= 50 and 5 <= v["exposures"] <= 20
        assert 60 <= v["trainings"] + v["drills"] + v["publicity_events"] <= 110
        assert 30 <= v["tasks_total"] <= 50
        from anjian.accidents.models import Accident
        from anjian.enforcement.models import ActionKind, EnforcementAction, Interview
        from anjian.inspections.models import Inspection

        actions = EnforcementAction.objects.filter(date__year=last)
        assert 90 <= actions.count() <= 200
        assert 5 <= Accident.objects.filter(occurred_at__year=last).count() <= 10
        # Fewer accidents this year than last (a safer year; whatever the day, this year has one).
        this_year = Accident.objects.filter(occurred_at__year=today.year, occurred_at__date__lte=today).count()
        assert 0 < this_year < Accident.objects.filter(occurred_at__year=last).count()
        kinds = set(EnforcementAction.objects.values_list("kind", flat=True))
        assert kinds == set(ActionKind.values) - {ActionKind.LICENSE_REVOKE}
        assert set(Interview.objects.values_list("kind", flat=True)) == {"interview", "notice", "exposure"}
        assert set(Inspection.objects.values_list("kind", flat=True)) >= {
            "routine", "special", "supervisory", "enforcement", "expert", "unannounced", "random", "follow_up"
        }

    def test_tipoffs_in_every_state(self, demo):
        from anjian.tipoffs.models import RewardStatus, Status, Tipoff
        from anjian.tipoffs.selectors import overdue_q

        assert "演示举报" in demo and "演示网格巡查" in demo
        rows = Tipoff.objects.all()
        assert 35 <= rows.count() <= 45
        assert {"hotline", "letter", "visit", "online"} <= set(rows.values_list("channel", flat=True))
        assert set(rows.values_list("status", flat=True)) == set(Status.values)
        assert set(rows.filter(status=Status.CLOSED, duplicate_of=None).values_list("outcome", flat=True)) == {
            "true", "partly", "false"
        }
        assert rows.exclude(duplicate_of=None).exists() and rows.filter(overdue_q()).exists()
        assert rows.exclude(status=Status.CLOSED).filter(extended_days__gt=0).exists()
        assert set(rows.values_list("reward_status", flat=True)) == set(RewardStatus.values)
        # In the full county every reward state comes from a demo penalty's fine, and some reports led to hazards.
        assert rows.exclude(action=None).count() >= 5 and rows.exclude(hazard=None).count() >= 5

    def test_patrols_cover_townships_and_grids_unevenly(self, demo):
        import datetime as dt

        from django.utils import timezone

        from anjian.patrols import selectors
        from anjian.patrols.models import Patrol

        today = timezone.localdate()
        since = today - dt.timedelta(days=59)
        admin = User.objects.get(username="demo_admin")
        assert 1000 <= Patrol.objects.count() <= 2500
        assert not Patrol.objects.filter(patrolled_on__lt=since).exists()
        townships = [r.rate for r in selectors.coverage(admin, since, today, by="township").rows]
        assert min(townships) < 0.4 and max(townships) > 0.8  # type: ignore[operator]
        grids = selectors.coverage(admin, since, today).rows
        assert any(r.units and r.visited == 0 for r in grids)  # a grid where nobody recorded a visit
        assert any(r.units and r.rate >= 0.9 for r in grids)  # type: ignore[operator]
        assert selectors.not_visited(admin, since).count() > 300
        # demo_grid's grid is well covered, by demo_grid, also in the last 30 days (its not-visited list).
        worker = User.objects.get(username="demo_grid")
        mine = next(r for r in grids if r.key == str(worker.grid_id))
        assert mine.rate >= 0.8  # type: ignore[operator]
        assert set(Patrol.objects.filter(grid=worker.grid).values_list("by", flat=True)) == {worker.pk}
        assert Patrol.objects.filter(by=worker, patrolled_on__gt=today - dt.timedelta(days=30)).exists()
        assert Patrol.objects.exclude(hazard=None).count() >= 10

    def test_annual_plans_and_the_assessment_at_full_volume(self, demo):
        from anjian.campaigns.models import Assessment, AssessmentStatus
        from anjian.plans.models import AnnualPlan, AnnualPlanStatus
        from anjian.plans.selectors import plan_items

        assert "演示年度监督检查计划" in demo and "演示专项行动考核" in demo
        plans = {p.org.name: p for p in AnnualPlan.objects.select_related("org")}
        office, dept = plans["平江县安全生产委员会办公室"], plans["应急管理局"]
        assert plans["安定镇人民政府"].status == AnnualPlanStatus.DRAFT
        for annual in (office, dept):
            assert annual.status == AnnualPlanStatus.APPROVED
            assert 150 <= plan_items(annual).count() <= 300  # the capacity is used up: the rest fall to 双随机
            for status in ("未开始", "进行中", "已完成"):
                assert plan_items(annual, status=status).count() >= 10, status
        # The full county's inspections took units past their yearly limit: the office's plan shows it.
        assert plan_items(office, status="超过上限").exists()
        statuses = Counter(Assessment.objects.values_list("status", flat=True))
        assert statuses[AssessmentStatus.DRAFT] == 1 and statuses[AssessmentStatus.PUBLISHED] >= 1

    def test_a_second_load_declines_politely(self, demo):
        with pytest.raises(CommandError, match="已有 2000 个生产经营单位，未载入演示数据"):
            load()
        out = load("--if-empty")
        assert "未载入演示数据" in out and "demo_admin" in out
        out = load("--force")
        assert "单位 0 个（与已有单位重名或重码而跳过 2000 个）" in out
        assert Unit.objects.count() == 2000 and User.objects.filter(username__startswith="demo_").count() == 9


def test_the_generator_is_deterministic():
    towns = [
        plan.Township("430626101000", "安定镇", (plan.Village("430626101201", "小田村民委员会"),), ("安定镇第1网格",)),
        plan.Township("430626001000", "汉昌街道", (plan.Village("430626001001", "民建路社区"),), ("汉昌街道第1网格",)),
    ]
    assert plan.build(towns, 300, seed=1) == plan.build(towns, 300, seed=1)
    assert plan.build(towns, 300, seed=1) != plan.build(towns, 300, seed=2)
    small = plan.build(towns, 40, seed=1)
    assert {u.sector for u in small} == {code for code, _, _ in SECTORS}  # every sector, even when small
    assert sum(u.key_supervision for u in small) == 12


def test_two_loads_give_the_same_units(db):
    divisions_import(pingjiang_rows())  # 平江县 only: load-demo then skips the whole-country list
    with transaction.atomic():
        load("--units", "150")
        first = units()
        transaction.set_rollback(True)
    assert Unit.objects.count() == 0
    out = load("--units", "150")
    assert "已载入内置区划数据" not in out
    assert units() == first
    assert len(first) == 150


def test_village_and_township_names():
    assert plan.Village("1", "小田村民委员会").full == "小田村"
    assert plan.Village("1", "兴安居民委员会").full == "兴安社区"
    assert plan.Village("1", "民建路社区").short == "民建路"
    assert plan.Village("1", "大西村").rural
    assert plan.Township("1", "福寿山镇", (), ()).short == "福寿山"
    assert plan.Township("1", "汉昌街道", (), ()).urban


def test_allocate_respects_caps_and_total():
    assert plan.allocate(10, [1, 1, 1]) == [4, 3, 3]
    assert plan.allocate(10, [5, 1], caps=[2, 20]) == [2, 8]
    assert sum(plan.allocate(600, [3.0, 1.5, 0.2], caps=[100, 1000, 1000])) == 600


def test_organisation_codes_carry_the_gb11714_check():
    import random

    rng = random.Random(0)
    for _ in range(200):
        body = plan.organisation_code(rng)
        total = sum(int(c, 36) * w for c, w in zip(body[:8], (3, 7, 9, 10, 5, 8, 4, 2), strict=True))
        expected = {10: "X", 11: "0"}.get(11 - total % 11, str(11 - total % 11))
        assert body[8] == expected
