"""年度监督检查计划 writes: numbering, generation order and capacity cut, no overlap (150号 Art. 4), yearly
limits (DOMAIN.md §3.4), approval, read-only once approved, roles — every refusal leaves the database as it was.

Fixture county (tests/conftest.py): 安定镇 汇丰化工 chem_a (危化, 重点, B) and 安定建筑 build_a (建筑, unclassified);
三市镇 花炮批发部 fire_b (烟花爆竹, 重点, C) and 宏远建设 build_b (建筑, unclassified); all four in high-risk
sectors. ``SMALL`` gives 10 重点 人·日 = 5 家次.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, transaction

from anjian.core.models import AuditEntry
from anjian.plans.models import AnnualPlan, AnnualPlanStatus, PlanItem
from anjian.plans.services import (
    GenerateCriteria,
    PermissionDenied,
    PlanError,
    plan_add_unit,
    plan_approve,
    plan_create,
    plan_generate,
    plan_remove_item,
    plan_set_times,
    plan_update,
)
from tests.plans.conftest import add_unit, plan_data

JUNE = dt.datetime(2026, 6, 16, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _june():
    with time_machine.travel(JUNE, tick=False):
        yield


@pytest.fixture
def ranked(county):
    """Non-high-risk units of 三市镇 with classes, made after the fixture's four (so with higher ids)."""
    add_unit(county, "x_d", "三市镇甲商店", "commerce", risk_class="D")
    add_unit(county, "x_d_key", "三市镇乙工贸", "industry_trade", risk_class="D", key_supervision=True)
    add_unit(county, "x_a", "三市镇丙超市", "commerce", risk_class="A")
    return county


def state():
    """Everything a refused write must leave as it was."""
    plans = list(AnnualPlan.objects.order_by("id").values())
    items = list(PlanItem.objects.order_by("id").values())
    return plans, items, AuditEntry.objects.count()


def test_create_numbers_and_audits(county):
    admin = county.users["county_admin"]
    plan = plan_create(actor=admin, data=plan_data(year=2027, title="平江县安委办2027年度计划"))
    plan.refresh_from_db()
    assert plan.number == "JH430626202700001"
    assert (plan.org, plan.region_code, plan.status, plan.created_by) == (county.office, "430626000000", "draft", admin)
    assert plan.limits["high_risk"]["C"] == 8
    assert plan_create(actor=county.users["department"], data=plan_data(year=2027)).number == "JH430626202700002"
    assert plan_create(actor=admin, data=plan_data(year=2026)).number == "JH430626202600001"
    entry = AuditEntry.objects.filter(action="annual_plan.create").first()
    assert entry is not None and entry.changes["officers"] == 1


def test_invalid_data_write_nothing_and_keep_the_number(county):
    admin = county.users["county_admin"]
    before = state()
    with pytest.raises(PlanError) as exc:
        plan_create(actor=admin, data=plan_data(other_enforcement_days=6, non_enforcement_days=5))
    assert "超过总法定工作日" in exc.value.errors["non_enforcement_days"][0]
    with pytest.raises(PlanError) as exc:
        plan_create(actor=admin, data=plan_data(title=" ", key_share=120, year=1999,
                                                limits={"high_risk": {"B": 0}}))
    assert set(exc.value.errors) == {"title", "key_share", "year", "limits"}
    assert state() == before
    assert plan_create(actor=admin, data=plan_data()).number == "JH430626202600001"


@pytest.mark.parametrize("persona", ["leader", "auditor", "sysadmin", "grid_worker", "unit_staff", "expert"])
def test_only_the_inspecting_offices_plan(county, persona):
    with pytest.raises(PermissionDenied):
        plan_create(actor=county.users[persona], data=plan_data())
    assert AnnualPlan.objects.count() == 0


