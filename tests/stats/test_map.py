"""The hazard risk map (隐患风险分布图): scope by persona, hand-computed counts, one query, the fallback modes.

The fixture (``map_county``) on the shared county, judged as of 2024-06-30:

    unit      township  class  lng/lat          hazards (found → deadline, state)                     open major overdue
    chem_a    安定镇     B      113.60, 28.70    H1 06-01→06-10 reported       (open, overdue)         2    1     1
                                                H2 06-01→06-10 closed 06-15   (not open)
                                                H3 06-20→07-20 major rectifying (open)
                                                H4 07-05→07-10 reported       (found after as_of)
    build_a   安定镇/小田村 —   (none)           H5 05-01→05-31 closed 07-10   (open at as_of, overdue)  1    0     1
    fire_b    三市镇     C      113.70, 28.75    H6–H8 06-01→07-01 submitted   (open, not yet due)       3    0     0
    build_b   三市镇     —      113.72, 28.76    —                                                       0    0     0
    closed    三市镇     —      113.71, 28.74    H10 06-01→06-10 reported (open, overdue)               1    0     1
    other     芙蓉区 (another county)             H9 open                                          not on 平江县's map

``closed`` (已关闭花炮店) is out of the registry (关闭) but on the map for its open hazard, which the
catalogue's hazards_open counts. Townships: 安定镇 2 units, 2 with open hazards, open 2 + 1 = 3, major 1,
overdue 1 + 1 = 2; 三市镇 3 units, 2 with open hazards, open 3 + 1 = 4, major 0, overdue 1.
County: 5 units, open 7, major 1, overdue 3.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.urls import reverse

from anjian.accounts.roles import Role
from anjian.regions.models import Boundary
from anjian.regions.services import boundaries_import
from anjian.stats import maps
from anjian.stats.compute import compute
from anjian.stats.scope import build_scope
from anjian.units.models import Unit, UnitStatus
from tests.conftest import make_user

from . import factories as f

AS_OF = "2024-06-30"
COUNTIES = Path(__file__).resolve().parent.parent / "regions" / "data" / "counties.geojson"


@pytest.fixture
def map_county(county: Any) -> Any:
    u = county.units
    Unit.objects.filter(pk=u["chem_a"].pk).update(lng=Decimal("113.600000"), lat=Decimal("28.700000"))
    Unit.objects.filter(pk=u["fire_b"].pk).update(lng=Decimal("113.700000"), lat=Decimal("28.750000"))
    Unit.objects.filter(pk=u["build_b"].pk).update(lng=Decimal("113.720000"), lat=Decimal("28.760000"))
    f.hazard(u["chem_a"], "2024-06-01", "2024-06-10")
    f.hazard(u["chem_a"], "2024-06-01", "2024-06-10", status="closed", closed_on="2024-06-15")
    f.hazard(u["chem_a"], "2024-06-20", "2024-07-20", level="major", status="rectifying")
    f.hazard(u["chem_a"], "2024-07-05", "2024-07-10")
    f.hazard(u["build_a"], "2024-05-01", "2024-05-31", status="closed", closed_on="2024-07-10")
    for _ in range(3):
        f.hazard(u["fire_b"], "2024-06-01", "2024-07-01", status="submitted")
    f.hazard(u["other"], "2024-06-01", "2024-06-10")
    u["closed"] = closed = Unit.objects.create(
        name="已关闭花炮店", region_code=county.sanshizhen.code, sector=county.sectors["fireworks"],
        status=UnitStatus.CLOSED, lng=Decimal("113.71"), lat=Decimal("28.74"),
    )
    f.hazard(closed, "2024-06-01", "2024-06-10")
    return county


def scope_of(county: Any, persona: str, **kw: Any) -> maps.MapScope:
    kw.setdefault("as_of", AS_OF)
    return maps.map_scope(county.users[persona], **kw)


def by_name(points: list[maps.Point]) -> dict[str, tuple[int, int, int, str]]:
    return {p.name: (p.open, p.major, p.overdue, p.bucket) for p in points}


def names(county: Any, *keys: str) -> set[str]:
    return {county.units[k].name for k in keys}


def township_squares() -> dict[str, Any]:
    """Synthesised outlines of the two townships (no open-licence township boundaries exist)."""

    def square(lng: float, lat: float) -> list[list[list[float]]]:
        return [[[lng, lat], [lng + 0.1, lat], [lng + 0.1, lat + 0.1], [lng, lat + 0.1], [lng, lat]]]

    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"code": "430626101"},
             "geometry": {"type": "Polygon", "coordinates": square(113.55, 28.65)}},
            {"type": "Feature", "properties": {"code": "430626102"},
             "geometry": {"type": "Polygon", "coordinates": square(113.65, 28.70)}},
        ],
    }


def load_townships(tmp_path: Path) -> None:
    path = tmp_path / "townships.geojson"
    path.write_text(json.dumps(township_squares()), encoding="utf-8")
    boundaries_import(path=path)


# --- points -------------------------------------------------------------------------------------


def test_points_carry_hand_computed_counts(map_county):
    points = maps.map_points(map_county.users["county_admin"], scope_of(map_county, "county_admin"))
    u = map_county.units
    assert by_name(points) == {
        u["chem_a"].name: (2, 1, 1, "major"),
        u["build_a"].name: (1, 0, 1, "few"),
        u["fire_b"].name: (3, 0, 0, "many"),
        u["build_b"].name: (0, 0, 0, "none"),
        "已关闭花炮店": (1, 0, 1, "few"),
    }
    chem = next(p for p in points if p.id == u["chem_a"].pk)
    assert (chem.lng, chem.lat, chem.risk_class) == (113.6, 28.7, "B")
    assert [p.name for p in points if not p.mapped] == [u["build_a"].name]


def test_the_map_totals_are_the_catalogues_figures(map_county):
    data = maps.map_data(map_county.users["county_admin"], scope_of(map_county, "county_admin"))
    assert data.totals() == {"units": 5, "units_open": 4, "open": 7, "major": 1, "overdue": 3, "unmapped": 1}
    catalogue = compute(build_scope(region="430626", date_from="2024-01-01", date_to=AS_OF))
    # The closed unit is not in the registry figure, its open hazard is in the hazard figures.
    assert (catalogue["hazards_open"], catalogue["hazards_overdue"], catalogue["units"]) == (7, 3, 4)
    assert [p.closed for p in data.points].count(True) == 1


def test_as_of_moves_what_is_open_and_overdue(map_county):
    points = maps.map_points(map_county.users["county_admin"], scope_of(map_county, "county_admin", as_of="2024-07-15"))
    u = map_county.units
    # 15 July: H4 is found and overdue, H5 was closed on 10 July, H6–H8 passed their 1 July deadline.
    assert by_name(points) == {
        u["chem_a"].name: (3, 1, 2, "major"),
        u["build_a"].name: (0, 0, 0, "none"),
        u["fire_b"].name: (3, 0, 3, "many"),
        u["build_b"].name: (0, 0, 0, "none"),
        "已关闭花炮店": (1, 0, 1, "few"),
    }


def test_points_are_one_query(map_county, django_assert_max_num_queries):
    user = map_county.users["county_admin"]
    ms = scope_of(map_county, "county_admin")
    for n in range(30):  # more units, still one query
        Unit.objects.create(name=f"加油站{n}", region_code=map_county.sanshizhen.code,
                            sector=map_county.sectors["commerce"], lng=Decimal("113.7"), lat=Decimal("28.7"))
    with django_assert_max_num_queries(1):
        points = maps.map_points(user, ms)
    assert len(points) == 35
    with django_assert_max_num_queries(4):  # boundaries, children's figures, child divisions, points
        maps.map_data(user, ms)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"sector": "construction"}, ("build_a", "build_b")),
        ({"sector": "烟花爆竹"}, ("fire_b", "closed")),
        ({"risk_class": "C"}, ("fire_b",)),
        ({"risk_class": maps.NO_CLASS}, ("build_a", "build_b", "closed")),
        ({"only_open": True}, ("chem_a", "build_a", "fire_b", "closed")),
        ({"only_open": True, "risk_class": "B"}, ("chem_a",)),
    ],
)
def test_filters(map_county, params, expected):
    points = maps.map_points(map_county.users["county_admin"], scope_of(map_county, "county_admin", **params))
    assert {p.name for p in points} == names(map_county, *expected)


# --- scope by persona ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("county_admin", ("chem_a", "build_a", "fire_b", "build_b", "closed")),
        ("leader", ("chem_a", "build_a", "fire_b", "build_b", "closed")),
        ("auditor", ("chem_a", "build_a", "fire_b", "build_b", "closed")),
        ("sysadmin", ("chem_a", "build_a", "fire_b", "build_b", "closed")),
        ("township", ("chem_a", "build_a")),  # 安定镇, its own region by default
        ("township_b", ("fire_b", "build_b", "closed")),
        ("department", ("chem_a", "fire_b", "closed")),  # 应急管理局: hazardous chemicals and fireworks
        ("zhujian", ("build_a", "build_b")),
    ],
)
def test_each_office_sees_its_own_units(map_county, persona, expected):
    ms = scope_of(map_county, persona)
    assert {p.name for p in maps.map_points(map_county.users[persona], ms)} == names(map_county, *expected)


def test_a_region_outside_the_jurisdiction_is_a_404(map_county):
    with pytest.raises(Http404):
        scope_of(map_county, "township", region="430626102")  # 三市镇 for 安定镇's officer
    with pytest.raises(Http404):
        scope_of(map_county, "township", region="430626")  # the county above
    with pytest.raises(Http404):
        scope_of(map_county, "other_county_admin", region="430626")
    with pytest.raises(Http404):
        scope_of(map_county, "county_admin", region="430699")  # no such county


@pytest.mark.parametrize("persona", ["unit_staff", "grid_worker", "expert"])
def test_people_outside_the_offices_may_not_see_the_map(map_county, persona):
    with pytest.raises(PermissionDenied):
        scope_of(map_county, persona)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"region": "43062"}, "区划代码无效：“43062”，应为2、4、6、9或12位数字"),
        ({"as_of": "2024-13-01"}, "日期无效：“2024-13-01”，应为 YYYY-MM-DD"),
        ({"risk_class": "E"}, "分级分类无效：“E”，应为 A、B、C、D 或 none（未分级）"),
        ({"sector": "不存在的行业"}, "行业领域不存在：不存在的行业"),
    ],
)
def test_bad_parameters_have_a_clear_message(map_county, params, message):
    with pytest.raises(maps.MapError) as info:
        scope_of(map_county, "county_admin", **params)
    assert str(info.value) == message


# --- the choropleth -----------------------------------------------------------------------------


def test_choropleth_values_per_township(map_county):
    children = maps.map_children(map_county.users["county_admin"], scope_of(map_county, "county_admin"))
    rows = {(c.code, c.name): (c.units, c.units_open, c.open, c.major, c.overdue) for c in children}
    assert rows == {("430626101", "安定镇"): (2, 2, 3, 1, 2), ("430626102", "三市镇"): (3, 2, 4, 0, 1)}


def test_choropleth_follows_scope_and_filters(map_county):
    dept = maps.map_children(map_county.users["department"], scope_of(map_county, "department"))
    assert {c.name: c.open for c in dept} == {"安定镇": 2, "三市镇": 4}  # chem_a; fire_b and the closed shop
    majors = maps.map_children(map_county.users["county_admin"], scope_of(map_county, "county_admin", risk_class="C"))
    assert {c.name: (c.units, c.open) for c in majors} == {"安定镇": (0, 0), "三市镇": (1, 3)}


def test_units_registered_at_the_county_itself_get_a_row_of_their_own(map_county):
    county_unit = Unit.objects.create(
        name="县直属单位", region_code="430626000000", sector=map_county.sectors["commerce"]
    )
    f.hazard(county_unit, "2024-06-01", "2024-06-30")
    children = maps.map_children(map_county.users["county_admin"], scope_of(map_county, "county_admin"))
    own = [c for c in children if c.own]
    assert [(c.code, c.name, c.units, c.open, c.overdue) for c in own] == [("430626000", "未落到乡镇（街道）", 1, 1, 0)]


def test_a_city_map_has_its_counties_as_children(map_county):
    # A system administrator without an organisation sees the deployment (anjian.core.scope).
    root = make_user("root", Role.SYSADMIN)
    children = maps.map_children(root, maps.map_scope(root, region="4306", as_of=AS_OF))
    assert [(c.code, c.name, c.open) for c in children] == [("430626", "平江县", 7)]


# --- boundaries: children, outline, none --------------------------------------------------------


def test_no_boundary_at_all(map_county):
    data = maps.map_data(map_county.users["county_admin"], scope_of(map_county, "county_admin"))
    assert data.mode == "none" and maps.geojson(data) is None


def test_only_the_county_outline(map_county):
    boundaries_import(path=COUNTIES)
    data = maps.map_data(map_county.users["county_admin"], scope_of(map_county, "county_admin"))
    assert data.mode == "outline"
    geo = maps.geojson(data)
    assert [ft["properties"] for ft in geo["features"]] == [{"name": "平江县", "code": "430626"}]
    assert geo["features"][0]["geometry"]["type"] == "MultiPolygon"
    assert not any(c.boundary for c in data.children)


def test_township_boundaries_make_a_choropleth(map_county, tmp_path):
    boundaries_import(path=COUNTIES)
    load_townships(tmp_path)
    data = maps.map_data(map_county.users["county_admin"], scope_of(map_county, "county_admin"))
    assert data.mode == "children"
    geo = maps.geojson(data)
    assert [ft["properties"] for ft in geo["features"]] == [
        {"name": "安定镇", "code": "430626101"}, {"name": "三市镇", "code": "430626102"},
    ]
    assert all(c.boundary for c in data.children)
    # A township officer's map is its own township: no village has an outline, so the township's own.
    town = maps.map_data(map_county.users["township"], scope_of(map_county, "township"))
    assert town.mode == "outline"
    assert [ft["properties"]["code"] for ft in maps.geojson(town)["features"]] == ["430626101"]
    Boundary.objects.filter(division_id="430626102000").delete()
    data = maps.map_data(map_county.users["county_admin"], scope_of(map_county, "county_admin"))
    assert [c.name for c in data.children if c.boundary] == ["安定镇"]


# --- the page and data.json ---------------------------------------------------------------------


def client_for(county: Any, persona: str) -> Client:
    client = Client()
    client.force_login(county.users[persona])
    return client


def test_data_json_for_the_county_admin(map_county, tmp_path):
    load_townships(tmp_path)
    r = client_for(map_county, "county_admin").get(reverse("stats:map_data"), {"as_of": AS_OF})
    assert r.status_code == 200, r.content
    body = r.json()
    u = map_county.units
    assert body["region"] == {"code": "430626", "name": "平江县", "level": 3}
    assert (body["mode"], body["as_of"], body["child_level"]) == ("children", AS_OF, "乡镇（街道）")
    chem = next(p for p in body["points"] if p["id"] == u["chem_a"].pk)
    assert chem == {"id": u["chem_a"].pk, "name": u["chem_a"].name, "lng": 113.6, "lat": 28.7, "class": "B",
                    "open": 2, "major": 1, "overdue": 1, "bucket": "major", "closed": False}
    assert len(body["points"]) == 4
    assert body["unmapped"] == {"count": 1, "units": [{"id": u["build_a"].pk, "name": u["build_a"].name, "open": 1}]}
    assert [(c["name"], c["open"], c["url"]) for c in body["children"]] == [
        ("安定镇", 3, f"/hazards/?township=430626101&open=1&as_of={AS_OF}"),
        ("三市镇", 4, f"/hazards/?township=430626102&open=1&as_of={AS_OF}"),
    ]
    assert [ft["properties"]["name"] for ft in body["geojson"]["features"]] == ["安定镇", "三市镇"]
    assert body["unit_url"] == "/units/0/"
    assert body["totals"]["open"] == 7


def test_data_json_roles_scope_and_errors(map_county):
    url = reverse("stats:map_data")
    assert client_for(map_county, "township").get(url, {"region": "430626102"}).status_code == 404
    r = client_for(map_county, "township").get(url, {"as_of": AS_OF})
    assert {p["name"] for p in r.json()["points"]} == names(map_county, "chem_a")  # build_a has no coordinates
    assert r.json()["unmapped"]["units"][0]["name"] == map_county.units["build_a"].name
    for persona in ("unit_staff", "grid_worker", "expert"):
        r = client_for(map_county, persona).get(url)
        assert r.status_code == 403 and r.json() == {"error": "无权查看隐患风险分布图"}
    r = client_for(map_county, "county_admin").get(url, {"as_of": "昨天"})
    assert r.status_code == 400 and r.json() == {"error": "日期无效：“昨天”，应为 YYYY-MM-DD"}
    assert Client().get(url).status_code == 302  # to the login page


def test_the_page_without_boundaries_is_a_table_and_a_plane(map_county):
    r = client_for(map_county, "county_admin").get(reverse("stats:map"), {"as_of": AS_OF})
    assert r.status_code == 200
    html = r.content.decode()
    assert "尚未导入边界：单位按经纬度显示在平面坐标上" in html
    assert 'data-mode="none"' in html
    assert f'<a href="/hazards/?township=430626101&amp;open=1&amp;as_of={AS_OF}">安定镇</a>' in html
    assert "共 5 家单位，其中 4 家有未销号隐患；未销号隐患 7 项（重大 1 项，逾期 3 项）。" in html
    assert "未标注位置 1 家" in html
    assert f'<a href="/units/{map_county.units["build_a"].pk}/">{map_county.units["build_a"].name}</a>' in html
    assert f'data-url="/stats/map/data.json?as_of={AS_OF}"' in html
    # Strict CSP: scripts from files only, no inline style.
    assert "<script>" not in html and 'style="' not in html
    assert "/static/stats/map.js" in html and "/static/vendor/echarts/echarts.min.js" in html


def test_the_page_with_the_county_outline(map_county):
    boundaries_import(path=COUNTIES)
    html = client_for(map_county, "county_admin").get(reverse("stats:map")).content.decode()
    assert "尚未导入乡镇（街道）边界：显示平江县的轮廓和单位位置" in html


def test_the_page_for_each_role(map_county):
    url = reverse("stats:map")
    assert client_for(map_county, "township").get(url, {"region": "430626"}).status_code == 404
    for persona in ("unit_staff", "grid_worker", "expert"):
        assert client_for(map_county, persona).get(url).status_code == 403
    r = client_for(map_county, "township").get(url, {"as_of": AS_OF})
    assert r.status_code == 200
    html = r.content.decode()
    assert "隐患风险分布图 · 安定镇" in html and "返回平江县" not in html  # the county is not the officer's
    r = client_for(map_county, "county_admin").get(url, {"region": "430626101", "as_of": AS_OF})
    assert "返回平江县" in r.content.decode()
    r = client_for(map_county, "county_admin").get(url, {"region": "abc"})
    assert r.status_code == 400 and "区划代码无效" in r.content.decode()


def test_today_is_the_default_date(map_county):
    with time_machine.travel(dt.datetime(2024, 7, 15, 1, 0, tzinfo=dt.UTC)):  # 09:00 in Beijing
        ms = maps.map_scope(map_county.users["county_admin"])
    assert ms.as_of == dt.date(2024, 7, 15)
