"""月度考核 services: scheme validation, compute against compute_by, overrides, adjustments, publish, snapshot."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from anjian.campaigns.models import Adjustment, Assessment, AssessmentItem, AssessmentRow, AssessmentScheme
from anjian.campaigns.selectors import assessment_table
from anjian.campaigns.services import (
    AssessmentError,
    ItemData,
    PermissionDenied,
    SchemeData,
    adjustment_add,
    adjustment_remove,
    assessment_compute,
    assessment_publish,
    scheme_save,
)
from anjian.core.models import AuditEntry
from anjian.regions.models import Division, Level
from anjian.stats.grouped import compute_by
from anjian.stats.scope import build_scope
from tests.stats import factories as f

from .conftest import MARCH, TODAY, items

D = Decimal


def compute(setup, actor="county_admin", **kw):
    return assessment_compute(actor=setup.county.users[actor], scheme=setup.scheme, month=kw.pop("month", MARCH),
                              today=TODAY, **kw)


def by_name(assessment):
    return {r.name: r for r in assessment_table(assessment)}


def test_scores_by_hand(march):
    a = compute(march)
    assert a.as_of == f.d("2025-03-31") and a.is_draft
    rows = by_name(a)
    assert set(rows) == {"安定镇", "三市镇"}  # the county's own row is not ranked
    anding, sanshi = rows["安定镇"], rows["三市镇"]
    assert [c.score for c in anding.cells] == [D("10.00"), D("10.00"), D("16.67"), D("7.00")]
    # 三市镇: 1 of 2 inspections → 5; its own hazard quota of 2 is met → 20; overdue 0 → 10.
    assert [c.score for c in sanshi.cells] == [D("5.00"), D("20.00"), D("16.67"), D("10.00")]
    assert anding.total == D("43.67") and sanshi.total == D("51.67")
    assert [(r.rank, r.name) for r in assessment_table(a)] == [(1, "三市镇"), (2, "安定镇")]
    assert [c.quota for c in sanshi.cells][1] == D("2") and [c.quota for c in anding.cells][1] == D("4")
    assert AuditEntry.objects.filter(action="assessment.compute", object_id=str(a.pk)).exists()


def test_figures_equal_compute_by(march):
    a = compute(march)
    # The same scope, built independently: the campaign's region, March, the campaign (and its sub-campaign).
    scope = build_scope(region="430626", date_from="2025-03-01", date_to="2025-03-31",
                        campaign=march.campaign.name)
    grouped = {r.key: r.values for r in compute_by(scope, "township", totals=False).rows}
    stored = {r.group_key: r.cells for r in AssessmentRow.objects.filter(assessment=a)}
    assert set(stored) == {"430626101", "430626102"}
    for key, cells in stored.items():
        for code in ("inspections", "hazards_found", "hazards_overdue"):
            assert cells[code]["value"] == grouped[key][code], (key, code)
        assert cells["rectification_rate"]["value"] == grouped[key]["rectification_rate"]
    assert stored["430626101"]["inspections"]["value"] == 2 and stored["430626102"]["inspections"]["value"] == 1


def test_department_scheme_matches_compute_by(march):
    admin = march.county.users["county_admin"]
    scheme = scheme_save(actor=admin, campaign=march.campaign, data=SchemeData(group="department", items=[
        ItemData("inspections", "at_least", D("1"), D("10"))]))
    a = assessment_compute(actor=admin, scheme=scheme, month=MARCH, today=TODAY)
    scope = build_scope(region="430626", date_from="2025-03-01", date_to="2025-03-31",
                        campaign=march.campaign.name)
    expected = {r.key: r.values["inspections"] for r in compute_by(scope, "department", totals=False).rows
                if r.key != "0"}
    got = {r.group_key: r.cells["inspections"]["value"] for r in a.rows.all()}
    assert got == expected
    assert got[str(march.county.yingji.pk)] == 2  # chem_a and fire_b: hazardous chemicals, fireworks


def test_undefined_rate_row_gets_full_points(march):
    # April: no hazard found anywhere → 整改率 undefined → full 30 points for both townships.
    a = compute(march, month=f.d("2025-04-01"))
    for row in assessment_table(a):
        rate = row.cells[2]
        assert rate.value is None and rate.text == "—" and rate.score == D("30.00")


def test_scheme_validation_changes_nothing(march):
    admin = march.county.users["county_admin"]
    before = list(AssessmentItem.objects.values_list("indicator", "quota"))
    bad = SchemeData(group="township", items=[
        *items(),
        ItemData("no_such_code", "at_least", D("1"), D("1")),
    ])
    with pytest.raises(AssessmentError) as exc:
        scheme_save(actor=admin, campaign=march.campaign, data=bad, scheme=march.scheme)
    assert "指标代码无效" in exc.value.errors["indicator"][0]
    cases = [
        (ItemData("rectification_rate", "at_least", D("120"), D("5")), "quota", "不能超过100"),
        (ItemData("inspections", "at_least", D("1"), D("0")), "points", "分值"),
        (ItemData("inspections", "sideways", D("1"), D("1")), "direction", "不低于"),
        (ItemData("inspections", "at_least", D("-1"), D("1")), "quota", "不小于0"),
        (ItemData("inspections", "at_least", D("1"), D("1"), overrides={"430102001": D("1")}),
         "overrides", "不是本行动"),
    ]
    for item, field, words in cases:
        with pytest.raises(AssessmentError) as exc:
            scheme_save(actor=admin, campaign=march.campaign, data=SchemeData(group="township", items=[item]),
                        scheme=march.scheme)
        assert words in "".join(exc.value.errors[field]), (item, exc.value.errors)
    dup = SchemeData(group="township", items=[items()[0], items()[0]])
    with pytest.raises(AssessmentError) as exc:
        scheme_save(actor=admin, campaign=march.campaign, data=dup, scheme=march.scheme)
    assert "同一指标只能考核一次" in exc.value.errors["indicator"][0]
    with pytest.raises(AssessmentError) as exc:  # a second township scheme for the campaign
        scheme_save(actor=admin, campaign=march.campaign, data=SchemeData(group="township"))
    assert "group" in exc.value.errors
    assert list(AssessmentItem.objects.values_list("indicator", "quota")) == before
    assert AssessmentScheme.objects.count() == 1


def test_only_the_county_admin_of_the_region_writes(march):
    for persona in ("township", "department", "leader", "auditor", "other_county_admin", "grid_worker"):
        with pytest.raises(PermissionDenied):
            scheme_save(actor=march.county.users[persona], campaign=march.campaign,
                        data=SchemeData(group="department"))
        with pytest.raises(PermissionDenied):
            compute(march, actor=persona)
    assert not Assessment.objects.exists()


def test_adjustments_and_their_bounds(march):
    a = compute(march)
    admin = march.county.users["county_admin"]
    adjustment_add(actor=admin, assessment=a, group_key="430626101", points="3", reason="信息报送及时")
    # The limit (5) bounds the group's sum: +3 then +3 is 6.
    with pytest.raises(AssessmentError) as exc:
        adjustment_add(actor=admin, assessment=a, group_key="430626101", points="3", reason="再加")
    assert "±5" in exc.value.errors["points"][0]
    for points, reason, field in (("0", "零", "points"), ("1", " ", "reason"), ("1.234", "三位小数", "points")):
        with pytest.raises(AssessmentError) as exc:
            adjustment_add(actor=admin, assessment=a, group_key="430626101", points=points, reason=reason)
        assert field in exc.value.errors
    with pytest.raises(AssessmentError) as exc:
        adjustment_add(actor=admin, assessment=a, group_key="430102001", points="1", reason="外县")
    assert "group_key" in exc.value.errors
    assert Adjustment.objects.count() == 1
    minus = adjustment_add(actor=admin, assessment=a, group_key="430626101", points="-8", reason="发生较大事故")
    assert minus.points == D("-8.00")  # 3 − 8 = −5: at the limit
    rows = by_name(a)
    assert rows["安定镇"].adjustment_total == D("-5.00") and rows["安定镇"].total == D("38.67")
    assert rows["安定镇"].adjustments[0].created_by == admin
    adjustment_remove(actor=admin, adjustment=minus)
    assert by_name(a)["安定镇"].total == D("46.67")
    with pytest.raises(PermissionDenied):
        adjustment_add(actor=march.county.users["township"], assessment=a, group_key="430626101", points="1",
                       reason="自评")
    assert AuditEntry.objects.filter(action="assessment.adjust").count() == 2
    assert AuditEntry.objects.filter(action="assessment.unadjust").count() == 1


def test_ties_share_a_rank(march):
    a = compute(march)
    admin = march.county.users["county_admin"]
    # 安定镇 43.67 + 5 = 48.67, 三市镇 51.67 − 3 = 48.67: equal totals, both first, by key.
    adjustment_add(actor=admin, assessment=a, group_key="430626101", points="5", reason="加分")
    adjustment_add(actor=admin, assessment=a, group_key="430626102", points="-3", reason="减分")
    assert [(r.rank, r.name, r.total) for r in assessment_table(a)] == [
        (1, "安定镇", D("48.67")), (1, "三市镇", D("48.67"))]


def test_recompute_while_draft_keeps_adjustments(march):
    a = compute(march)
    admin = march.county.users["county_admin"]
    adjustment_add(actor=admin, assessment=a, group_key="430626102", points="1", reason="加分")
    f.inspection(march.county.units["fire_b"], "2025-03-20", campaign=march.campaign)
    a2 = compute(march)
    assert a2.pk == a.pk
    sanshi = by_name(a2)["三市镇"]
    assert sanshi.cells[0].value == 2 and sanshi.cells[0].score == D("10.00")
    assert sanshi.total == D("57.67")  # 10 + 20 + 16.67 + 10 + 1
    assert AuditEntry.objects.filter(action="assessment.recompute", object_id=str(a.pk)).count() == 1


def test_month_and_as_of_checks(march):
    for kw, field in (({"month": f.d("2025-07-01")}, "month"),           # after TODAY
                      ({"month": f.d("2024-12-01")}, "month"),           # before the campaign
                      ({"as_of": f.d("2025-02-27")}, "as_of"),           # before the month
                      ({"as_of": f.d("2025-06-16")}, "as_of")):          # after today
        with pytest.raises(AssessmentError) as exc:
            compute(march, **kw)
        assert field in exc.value.errors, kw
    assert not Assessment.objects.exists()
    # June, computed on 15 June: the data are as of today, not the month's end.
    assert compute(march, month=f.d("2025-06-01")).as_of == TODAY
    empty = scheme_save(actor=march.county.users["county_admin"], campaign=march.campaign,
                        data=SchemeData(group="department"))
    with pytest.raises(AssessmentError) as exc:
        assessment_compute(actor=march.county.users["county_admin"], scheme=empty, month=MARCH, today=TODAY)
    assert "尚无考核指标" in exc.value.errors["__all__"][0]


def test_published_is_a_snapshot_and_read_only(march):
    a = compute(march)
    admin = march.county.users["county_admin"]
    adj = adjustment_add(actor=admin, assessment=a, group_key="430626101", points="2", reason="加分")
    assessment_publish(actor=admin, assessment=a)
    first = Assessment.objects.get(pk=a.pk)
    assert first.status == "published" and first.published_by == admin
    table = [(r.rank, r.name, [c.value for c in r.cells], r.total) for r in assessment_table(first)]

    # New data for March, and a changed scheme: the published month does not move.
    u = march.county.units
    f.inspection(u["fire_b"], "2025-03-21", campaign=march.campaign)
    f.hazard(u["chem_a"], "2025-03-22", "2025-03-23", campaign=march.campaign)
    scheme_save(actor=admin, campaign=march.campaign, data=SchemeData(group="township", items=items()[:1]),
                scheme=march.scheme)
    scope = build_scope(region="430626", date_from="2025-03-01", date_to="2025-03-31",
                        campaign=march.campaign.name)
    live = {r.key: r.values for r in compute_by(scope, "township", totals=False).rows}
    assert live["430626102"]["inspections"] == 2  # the data did change
    assert [(r.rank, r.name, [c.value for c in r.cells], r.total) for r in assessment_table(first)] == table
    assert len(first.items) == 4

    # Every write is refused and changes nothing; a retried publish does nothing.
    rows_before = list(AssessmentRow.objects.values_list("group_key", "cells", "item_total"))
    with pytest.raises(AssessmentError):
        compute(march)
    with pytest.raises(AssessmentError):
        adjustment_add(actor=admin, assessment=first, group_key="430626101", points="1", reason="补")
    with pytest.raises(AssessmentError):
        adjustment_remove(actor=admin, adjustment=adj)
    assessment_publish(actor=admin, assessment=first)
    again = Assessment.objects.get(pk=a.pk)
    assert again.published_at == first.published_at
    assert list(AssessmentRow.objects.values_list("group_key", "cells", "item_total")) == rows_before
    assert Adjustment.objects.count() == 1
    assert AuditEntry.objects.filter(action="assessment.publish").count() == 1


def test_publish_needs_computed_rows(march):
    a = compute(march)
    AssessmentRow.objects.filter(assessment=a).delete()
    with pytest.raises(AssessmentError):
        assessment_publish(actor=march.county.users["county_admin"], assessment=a)
    assert Assessment.objects.get(pk=a.pk).is_draft


def _add_township(n: int, county) -> None:
    code = f"4306261{n:02d}000"
    town = Division.objects.create(code=code, name=f"新{n}镇", level=Level.TOWNSHIP, parent=county.county)
    from anjian.units.models import Unit

    unit = Unit.objects.create(name=f"新{n}镇某厂", region_code=town.code, sector=county.sectors["commerce"])
    f.inspection(unit, "2025-03-15", campaign=None)


def test_compute_query_count_does_not_grow_with_townships(march):
    with CaptureQueriesContext(connection) as two:
        compute(march)
    Assessment.objects.all().delete()
    for n in range(10, 16):
        _add_township(n, march.county)
    with CaptureQueriesContext(connection) as eight:
        a = compute(march)
    assert a.rows.count() == 8
    assert len(eight) == len(two), [q["sql"][:80] for q in eight.captured_queries]


def test_scope_uses_the_campaign_by_id(march):
    """A campaign named like another campaign's id does not confuse the month's scope (built by id)."""
    from anjian.campaigns.services import assessment_scope

    f.campaign(str(march.campaign.pk), "2025-01-01", "2025-12-31")
    s = assessment_scope(march.campaign, MARCH, f.d("2025-03-31"))
    assert s.campaign_ids == frozenset({march.campaign.pk, march.sub.pk})
    assert (s.prefix, s.date_from, s.date_to, s.as_of) == ("430626", MARCH, f.d("2025-03-31"), f.d("2025-03-31"))
    assert compute(march).rows.count() == 2
