"""Each role sees its own units and not another's (ARCHITECTURE.md, jurisdiction)."""

from __future__ import annotations

import pytest
from django.http import Http404

from anjian.units.selectors import unit_get, unit_list

# persona -> the unit keys it must see (and it must see no others)
EXPECTED = {
    "county_admin": {"chem_a", "build_a", "fire_b", "build_b"},
    "leader": {"chem_a", "build_a", "fire_b", "build_b"},
    "auditor": {"chem_a", "build_a", "fire_b", "build_b"},
    "sysadmin": {"chem_a", "build_a", "fire_b", "build_b"},
    "department": {"chem_a", "fire_b"},  # 应急管理局: hazardous chemicals, fireworks
    "zhujian": {"build_a", "build_b"},  # 住建: construction
    "township": {"chem_a", "build_a"},  # 安定镇, village included
    "township_b": {"fire_b", "build_b"},
    "grid_worker": {"chem_a"},  # 安定镇第一网格
    "unit_staff": {"chem_a"},
    "expert": set(),
    "other_county_admin": {"other"},
}


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_each_role_sees_exactly_its_own_units(county, persona):
    user = county.users[persona]
    seen = {u.pk for u in unit_list(user)}
    expected = {county.units[k].pk for k in EXPECTED[persona]}
    assert seen == expected


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_out_of_scope_detail_is_404(county, persona):
    user = county.users[persona]
    for key, unit in county.units.items():
        if key in EXPECTED[persona]:
            assert unit_get(user, unit.pk) == unit
        else:
            with pytest.raises(Http404):
                unit_get(user, unit.pk)


def test_inactive_user_sees_nothing(county):
    user = county.users["county_admin"]
    user.is_active = False
    assert list(unit_list(user)) == []
