"""The demo county's annual plans (anjian.demo.annual_plans) and campaign assessment (anjian.demo.assessments):
written through the services, in the states described, with every progress status, and audited.

The loader is tested on a small demo county (``load_demo(n_units=300, n_hazards=220)``), loaded once for the
class in a transaction rolled back afterwards; the full county's figures are checked in tests/test_demo.py.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from anjian.accounts.models import User
from anjian.campaigns.models import Adjustment, Assessment, AssessmentScheme, AssessmentStatus
from anjian.campaigns.services import AssessmentError, assessment_compute
from anjian.core.models import AuditEntry
from anjian.demo import annual_plans, assessments
from anjian.demo.loader import DEMO_TOWNSHIP, DemoResult, load_demo
from anjian.inspections.models import Inspection
from anjian.plans.capacity import limit_for, plan_capacity
from anjian.plans.models import AnnualPlan, AnnualPlanStatus, PlanItem
from anjian.plans.selectors import COUNTED_KINDS, ITEM_STATUSES, org_units, plan_items
from anjian.plans.services import PlanError, plan_add_unit
from anjian.regions.services import builtin_rows, divisions_import
from anjian.units.models import Unit


def test_the_months_assessed_are_this_year_s_previous_ones_at_least_two():
    assert assessments.months(dt.date(2026, 11, 26)) == [dt.date(2026, m, 1) for m in range(1, 11)]
    assert assessments.months(dt.date(2026, 3, 1)) == [dt.date(2026, 1, 1), dt.date(2026, 2, 1)]
    assert assessments.months(dt.date(2026, 2, 10)) == [dt.date(2025, 12, 1), dt.date(2026, 1, 1)]
    assert assessments.months(dt.date(2026, 1, 2)) == [dt.date(2025, 11, 1), dt.date(2025, 12, 1)]


def test_the_scheme_adds_up_to_100_points():
    assert sum(Decimal(points) for _, _, _, points, _, _ in assessments.ITEMS) == 100
    assert {code for code, *_ in assessments.ITEMS} == {
        "inspections", "hazards_found", "rectification_rate", "hazards_overdue"
    }


@pytest.fixture(scope="class")
def county(django_db_setup: None, django_db_blocker: Any) -> Iterator[DemoResult]:
    with django_db_blocker.unblock(), transaction.atomic():
        divisions_import(list(builtin_rows("430626")))  # 平江县 only: fast
        yield load_demo(n_units=300, n_hazards=220)
        transaction.set_rollback(True)


def plans() -> dict[str, AnnualPlan]:
    """The demo's plans by their office's demo account."""
    by_org = {u.org_id: u.username for u in User.objects.filter(username__in=["demo_admin", "demo_dept",
                                                                               "demo_township"])}
    return {by_org[p.org_id]: p for p in AnnualPlan.objects.select_related("org")}


def over_limit_units(year: int) -> set[int]:
    """The county's units (in the register, not closed) inspected this year more often than their limit."""
    counted = Counter(Inspection.objects.filter(date__year=year, kind__in=COUNTED_KINDS)
                      .values_list("unit_id", flat=True))
    limits = AnnualPlan.objects.filter(year=year).first().limits
    units = Unit.objects.filter(id__in=list(counted), is_active=True).exclude(status="closed").select_related("sector")
    return {u.pk for u in units if counted[u.pk] > limit_for(limits, high_risk=u.sector.high_risk,
                                                                risk_class=u.risk_class)}


