"""Services: roles, scope, follow-ups, checklist items → hazards, signatures, audit."""

from __future__ import annotations

import datetime as dt

import pytest

from anjian.campaigns.models import Campaign
from anjian.core.models import AuditEntry
from anjian.hazards.models import Level, MajorCriterion, Source
from anjian.inspections import services
from anjian.inspections.models import Checklist, InspectionItem, ItemResult, PersonKind
from anjian.inspections.services import (
    GroupData,
    InspectionData,
    InspectionError,
    PermissionDenied,
    PersonData,
)

DAY = dt.date(2026, 3, 1)


def campaign(county) -> Campaign:
    return Campaign.objects.create(
        name="危化品安全专项整治", start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31), region_code=county.county.code
    )


def inspect(county, actor_key="county_admin", unit_key="chem_a", **kw):
    data = InspectionData(unit=county.units[unit_key], kind=kw.pop("kind", "special"), date=kw.pop("date", DAY), **kw)
    return services.inspection_create(actor=county.users[actor_key], data=data)


def test_person_official_and_expert(county):
    admin = county.users["county_admin"]
    official = services.person_create(
        actor=admin, data=PersonData(kind=PersonKind.OFFICIAL, name="张三", cert_no="43001")
    )
    assert (official.org, official.region_code, official.cert_no) == (county.office, county.office.region_code, "43001")
    with pytest.raises(InspectionError) as exc:
        services.person_create(actor=admin, data=PersonData(kind=PersonKind.EXPERT, name="王五"))
    assert "expert_level" in exc.value.errors
    expert = services.person_create(
        actor=admin,
        data=PersonData(
            kind=PersonKind.EXPERT,
            name="王五",
            expert_level="city",
            employer="岳阳市化工研究院",
            sectors=[county.sectors["hazardous_chemicals"]],
        ),
    )
    assert list(expert.sectors.all()) == [county.sectors["hazardous_chemicals"]]
    assert AuditEntry.objects.filter(action="person.create").count() == 2


@pytest.mark.parametrize("role", ["grid_worker", "unit_staff", "expert", "leader", "auditor"])
def test_only_offices_record(county, role):
    with pytest.raises(PermissionDenied):
        services.person_create(actor=county.users[role], data=PersonData(kind=PersonKind.OFFICIAL, name="张三"))
    with pytest.raises(PermissionDenied):
        inspect(county, role)


def test_group_with_leader_members_and_campaign(county):
    admin = county.users["county_admin"]
    leader = services.person_create(actor=admin, data=PersonData(kind=PersonKind.OFFICIAL, name="张三"))
    expert = services.person_create(
        actor=admin, data=PersonData(kind=PersonKind.EXPERT, name="王五", expert_level="county")
    )
    c = campaign(county)
    group = services.group_create(
        actor=admin,
        data=GroupData(name="第一督导组", leader=leader, members=[expert], start=DAY, end=DAY, campaign=c),
    )
    assert set(group.members.all()) == {leader, expert}
    assert group.campaign == c
    with pytest.raises(InspectionError):
        services.group_create(actor=admin, data=GroupData(name="第一督导组"))
    # Another county's people are not ours to put in a group.
    other = county.users["other_county_admin"]
    with pytest.raises(InspectionError):
        services.group_create(actor=other, data=GroupData(name="芙蓉组", leader=leader))


def test_inspection_scope(county):
    # 安定镇 cannot inspect a 三市镇 unit; the department only units of its sectors.
    with pytest.raises(InspectionError) as exc:
        inspect(county, "township", "fire_b")
    assert "unit" in exc.value.errors
    with pytest.raises(InspectionError):
        inspect(county, "department", "build_a")
    item = inspect(county, "department", "fire_b")
    assert item.number.startswith("JC4306262026")
    assert (item.region_code, item.sector_id) == (county.units["fire_b"].region_code, county.units["fire_b"].sector_id)
    assert AuditEntry.objects.filter(action="inspection.create", object_id=str(item.pk)).exists()