def test_generation_order_and_capacity_cut(ranked):
    county = ranked
    plan = plan_create(actor=county.users["county_admin"], data=plan_data())
    report = plan_generate(actor=county.users["county_admin"], plan=plan, criteria=GenerateCriteria())
    # D (重点 first, though its id is higher), D, C, B, A, then the unclassified by id; 5 家次 fit.
    expected = [county.units[k].pk for k in ("x_d_key", "x_d", "fire_b", "chem_a", "x_a")]
    assert list(PlanItem.objects.filter(plan=plan).order_by("id").values_list("unit_id", flat=True)) == expected
    assert set(PlanItem.objects.values_list("times", flat=True)) == {1}
    assert set(PlanItem.objects.values_list("year", flat=True)) == {2026}
    assert (report.added, report.times, report.did_not_fit, report.other_plans) == (5, 5, 2, [])
    assert "2 家超出重点检查能力未列入，由双随机抽查覆盖" in report.message()
    # Generating again adds nothing: the capacity is used and the five are already in.
    again = plan_generate(actor=county.users["county_admin"], plan=plan, criteria=GenerateCriteria())
    assert (again.added, again.already, again.did_not_fit) == (0, 5, 2)
    assert PlanItem.objects.count() == 5
    entry = AuditEntry.objects.filter(action="annual_plan.generate").order_by("id").first()
    assert entry is not None and entry.changes["added"] == expected


def test_generation_stops_at_the_first_unit_that_does_not_fit(ranked):
    county = ranked
    plan = plan_create(actor=county.users["county_admin"], data=plan_data())
    report = plan_generate(actor=county.users["county_admin"], plan=plan, criteria=GenerateCriteria(times=2))
    # x_d_key 2 and x_d 2 leave 1 家次: fire_b needs 2, so the plan is full — x_a (held to 1 by its
    # A-class limit) is not slipped in ahead of the higher-risk units.
    assert list(PlanItem.objects.order_by("id").values_list("unit_id", "times")) == [
        (county.units["x_d_key"].pk, 2), (county.units["x_d"].pk, 2)]
    assert (report.added, report.times, report.did_not_fit) == (2, 4, 5)


def test_generation_holds_times_to_the_class_limit(ranked):
    county = ranked
    plan = plan_create(actor=county.users["county_admin"], data=plan_data(legal_workdays=100))
    report = plan_generate(actor=county.users["county_admin"], plan=plan,
                           criteria=GenerateCriteria(times=5, risk_classes=["A", "B"]))
    # Non-high-risk A: at most 1 a year; high-risk B (汇丰化工): at most 4.
    assert dict(PlanItem.objects.values_list("unit_id", "times")) == {county.units["x_a"].pk: 1,
                                                                      county.units["chem_a"].pk: 4}
    assert report.capped == 2


def test_generation_criteria(ranked):
    county = ranked
    admin = county.users["county_admin"]
    plan = plan_create(actor=admin, data=plan_data(legal_workdays=100))
    plan_generate(actor=admin, plan=plan, criteria=GenerateCriteria(high_risk_only=True, township="430626101"))
    assert set(PlanItem.objects.values_list("unit_id", flat=True)) == {county.units["chem_a"].pk,
                                                                       county.units["build_a"].pk}
    plan_generate(actor=admin, plan=plan, criteria=GenerateCriteria(risk_classes=[""], key_supervision=False))
    assert PlanItem.objects.filter(unit=county.units["build_b"]).exists()
    plan_generate(actor=admin, plan=plan, criteria=GenerateCriteria(key_supervision=True))
    assert PlanItem.objects.filter(unit=county.units["x_d_key"]).exists()
    assert not PlanItem.objects.filter(unit__in=[county.units["x_d"], county.units["x_a"]]).exists()
    before = state()
    with pytest.raises(PlanError) as exc:
        plan_generate(actor=admin, plan=plan, criteria=GenerateCriteria(sectors=["nope"], risk_classes=["E"],
                                                                        times=0, township="430102001"))
    assert set(exc.value.errors) == {"sectors", "risk_classes", "times", "township"}
    assert state() == before


def test_generation_skips_units_of_another_plan_and_names_it(ranked):
    county = ranked
    town = plan_create(actor=county.users["township"], data=plan_data(title="安定镇2026年度计划"))
    plan_add_unit(actor=county.users["township"], plan=town, unit=county.units["chem_a"])
    plan = plan_create(actor=county.users["county_admin"], data=plan_data())
    report = plan_generate(actor=county.users["county_admin"], plan=plan, criteria=GenerateCriteria())
    assert report.other_plans == [(county.units["chem_a"].name, town.number)]
    assert town.number in report.message() and "未重复列入" in report.message()
    # The skipped unit takes no capacity: the five are the next in order.
    expected = [county.units[k].pk for k in ("x_d_key", "x_d", "fire_b", "x_a", "build_a")]
    assert list(PlanItem.objects.filter(plan=plan).order_by("id").values_list("unit_id", flat=True)) == expected
    assert report.did_not_fit == 1