@pytest.mark.usefixtures("db")
class TestDemoPlans:
    def test_the_result_names_what_was_made(self, county):
        lines = county.activity_summary.splitlines()
        assert county.plans_summary in lines and county.assessments_summary in lines  # load-demo prints them
        assert county.plans_summary.startswith("演示年度监督检查计划") and county.plans_created == 3
        assert county.assessments_summary.startswith("演示专项行动考核")
        assert county.assessments_created == Assessment.objects.count() > 0

    def test_three_plans_of_this_year_in_their_states(self, county):
        year = timezone.localdate().year
        p = plans()
        assert set(p) == {"demo_admin", "demo_dept", "demo_township"}
        assert p["demo_dept"].org.name == "应急管理局"
        assert p["demo_township"].org.region_code.startswith(DEMO_TOWNSHIP)
        assert sorted(x.number for x in p.values()) == [f"JH430626{year}{n:05d}" for n in (1, 2, 3)]
        admin = User.objects.get(username="demo_admin")
        for key in ("demo_admin", "demo_dept"):
            plan = p[key]
            assert plan.status == AnnualPlanStatus.APPROVED and plan.approved_by == admin
            assert plan.created_at <= plan.approved_at <= timezone.now()
            assert plan.approved_at.year == year
            scheduled = sum(PlanItem.objects.filter(plan=plan).values_list("times", flat=True))
            assert 0 < scheduled and not plan_capacity(plan, scheduled).over  # approvable: within capacity
        township = p["demo_township"]
        assert township.status == AnnualPlanStatus.DRAFT and township.approved_at is None
        assert PlanItem.objects.filter(plan=township).exists()
        # A realistic capacity: the county office's 8 officers over 248 legal days, some days elsewhere.
        office = p["demo_admin"]
        assert (office.officers, office.legal_workdays) == (8, 248)
        assert 0 < office.other_enforcement_days and 0 < office.non_enforcement_days
        assert all(x.year == year for x in p.values())

    def test_no_unit_is_in_two_plans_and_each_is_in_its_office_s_jurisdiction(self, county):
        units = list(PlanItem.objects.values_list("unit_id", flat=True))
        assert len(units) == len(set(units))
        for key, plan in plans().items():
            user = User.objects.get(username=key)
            mine = set(org_units(user, plan.org).values_list("id", flat=True))
            items = list(plan_items(plan))
            assert {i.unit_id for i in items} <= mine
            assert all(1 <= i.times <= i.limit for i in items)
        dept = plans()["demo_dept"]
        sectors = set(PlanItem.objects.filter(plan=dept).values_list("unit__sector__code", flat=True))
        assert sectors <= set(annual_plans.EMERGENCY_SECTORS)
        # The county office's high-risk key units are the rest of them: 应急管理局's stay in its plan.
        office = PlanItem.objects.filter(plan=plans()["demo_admin"])
        assert office.filter(unit__key_supervision=True, unit__sector__high_risk=True).exists()

    def test_the_service_refuses_a_unit_of_another_plan(self, county):
        township = plans()["demo_township"]
        taken = PlanItem.objects.filter(unit__region_code__startswith=DEMO_TOWNSHIP).exclude(plan=township).first()
        assert taken is not None
        with pytest.raises(PlanError, match="各部门计划不得重复"):
            plan_add_unit(actor=User.objects.get(username="demo_township"), plan=township, unit=taken.unit)

    def test_progress_has_every_status(self, county):
        year = timezone.localdate().year
        office = plans()["demo_admin"]
        approved = [p for p in plans().values() if p.status == AnnualPlanStatus.APPROVED]
        for status in ITEM_STATUSES[:3]:  # 未开始、进行中、已完成
            assert plan_items(office, status=status).exists(), status
            assert sum(plan_items(p, status=status).count() for p in approved) >= 2, status
        over = over_limit_units(year)
        flagged = {i.unit_id for p in approved for i in plan_items(p, status="超过上限")}
        assert flagged <= over
        if over:  # the demo's inspections took a unit past its limit: the county office lists it by hand
            assert plan_items(office, status="超过上限").exists()
            hand = AuditEntry.objects.filter(action="annual_plan.item_add", object_id=str(office.pk))
            assert {e.changes["unit"] for e in hand} <= over

    def test_the_scheme_has_published_months_and_a_draft(self, county):
        scheme = AssessmentScheme.objects.select_related("campaign").get()
        assert scheme.group == "township" and scheme.campaign.parent is None
        assert sum(i.points for i in scheme.items.all()) == 100
        months = list(Assessment.objects.filter(scheme=scheme).order_by("month"))
        assert [a.month for a in months] == assessments.months(timezone.localdate())
        assert all(a.status == AssessmentStatus.PUBLISHED and a.published_at for a in months[:-1])
        assert months[-1].status == AssessmentStatus.DRAFT and months[-1].published_at is None
        assert all(a.rows.count() == 25 for a in months)  # 平江县's townships
        assert all(a.published_at.date() > a.as_of for a in months[:-1])  # published after the month
        adjustments = list(Adjustment.objects.select_related("assessment").order_by("assessment__month"))
        assert [a.assessment for a in adjustments] == months[-2:]
        assert all(a.reason and abs(a.points) <= scheme.adjustment_limit for a in adjustments)

    def test_the_draft_equals_a_fresh_compute(self, county):
        draft = Assessment.objects.get(status=AssessmentStatus.DRAFT)

        def rows() -> list[Any]:
            return list(draft.rows.order_by("group_key").values_list("group_key", "group_name", "cells", "item_total"))

        before, items = rows(), draft.items
        admin = User.objects.get(username="demo_admin")
        again = assessment_compute(actor=admin, scheme=draft.scheme, month=draft.month)
        assert again.pk == draft.pk and again.items == items and rows() == before
        assert draft.adjustments.count() == 1  # kept
        # A published month is a snapshot: it is not computed again.
        published = Assessment.objects.filter(status=AssessmentStatus.PUBLISHED).first()
        with pytest.raises(AssessmentError, match="已通报"):
            assessment_compute(actor=admin, scheme=published.scheme, month=published.month)

    def test_audit_entries_for_the_writes(self, county):
        entries = Counter(AuditEntry.objects.values_list("action", flat=True))
        n = Assessment.objects.count()
        assert entries["annual_plan.create"] == 3 and entries["annual_plan.approve"] == 2
        assert entries["annual_plan.generate"] == 4
        assert entries["annual_plan.item_add"] == PlanItem.objects.exclude(note="").count()
        assert entries["assessment_scheme.create"] == 1
        assert entries["assessment.compute"] == n and entries["assessment.publish"] == n - 1
        assert entries["assessment.adjust"] == Adjustment.objects.count() == 2
        assert entries["demo.annual_plans"] == 1 and entries["demo.assessments"] == 1
        approve = AuditEntry.objects.filter(action="annual_plan.approve").values_list("actor__username", flat=True)
        assert set(approve) == {"demo_admin"}

    def test_a_second_load_adds_nothing(self, county):
        before = (AnnualPlan.objects.count(), PlanItem.objects.count(), Assessment.objects.count())
        assert annual_plans.load_annual_plans().skipped == "演示县已有本年度监督检查计划，未再生成计划"
        assert assessments.load_assessments().skipped == "演示专项行动已有考核细则，未再生成考核"
        assert (AnnualPlan.objects.count(), PlanItem.objects.count(), Assessment.objects.count()) == before