def test_names_give_the_count(county):
    admin = county.users["county_admin"]
    a = services.person_create(actor=admin, data=PersonData(kind=PersonKind.OFFICIAL, name="张三"))
    b = services.person_create(actor=admin, data=PersonData(kind=PersonKind.OFFICIAL, name="李四"))
    item = inspect(county, officials=[a, b], official_count=5)
    assert item.official_count == 2
    with pytest.raises(InspectionError) as exc:
        inspect(county, experts=[a])
    assert "experts" in exc.value.errors


def test_follow_up_links_same_unit(county):
    first = inspect(county)
    follow = inspect(county, kind="follow_up", date=DAY + dt.timedelta(10), follows=first)
    assert list(first.follow_ups.all()) == [follow]
    with pytest.raises(InspectionError) as exc:
        inspect(county, unit_key="build_a", kind="follow_up", follows=first)
    assert exc.value.errors["follows"] == ["复查对象须为同一单位的检查"]
    with pytest.raises(InspectionError):
        inspect(county, kind="follow_up", date=DAY - dt.timedelta(1), follows=first)


def test_failed_item_becomes_hazard_of_the_campaign(county):
    c = campaign(county)
    checklist = Checklist.objects.get(name="危险化学品生产经营单位检查表")
    inspection = inspect(county, campaign=c, checklist=checklist)
    general = checklist.items.filter(major=False).first()
    row, hazard, notices = services.fail_item_to_hazard(
        actor=county.users["county_admin"], inspection=inspection, item=general, note="东侧仓库无出入库登记"
    )
    assert notices == []
    assert row.result == ItemResult.FAIL and row.hazard == hazard
    assert hazard.inspection == inspection and hazard.campaign == c
    assert hazard.source == Source.INSPECTION and hazard.level == Level.GENERAL
    assert hazard.inspection_ref == inspection.number
    assert general.text in hazard.description and "东侧仓库" in hazard.description
    assert hazard.found_on == inspection.date
    with pytest.raises(InspectionError):
        services.fail_item_to_hazard(actor=county.users["county_admin"], inspection=inspection, item=general)
    assert InspectionItem.objects.get(pk=row.pk).hazard == hazard


def test_major_item_needs_a_criterion(county):
    checklist = Checklist.objects.get(name="危险化学品生产经营单位检查表")
    inspection = inspect(county, checklist=checklist)
    major_items = list(checklist.items.filter(major=True))
    admin = county.users["county_admin"]
    _, hazard, notices = services.fail_item_to_hazard(actor=admin, inspection=inspection, item=major_items[0])
    assert hazard.level == Level.GENERAL and "已按一般隐患上报" in notices[0]
    criterion = MajorCriterion.objects.filter(industry="化工和危险化学品").first()
    _, major, notices = services.fail_item_to_hazard(
        actor=admin, inspection=inspection, item=major_items[1], criterion=criterion
    )
    assert major.level == Level.MAJOR and major.criterion == criterion and notices == []


def test_item_of_another_checklist_refused(county):
    inspection = inspect(county, checklist=Checklist.objects.get(name="建筑施工安全检查表"))
    item = Checklist.objects.get(name="烟花爆竹生产经营单位检查表").items.first()
    with pytest.raises(InspectionError):
        services.record_item_result(
            actor=county.users["county_admin"], inspection=inspection, item=item, result=ItemResult.PASS
        )


def test_other_township_cannot_write_to_the_inspection(county):
    inspection = inspect(county, "township", "chem_a", checklist=Checklist.objects.first())
    with pytest.raises(PermissionDenied):
        services.inspection_sign(actor=county.users["township_b"], inspection=inspection, signatory="李经理")


def test_sign_on_site(county):
    inspection = inspect(county)
    signed = services.inspection_sign(actor=county.users["county_admin"], inspection=inspection, signatory="李经理")
    assert signed.unit_signatory == "李经理" and signed.signed_at is not None
    with pytest.raises(InspectionError):
        services.inspection_sign(actor=county.users["county_admin"], inspection=inspection, signatory="王经理")


def test_seeded_checklists_cite_their_basis(db):
    lists = Checklist.objects.prefetch_related("items")
    assert lists.count() >= 4
    for checklist in lists:
        items = list(checklist.items.all())
        assert 6 <= len(items) <= 10
        assert all(i.basis for i in items)
    assert Checklist.objects.get(name="烟花爆竹生产经营单位检查表").items.filter(major=True).count() >= 4
