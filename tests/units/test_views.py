from __future__ import annotations

import pytest
from django.urls import reverse

from anjian.units.models import Unit
from tests.conftest import PASSWORD, credit_code


def login(client, user):
    client.force_login(user)
    return client


def test_list_requires_login(client, county):
    response = client.get(reverse("units:list"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_list_shows_scope_and_search_by_initials(client, county):
    login(client, county.users["township"])
    page = client.get(reverse("units:list")).content.decode()
    assert "平江县汇丰化工有限公司" in page and "三市镇花炮批发部" not in page
    found = client.get(reverse("units:list"), {"q": "pjxhf"}).content.decode()
    assert "平江县汇丰化工有限公司" in found and "平江县安定建筑工程有限公司" not in found


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "hfhg"}, {"chem_a"}),  # initials of any part of the name
        ({"q": "pjxhfhg"}, {"chem_a"}),
        ({"q": "汇丰"}, {"chem_a"}),
        ({"q": "三市镇老街"}, {"fire_b"}),  # address
        ({"q": credit_code(3)[:17]}, {"fire_b"}),  # credit-code prefix (without the check character)
        ({"q": credit_code(3).lower()}, {"fire_b"}),  # whole code, typed in lower case
        ({"key": "1"}, {"chem_a", "fire_b"}),
        ({"sector": "construction"}, {"build_a", "build_b"}),
        ({"township": "430626102"}, {"fire_b", "build_b"}),
        ({"risk_class": "C"}, {"fire_b"}),
    ],
)
def test_filters(client, county, params, expected):
    login(client, county.users["county_admin"])
    response = client.get(reverse("units:list"), params)
    shown_pks = {u.pk for u in response.context["page"].object_list}
    assert shown_pks == {county.units[k].pk for k in expected}


def test_grid_filter(client, county):
    login(client, county.users["county_admin"])
    response = client.get(reverse("units:list"), {"grid": county.grid_a.pk})
    shown = {k for k, u in county.units.items() if u.name in response.content.decode()}
    assert shown == {"chem_a"}


def test_htmx_request_gets_only_the_results_partial(client, county):
    login(client, county.users["county_admin"])
    response = client.get(reverse("units:list"), {"q": "汇丰"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "平江县汇丰化工有限公司" in body and "<html" not in body


def test_detail_out_of_scope_is_404(client, county):
    login(client, county.users["township"])
    assert client.get(reverse("units:detail", args=[county.units["fire_b"].pk])).status_code == 404
    assert client.get(reverse("units:detail", args=[county.units["chem_a"].pk])).status_code == 200


def test_create_through_the_form(client, county):
    login(client, county.users["county_admin"])
    response = client.post(reverse("units:create"), {
        "name": "平江县明月烟花爆竹零售点", "credit_code": "", "region_code": county.sanshizhen.code,
        "sector": county.sectors["fireworks"].pk, "status": "normal", "key_supervision": "on",
    })
    unit = Unit.objects.get(name="平江县明月烟花爆竹零售点")
    assert response.status_code == 302 and response["Location"] == reverse("units:detail", args=[unit.pk])
    assert unit.key_supervision and unit.department == county.yingji


def test_form_shows_check_character_error_and_saves_nothing(client, county):
    login(client, county.users["county_admin"])
    good = credit_code(77)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = client.post(reverse("units:create"), {
        "name": "平江县错误代码公司", "credit_code": bad, "region_code": county.sanshizhen.code,
        "sector": county.sectors["fireworks"].pk, "status": "normal",
    })
    assert response.status_code == 200
    assert f"应为“{good[-1]}”" in response.content.decode()
    assert not Unit.objects.filter(name="平江县错误代码公司").exists()


def test_leader_cannot_open_the_create_form(client, county):
    login(client, county.users["leader"])
    assert client.get(reverse("units:create")).status_code == 403


def test_deactivate_and_reactivate(client, county):
    login(client, county.users["county_admin"])
    unit = county.units["build_b"]
    client.post(reverse("units:deactivate", args=[unit.pk]), {"reason": "搬离本县"})
    unit.refresh_from_db()
    assert not unit.is_active
    listing = client.get(reverse("units:list")).context["page"].object_list
    assert unit not in listing
    assert unit in client.get(reverse("units:list"), {"active": "0"}).context["page"].object_list
    client.post(reverse("units:reactivate", args=[unit.pk]))
    unit.refresh_from_db()
    assert unit.is_active


def test_deactivate_without_reason_changes_nothing(client, county):
    login(client, county.users["county_admin"])
    unit = county.units["build_b"]
    client.post(reverse("units:deactivate", args=[unit.pk]), {"reason": ""})
    unit.refresh_from_db()
    assert unit.is_active


def test_home_shows_empty_todo_and_scope_figures(client, county):
    login(client, county.users["township"])
    body = client.get(reverse("home")).content.decode()
    assert "暂无待办" in body
    assert PASSWORD  # personas share one password; the browser test logs in with it


def test_county_admin_assigns_a_leader_to_a_township(client, county):
    from anjian.units.models import Assignment

    login(client, county.users["county_admin"])
    response = client.post(reverse("units:assignments"), {
        "township": county.andingzhen.code, "person": county.users["leader"].pk, "note": "2026年度",
    })
    assert response.status_code == 302
    a = Assignment.objects.get()
    assert a.township == county.andingzhen and a.person == county.users["leader"]
    # the 三市镇 officer does not see 安定镇's assignment; the 安定镇 officer does
    login(client, county.users["township_b"])
    assert "县领导" not in client.get(reverse("units:assignments")).content.decode()
    login(client, county.users["township"])
    assert "县领导" in client.get(reverse("units:assignments")).content.decode()


def test_township_officer_cannot_assign(client, county):
    login(client, county.users["township"])
    response = client.post(reverse("units:assignments"), {"township": county.andingzhen.code,
                                                          "person": county.users["leader"].pk})
    assert response.status_code == 403


@pytest.mark.parametrize("url", ["units:list", "hazards:list"])
def test_place_selects_offer_the_users_townships_and_keep_the_choice(client, county, url):
    login(client, county.users["county_admin"])
    page = client.get(reverse(url), {"township": "430626102", "sector": "construction"}).content.decode()
    assert '<option value="430626102" selected>三市镇</option>' in page
    assert '<option value="430626101">安定镇</option>' in page
    assert '<option value="construction" selected>' in page
    # A township officer is offered only their own township.
    login(client, county.users["township"])
    page = client.get(reverse(url)).content.decode()
    assert ">安定镇</option>" in page and ">三市镇</option>" not in page