def test_department_plans_its_own_sectors(county):
    dept = county.users["department"]  # 应急管理局: 危化品, 烟花爆竹
    plan = plan_create(actor=dept, data=plan_data())
    plan_generate(actor=dept, plan=plan, criteria=GenerateCriteria())
    assert set(PlanItem.objects.values_list("unit_id", flat=True)) == {county.units["chem_a"].pk,
                                                                       county.units["fire_b"].pk}
    with pytest.raises(PlanError) as exc:
        plan_add_unit(actor=dept, plan=plan, unit=county.units["build_a"])
    assert "不在本计划编制单位的管辖范围内" in exc.value.errors["unit"][0]


def test_one_plan_per_unit_and_year_in_the_database(county):
    a = plan_create(actor=county.users["county_admin"], data=plan_data())
    b = plan_create(actor=county.users["township"], data=plan_data())
    unit = county.units["chem_a"]
    PlanItem.objects.create(plan=a, unit=unit, year=2026, times=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanItem.objects.create(plan=b, unit=unit, year=2026, times=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanItem.objects.create(plan=a, unit=unit, year=2026, times=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanItem.objects.create(plan=a, unit=county.units["fire_b"], year=2026, times=0)
    other_year = plan_create(actor=county.users["township"], data=plan_data(year=2027))
    PlanItem.objects.create(plan=other_year, unit=unit, year=2027, times=1)
    assert PlanItem.objects.filter(unit=unit).count() == 2


def test_check_constraints_in_the_database(county):
    plan = plan_create(actor=county.users["county_admin"], data=plan_data())
    for field, value in (("officers", 0), ("key_share", 101), ("days_per_inspection", 0)):
        with pytest.raises(IntegrityError), transaction.atomic():
            AnnualPlan.objects.filter(pk=plan.pk).update(**{field: value})


def test_add_refuses_a_unit_of_another_plan_naming_it(county):
    town = plan_create(actor=county.users["township"], data=plan_data())
    plan_add_unit(actor=county.users["township"], plan=town, unit=county.units["chem_a"])
    plan = plan_create(actor=county.users["county_admin"], data=plan_data())
    before = state()
    with pytest.raises(PlanError) as exc:
        plan_add_unit(actor=county.users["county_admin"], plan=plan, unit=county.units["chem_a"])
    message = exc.value.errors["unit"][0]
    assert town.number in message and "第四条" in message
    with pytest.raises(PlanError) as exc:
        plan_add_unit(actor=county.users["township"], plan=town, unit=county.units["chem_a"])
    assert "已在本计划中" in exc.value.errors["unit"][0]
    assert state() == before


def test_times_above_the_limit_refused_naming_limit_and_rule(county):
    admin = county.users["county_admin"]
    plan = plan_create(actor=admin, data=plan_data())
    before = state()
    with pytest.raises(PlanError) as exc:
        plan_add_unit(actor=admin, plan=plan, unit=county.units["chem_a"], times=5)  # 高危 B: 4
    message = exc.value.errors["times"][0]
    assert "年度上限 4 次" in message and "高危行业B 类" in message and "国办发〔2024〕54号" in message
    assert state() == before
    item = plan_add_unit(actor=admin, plan=plan, unit=county.units["chem_a"], times=4, quarter=2)
    assert (item.times, item.quarter) == (4, 2)
    with pytest.raises(PlanError) as exc:
        plan_set_times(actor=admin, plan=plan, item=item, times=5)
    assert "年度上限 4 次" in exc.value.errors["times"][0]
    assert PlanItem.objects.get().times == 4
    plan_set_times(actor=admin, plan=plan, item=item, times=3, quarter=None)
    assert (PlanItem.objects.get().times, PlanItem.objects.get().quarter) == (3, None)
    # The plan's own limits apply.
    strict = plan_create(actor=county.users["township_b"],
                         data=plan_data(limits={"high_risk": {"C": 1}, "other": {}}))
    with pytest.raises(PlanError) as exc:
        plan_add_unit(actor=county.users["township_b"], plan=strict, unit=county.units["fire_b"], times=2)
    assert "年度上限 1 次" in exc.value.errors["times"][0]


def test_remove_and_audit(county):
    admin = county.users["county_admin"]
    plan = plan_create(actor=admin, data=plan_data())
    item = plan_add_unit(actor=admin, plan=plan, unit=county.units["fire_b"])
    plan_remove_item(actor=admin, plan=plan, item=item)
    assert not PlanItem.objects.exists()
    actions = list(AuditEntry.objects.filter(object_id=str(plan.pk)).values_list("action", flat=True))
    assert {"annual_plan.item_add", "annual_plan.item_remove"} <= set(actions)


def test_only_the_planning_office_writes_its_plan(county):
    plan = plan_create(actor=county.users["county_admin"], data=plan_data())
    before = state()
    # The department sees the county's plans (same region) but writes only its own.
    with pytest.raises(PermissionDenied):
        plan_add_unit(actor=county.users["department"], plan=plan, unit=county.units["chem_a"])
    with pytest.raises(PermissionDenied):
        plan_generate(actor=county.users["department"], plan=plan, criteria=GenerateCriteria())
    with pytest.raises(PermissionDenied):
        plan_add_unit(actor=county.users["township"], plan=plan, unit=county.units["chem_a"])
    with pytest.raises(PermissionDenied):
        plan_add_unit(actor=county.users["leader"], plan=plan, unit=county.units["chem_a"])
    assert state() == before


def test_update_keeps_the_year_once_units_are_in(county):
    admin = county.users["county_admin"]
    plan = plan_create(actor=admin, data=plan_data())
    plan = plan_update(actor=admin, plan=plan, data=plan_data(title="改名", officers=3, year=2027))
    assert (plan.title, plan.officers, plan.year) == ("改名", 3, 2027)
    plan_add_unit(actor=admin, plan=plan, unit=county.units["chem_a"])
    before = state()
    with pytest.raises(PlanError) as exc:
        plan_update(actor=admin, plan=plan, data=plan_data(year=2026, officers=3))
    assert "不能修改年度" in exc.value.errors["year"][0]
    assert state() == before


def test_approve_rules(county):
    admin = county.users["county_admin"]
    plan = plan_create(actor=admin, data=plan_data())
    with pytest.raises(PlanError) as exc:
        plan_approve(actor=admin, plan=plan)
    assert "还没有单位" in exc.value.errors["status"][0]
    # 5 家次 of capacity; 4 + 2 = 6 planned: over.
    plan_add_unit(actor=admin, plan=plan, unit=county.units["chem_a"], times=4)
    item = plan_add_unit(actor=admin, plan=plan, unit=county.units["fire_b"], times=2)
    before = state()
    with pytest.raises(PlanError) as exc:
        plan_approve(actor=admin, plan=plan)
    assert "超过重点检查能力 5 家次" in exc.value.errors["status"][0]
    for persona in ("department", "township", "leader"):
        with pytest.raises(PermissionDenied):
            plan_approve(actor=county.users[persona], plan=plan)
    with pytest.raises(PermissionDenied):
        plan_approve(actor=county.users["other_county_admin"], plan=plan)
    assert state() == before
    plan_set_times(actor=admin, plan=plan, item=item, times=1)
    plan_approve(actor=admin, plan=plan)
    plan.refresh_from_db()
    assert (plan.status, plan.approved_by) == (AnnualPlanStatus.APPROVED, admin)
    assert plan.approved_at is not None
    assert AuditEntry.objects.filter(action="annual_plan.approve", object_id=str(plan.pk)).count() == 1


def test_county_admin_approves_a_department_plan(county):
    dept = county.users["department"]
    plan = plan_create(actor=dept, data=plan_data())
    plan_add_unit(actor=dept, plan=plan, unit=county.units["chem_a"])
    plan_approve(actor=county.users["county_admin"], plan=plan)
    assert AnnualPlan.objects.get().status == AnnualPlanStatus.APPROVED


def test_approved_plans_are_read_only(county):
    admin = county.users["county_admin"]
    plan = plan_create(actor=admin, data=plan_data())
    item = plan_add_unit(actor=admin, plan=plan, unit=county.units["chem_a"])
    plan_approve(actor=admin, plan=plan)
    before = state()
    writes = [
        lambda: plan_update(actor=admin, plan=plan, data=plan_data(title="改")),
        lambda: plan_add_unit(actor=admin, plan=plan, unit=county.units["fire_b"]),
        lambda: plan_remove_item(actor=admin, plan=plan, item=item),
        lambda: plan_set_times(actor=admin, plan=plan, item=item, times=2),
        lambda: plan_generate(actor=admin, plan=plan, criteria=GenerateCriteria()),
        lambda: plan_approve(actor=admin, plan=plan),
    ]
    for write in writes:
        with pytest.raises(PlanError) as exc:
            write()
        assert "已于 2026-06-16 批准，不能再修改" in exc.value.errors["status"][0]
    assert state() == before
