"""Rendering rules of the catalogue, and GET /api/v1/stats's access rules."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from django.http import Http404
from ninja.errors import HttpError

from anjian.stats import indicators as ind
from anjian.stats.api import stats_for
from anjian.stats.render import change, percent, table, value_text, wan_yuan
from anjian.stats.scope import Scope, build_scope, default_as_of

from .factories import d

PERIOD = {"from": "2024-01-01", "to": "2024-06-30"}


def test_percent_rounds_half_up_and_drops_trailing_zeros_in_text():
    assert percent(1107 / 1178) == "93.97%"
    assert percent(Fraction(4, 5)) == "80%"
    assert percent(Fraction(4, 5), text=False) == "80.00%"
    assert percent(Fraction(1, 8), decimals=2) == "12.5%"
    assert percent(Fraction(2, 3), decimals=1) == "66.7%"
    assert percent(Fraction(1, 400)) == "0.25%"
    assert percent(Fraction(1, 80000)) == "0%"            # 0.00125% → 0.00
    assert percent(Fraction(5, 100000), decimals=2) == "0.01%"  # 0.005% rounds half up
    assert percent(None) == "—"


def test_money_in_wan_yuan_and_changes():
    assert wan_yuan(379100) == "37.91万元"
    assert wan_yuan(Decimal("379100.00")) == "37.91万元"
    assert wan_yuan("50") == "0.01万元"
    assert value_text("fines_yuan", Decimal("379100.00"), text=True) == "37.91万元"
    assert value_text("rectification_rate", None) == "—"
    assert change(-0.42857142857142855) == "同比下降42.86%"
    assert change(0.5) == "同比上升50%"
    assert change(0) == "同比持平"
    assert change(None) == ""


def test_table_lists_every_indicator():
    values = {c: 0 for c in ind.CODES} | {"fines_yuan": Decimal("0.00"), "rectification_rate": None}
    text = table(values, {})
    for i in ind.CATALOGUE:
        assert i.name in text


def test_default_as_of_and_previous_year():
    assert default_as_of(d("2030-01-01"), today=d("2026-11-26")) == d("2026-11-26")
    s = Scope(region="430626", date_from=d("2024-02-29"), date_to=d("2024-06-30"), as_of=d("2024-06-30"),
              prefix="430626")
    p = s.previous_year()
    assert (p.date_from, p.date_to, p.as_of) == (d("2023-02-28"), d("2023-06-30"), d("2023-06-30"))
    assert build_scope(region="430626101000", date_from="2024-01-01", date_to="2024-01-31").prefix == "430626101"


@pytest.mark.parametrize("persona", ["county_admin", "department", "leader", "auditor", "sysadmin"])
def test_office_roles_read_their_county(county, persona):
    data = stats_for(county.users[persona], PERIOD)
    assert data["scope"]["region"] == "430626000000"
    assert set(data["indicators"]) == set(ind.CODES)


def test_township_defaults_to_its_own_and_cannot_read_the_county(county):
    data = stats_for(county.users["township"], PERIOD)
    assert data["scope"]["region"] == county.andingzhen.code
    assert stats_for(county.users["township"], PERIOD | {"region": "430626101201"})["indicators"]["units"] == 1
    with pytest.raises(Http404):
        stats_for(county.users["township"], PERIOD | {"region": "430626"})
    with pytest.raises(Http404):
        stats_for(county.users["county_admin"], PERIOD | {"region": "430102"})


@pytest.mark.parametrize("persona", ["grid_worker", "unit_staff", "expert"])
def test_other_roles_are_refused(county, persona):
    with pytest.raises(HttpError) as exc:
        stats_for(county.users[persona], PERIOD)
    assert exc.value.status_code == 403


def test_bad_parameters_are_422(county):
    with pytest.raises(HttpError) as exc:
        stats_for(county.users["county_admin"], PERIOD | {"campaign": "没有"})
    assert exc.value.status_code == 422
