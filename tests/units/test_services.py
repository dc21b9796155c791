from __future__ import annotations

import pytest

from anjian.core.models import AuditEntry
from anjian.units.models import Unit
from anjian.units.services import (
    PermissionDenied,
    UnitData,
    UnitError,
    assignment_create,
    unit_create,
    unit_deactivate,
    unit_reactivate,
    unit_update,
)
from tests.conftest import credit_code


def data(county, **kw):
    base = dict(name="平江县新建化工有限公司", region_code=county.andingzhen.code,
                sector=county.sectors["hazardous_chemicals"], credit_code=credit_code(99))
    base.update(kw)
    return UnitData(**base)


def test_create_computes_search_keys_default_department_and_audits(county):
    admin = county.users["county_admin"]
    unit = unit_create(actor=admin, data=data(county))
    assert unit.name_initials == "pjxxjhgyxgs"
    assert unit.department == county.yingji  # the department of the sector (管行业必须管安全)
    entry = AuditEntry.objects.get(action="unit.create", object_id=str(unit.pk))
    assert entry.actor == admin and entry.changes["name"] == unit.name


def test_bad_check_character_is_rejected_naming_the_expected_one(county):
    good = credit_code(99)
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(UnitError) as err:
        unit_create(actor=county.users["county_admin"], data=data(county, credit_code=wrong))
    assert f"应为“{good[-1]}”" in err.value.errors["credit_code"][0]
    assert not Unit.objects.filter(name="平江县新建化工有限公司").exists()


def test_duplicate_credit_code_is_caught(county):
    existing = county.units["chem_a"]
    with pytest.raises(UnitError) as err:
        unit_create(actor=county.users["county_admin"], data=data(county, credit_code=existing.credit_code))
    assert existing.name in err.value.errors["credit_code"][0]


def test_same_name_in_same_township_is_caught_even_from_a_village(county):
    with pytest.raises(UnitError) as err:
        unit_create(
            actor=county.users["county_admin"],
            data=data(county, name="平江县汇丰化工有限公司", region_code=county.village.code, credit_code=""),
        )
    assert "同名" in err.value.errors["name"][0]


def test_same_name_in_another_township_is_allowed(county):
    unit = unit_create(
        actor=county.users["county_admin"],
        data=data(county, name="平江县汇丰化工有限公司", region_code=county.sanshizhen.code, credit_code=""),
    )
    assert unit.pk


def test_township_cannot_register_a_unit_in_another_township(county):
    with pytest.raises(UnitError) as err:
        unit_create(actor=county.users["township"], data=data(county, region_code=county.sanshizhen.code))
    assert "管辖范围" in err.value.errors["region_code"][0]


def test_department_cannot_register_a_unit_outside_its_sectors(county):
    with pytest.raises(UnitError):
        unit_create(actor=county.users["zhujian"], data=data(county))  # 住建 registering a chemical plant


@pytest.mark.parametrize("persona", ["leader", "auditor", "expert", "grid_worker", "unit_staff"])
def test_read_only_roles_cannot_write(county, persona):
    with pytest.raises(PermissionDenied):
        unit_create(actor=county.users[persona], data=data(county))


def test_grid_must_belong_to_the_units_township(county):
    with pytest.raises(UnitError) as err:
        unit_create(actor=county.users["county_admin"], data=data(county, region_code=county.sanshizhen.code,
                                                                   grid=county.grid_a))
    assert "grid" in err.value.errors


def test_update_records_only_the_changed_fields(county):
    admin = county.users["county_admin"]
    unit = county.units["chem_a"]
    d = data(county, name=unit.name, credit_code=unit.credit_code, grid=unit.grid, key_supervision=True,
             risk_class="A", address=unit.address)
    _, changes = unit_update(actor=admin, unit=unit, data=d)
    assert changes == {"risk_class": ["B", "A"]}
    _, again = unit_update(actor=admin, unit=unit, data=d)
    assert again == {}
    assert AuditEntry.objects.filter(action="unit.update", object_id=str(unit.pk)).count() == 1


def test_update_out_of_scope_is_refused(county):
    unit = county.units["fire_b"]  # 三市镇
    with pytest.raises(PermissionDenied):
        unit_update(actor=county.users["township"], unit=unit, data=data(county, name=unit.name))


def test_deactivate_needs_a_reason_and_can_be_undone(county):
    admin = county.users["county_admin"]
    unit = county.units["build_b"]
    with pytest.raises(UnitError):
        unit_deactivate(actor=admin, unit=unit, reason="  ")
    unit_deactivate(actor=admin, unit=unit, reason="营业执照已注销")
    unit.refresh_from_db()
    assert not unit.is_active and unit.deactivated_reason == "营业执照已注销"
    unit_reactivate(actor=admin, unit=unit)
    unit.refresh_from_db()
    assert unit.is_active and unit.deactivated_reason == ""


def test_assignment_for_unit_and_township(county):
    admin = county.users["county_admin"]
    a = assignment_create(actor=admin, person=county.users["department"], unit=county.units["chem_a"])
    b = assignment_create(actor=admin, person=county.users["leader"], township=county.andingzhen)
    assert a.region_code == county.units["chem_a"].region_code and b.region_code == county.andingzhen.code
    with pytest.raises(PermissionDenied):
        assignment_create(actor=county.users["township"], person=county.users["leader"], township=county.andingzhen)
