"""Patrols API: the list and detail per persona, 巡查打卡 (roles, scope 404, idempotent retry, 422 writing
nothing), coverage equal to the hand-worked table of tests/patrols/conftest.py (``visits``) and to the selector."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from django.test import Client

from anjian.core.models import AuditEntry, IdempotencyKey
from anjian.patrols.models import Outcome, Patrol
from anjian.patrols.selectors import NO_GRID, NO_GRID_NAME, coverage
from tests.api.conftest import ApiClient
from tests.patrols.conftest import PERIOD, TODAY

BASE = "/api/v1/patrols"
RECORDERS = ["grid_worker", "township", "county_admin"]
NOT_RECORDERS = ["department", "leader", "auditor", "expert", "unit_staff", "sysadmin"]
NO_READ = ["unit_staff", "expert", "auditor", "sysadmin"]
COVERAGE = ["county_admin", "township", "department", "leader"]


class PatrolApi(ApiClient):
    """ApiClient plus request headers (``Idempotency-Key``)."""

    def post(self, path: str, body: Any, headers: dict[str, str] | None = None) -> tuple[int, Any]:
        extra = self._headers()
        extra.update({f"HTTP_{k.upper().replace('-', '_')}": v for k, v in (headers or {}).items()})
        response = self.client.post(path, json.dumps(body), content_type="application/json", **extra)
        return response.status_code, response.json()


@pytest.fixture
def api_as(api_as):
    """The shared fixture (tests/conftest.py), with this module's client."""
    return lambda persona: api_as(persona, PatrolApi)


def body(county: Any, unit: str = "chem_a", **kw: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"unit_id": county.units[unit].pk, "outcome": "normal", "note": "消防通道畅通，未见异常"}
    out.update(kw)
    return out


def nothing_written() -> bool:
    return (
        not Patrol.objects.exists()
        and not IdempotencyKey.objects.exists()
        and not AuditEntry.objects.filter(action__startswith="patrol.").exists()
    )


# --- the list and the detail -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "count"),
    [
        ("county_admin", 9),
        ("leader", 9),
        ("township", 7),  # 安定镇: chem_a ×2, a_closed, build_a, b2, b3, b_gone
        ("township_b", 2),  # fire_b, build_b
        ("grid_worker", 3),  # grid_a: chem_a ×2, a_closed
        ("department", 3),  # 危化、烟花爆竹: chem_a ×2, fire_b
        ("other_county_admin", 0),
    ],
)
def test_list_is_scoped_per_persona(visits, api_as, persona, count):
    status, page = api_as(persona).get(BASE)
    assert status == 200
    assert page["count"] == count and len(page["items"]) == count


@pytest.mark.parametrize("persona", NO_READ)
def test_roles_without_the_register_get_403(visits, api_as, persona):
    api = api_as(persona)
    p = Patrol.objects.first()
    for path in (BASE, f"{BASE}/{p.pk}", f"{BASE}/coverage"):
        status, err = api.get(path)
        assert status == 403 and "无权查看" in err["detail"], path


def test_list_filters_pagination_and_detail(visits, api_as):
    api = api_as("county_admin")

    def count(**params: Any) -> int:
        status, page = api.get(BASE, params)
        assert status == 200
        return page["count"]

    assert count(unit=visits.units["chem_a"].pk) == 2
    assert count(grid=visits.grid_a.pk) == 3
    assert count(township="430626102") == 2
    assert count(**{"from": "2026-06-01", "to": "2026-06-15"}) == 7
    assert count(outcome="stopped") == 1
    # Bad values are ignored, as on the list page.
    assert count(outcome="bogus", grid="x", township="43", **{"from": "yesterday"}) == 9
    page = api.get(BASE, {"page_size": 4, "page": 3})[1]
    assert (page["count"], page["pages"], page["page"], len(page["items"])) == (9, 3, 3, 1)
    days = [p["patrolled_on"] for p in api.get(BASE, {"page_size": 9})[1]["items"]]
    assert days == sorted(days, reverse=True) and days[0] == "2026-06-16"

    p = Patrol.objects.get(unit=visits.units["a_closed"])
    status, out = api.get(f"{BASE}/{p.pk}")
    assert status == 200
    assert (out["id"], out["unit_id"], out["unit_name"]) == (p.pk, visits.units["a_closed"].pk, "平江县安定旧砖厂")
    assert (out["grid_id"], out["grid_name"]) == (visits.grid_a.pk, "安定镇第一网格")
    assert out["region_code"] == "430626101000"
    assert (out["patrolled_on"], out["outcome"], out["outcome_display"]) == ("2026-06-05", "stopped", "单位停产或关闭")
    assert out["by_name"] == "网格员甲" and out["hazard_id"] is None and out["lat"] is None


def test_a_patrol_out_of_scope_is_404(visits, api_as):
    foreign = Patrol.objects.get(unit=visits.units["build_a"])  # grid_b
    status, err = api_as("grid_worker").get(f"{BASE}/{foreign.pk}")
    assert status == 404 and err["detail"] == "未找到该巡查记录"
    assert api_as("township_b").get(f"{BASE}/{foreign.pk}")[0] == 404
    assert api_as("other_county_admin").get(f"{BASE}/{foreign.pk}")[0] == 404
    assert api_as("county_admin").get(f"{BASE}/999999")[0] == 404


# --- 巡查打卡 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "unit"),
    [("grid_worker", "chem_a"), ("township", "build_a"), ("township_b", "build_b"), ("county_admin", "fire_b")],
)
def test_recorders_record_in_their_scope(county, api_as, persona, unit):
    status, out = api_as(persona).post(BASE, body(county, unit, outcome="no_principal", lat=28.7012345, lng="113.58"))
    assert status == 201, out
    p = Patrol.objects.get()
    u = county.units[unit]
    assert out["id"] == p.pk and (p.unit, p.grid_id, p.region_code, p.by) == (u, u.grid_id, u.region_code,
                                                                              county.users[persona])
    assert (p.patrolled_on, p.outcome, p.note) == (TODAY, Outcome.NO_PRINCIPAL, "消防通道畅通，未见异常")
    assert (p.lat, p.lng) == (Decimal("28.701235"), Decimal("113.580000"))  # rounded to the model's 6 places
    assert (out["patrolled_on"], out["outcome_display"], out["lat"], out["lng"]) == (
        "2026-06-16", "未见负责人", 28.701235, 113.58
    )
    assert AuditEntry.objects.filter(action="patrol.record", object_id=str(p.pk)).count() == 1


@pytest.mark.parametrize("persona", NOT_RECORDERS)
def test_other_roles_may_not_record(county, api_as, persona):
    status, err = api_as(persona).post(BASE, body(county), headers={"Idempotency-Key": "k"})
    assert status == 403
    assert "不能登记巡查" in err["detail"] and "网格员、乡镇监管员和县级管理员" in err["detail"]
    assert nothing_written()


@pytest.mark.parametrize(
    ("persona", "unit"),
    [
        ("grid_worker", "build_a"),  # another grid of the same township
        ("grid_worker", "fire_b"),
        ("township", "fire_b"),  # another township
        ("county_admin", "other"),  # another county
    ],
)
def test_a_unit_out_of_scope_is_404(county, api_as, persona, unit):
    status, err = api_as(persona).post(BASE, body(county, unit), headers={"Idempotency-Key": "k-404"})
    assert status == 404 and err["detail"] == "未找到该单位，或该单位不在您的管辖范围内"
    assert nothing_written()


def test_an_unknown_unit_is_404_too(county, api_as):
    status, err = api_as("county_admin").post(BASE, {"unit_id": 999999, "outcome": "normal"})
    assert status == 404 and err["detail"] == "未找到该单位，或该单位不在您的管辖范围内"
    assert nothing_written()


def test_the_same_key_twice_records_once_and_answers_200_the_second_time(county, api_as):
    api = api_as("grid_worker")
    first_status, first = api.post(BASE, body(county), headers={"Idempotency-Key": "phone-0001"})
    again_status, again = api.post(BASE, body(county), headers={"Idempotency-Key": "phone-0001"})
    assert (first_status, again_status) == (201, 200)
    assert again == first
    assert Patrol.objects.count() == 1 and IdempotencyKey.objects.get().object_id == str(first["id"])
    assert AuditEntry.objects.filter(action="patrol.record").count() == 1
    # Another key is another visit; no key at all is never deduplicated.
    assert api.post(BASE, body(county), headers={"Idempotency-Key": "phone-0002"})[0] == 201
    assert api.post(BASE, body(county))[0] == 201
    assert api.post(BASE, body(county))[0] == 201
    assert Patrol.objects.count() == 4


def test_a_retry_answers_the_first_patrol_even_if_now_refused(county, api_as):
    # The key names the submission: the retry after midnight, or with another body, gets the first record.
    api = api_as("township")
    _, first = api.post(BASE, body(county), headers={"Idempotency-Key": "k-1"})
    status, again = api.post(
        BASE, body(county, outcome="bogus", patrolled_on="2030-01-01"), headers={"Idempotency-Key": "k-1"}
    )
    assert status == 200 and again["id"] == first["id"] and again["outcome"] == "normal"
    assert Patrol.objects.count() == 1


def test_keys_are_per_user(county, api_as):
    _, mine = api_as("township").post(BASE, body(county), headers={"Idempotency-Key": "same"})
    status, theirs = api_as("county_admin").post(BASE, body(county), headers={"Idempotency-Key": "same"})
    assert status == 201 and theirs["id"] != mine["id"] and Patrol.objects.count() == 2


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"patrolled_on": "2026-06-17"}, "patrolled_on", "巡查日期不能晚于今天"),
        ({"patrolled_on": "2025-12-31"}, "patrolled_on", "巡查日期不能早于单位建档日期（2026-01-05）"),
        ({"patrolled_on": "2026-13-01"}, "patrolled_on", "格式不正确"),
        ({"outcome": "bogus"}, "outcome", "请选择巡查结果"),
        ({"note": "很" * 2001}, "note", "情况说明最多 2000 字"),
        ({"lat": 28.7}, "__all__", "位置须同时有经度和纬度"),
        ({"lat": 95, "lng": 113.5}, "__all__", "位置的经纬度超出范围"),
        ({"lat": "abc", "lng": 113.5}, "lat", "应为数字"),
        ({"unit_id": "abc"}, "unit_id", "应为整数"),
        ({"unit_id": None}, "unit_id", "应为整数"),
    ],
)
def test_invalid_data_is_422_in_chinese_and_writes_nothing(county, api_as, changes, field, reason):
    status, err = api_as("grid_worker").post(BASE, body(county, **changes), headers={"Idempotency-Key": "k-422"})
    assert status == 422, err
    assert reason in err["errors"][field] and err["detail"]
    assert nothing_written()


def test_missing_outcome_and_overlong_key(county, api_as):
    api = api_as("grid_worker")
    status, err = api.post(BASE, {"unit_id": county.units["chem_a"].pk})
    assert status == 422 and err["errors"] == {"outcome": ["必填"]}
    status, err = api.post(BASE, body(county), headers={"Idempotency-Key": "x" * 129})
    assert status == 422 and "过长" in err["errors"]["Idempotency-Key"][0]
    assert nothing_written()


def test_a_deregistered_unit_is_422_not_404(county, api_as):
    from anjian.units.services import unit_deactivate

    unit_deactivate(actor=county.users["county_admin"], unit=county.units["chem_a"], reason="已注销营业执照")
    status, err = api_as("grid_worker").post(BASE, body(county))
    assert status == 422 and err["errors"] == {"unit_id": ["该单位已注销，不能登记巡查"]}
    assert nothing_written()


# --- coverage ----------------------------------------------------------------------------------------


def rows(out: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [(r["name"], r["units"], r["visited"], r["not_visited"], r["rate"], r["visits"])
            for r in [*out["rows"], out["total"]]]


def period(**extra: str) -> dict[str, str]:
    return {"from": PERIOD[0].isoformat(), "to": PERIOD[1].isoformat(), **extra}


def test_coverage_by_grid_worked_by_hand(visits, api_as):
    status, out = api_as("county_admin").get(f"{BASE}/coverage", period())
    assert status == 200
    assert (out["by"], out["by_display"], out["date_from"], out["date_to"]) == ("grid", "网格", "2026-06-01",
                                                                                   "2026-06-15")
    assert rows(out) == [
        ("安定镇第一网格", 2, 1, 1, 1 / 2, 3),
        ("安定镇第二网格", 3, 2, 1, 2 / 3, 3),
        (NO_GRID_NAME, 2, 1, 1, 1 / 2, 1),
        ("合计", 7, 4, 3, 4 / 7, 7),
    ]
    assert [r["key"] for r in out["rows"]] == [str(visits.grid_a.pk), str(visits.grid_b.pk), NO_GRID]
    assert [r["township"] for r in out["rows"]] == ["安定镇", "安定镇", ""]
    assert [r["rate_text"] for r in [*out["rows"], out["total"]]] == ["50.00%", "66.67%", "50.00%", "57.14%"]


def test_coverage_by_township_worked_by_hand(visits, api_as):
    status, out = api_as("leader").get(f"{BASE}/coverage", period(by="township"))
    assert status == 200 and out["by_display"] == "乡镇（街道）"
    assert rows(out) == [("安定镇", 5, 3, 2, 3 / 5, 6), ("三市镇", 2, 1, 1, 1 / 2, 1), ("合计", 7, 4, 3, 4 / 7, 7)]
    assert [r["key"] for r in out["rows"]] == ["430626101", "430626102"]


@pytest.mark.parametrize("persona", COVERAGE)
@pytest.mark.parametrize("by", ["grid", "township"])
def test_coverage_equals_the_selector(visits, api_as, persona, by):
    status, out = api_as(persona).get(f"{BASE}/coverage", period(by=by))
    assert status == 200
    cov = coverage(visits.users[persona], *PERIOD, by=by)
    expected = [
        (r.key, r.name, r.township, r.units, r.visited, r.not_visited, r.visits, r.rate, r.rate_text)
        for r in [*cov.rows, cov.total]
    ]
    got = [
        (r["key"], r["name"], r["township"], r["units"], r["visited"], r["not_visited"], r["visits"],
         None if r["rate"] is None else Fraction(r["rate"]).limit_denominator(1000), r["rate_text"])
        for r in [*out["rows"], out["total"]]
    ]
    assert got == expected


def test_coverage_rate_is_null_without_units(visits, api_as):
    # 应急管理局 has no unit in grid_b: the rate is null ("—"), not 0.
    out = api_as("department").get(f"{BASE}/coverage", period())[1]
    grid_b = next(r for r in out["rows"] if r["key"] == str(visits.grid_b.pk))
    assert (grid_b["units"], grid_b["rate"], grid_b["rate_text"]) == (0, None, "—")


@pytest.mark.parametrize("persona", ["grid_worker", "unit_staff", "expert", "auditor", "sysadmin"])
def test_coverage_is_not_for(visits, api_as, persona):
    status, err = api_as(persona).get(f"{BASE}/coverage", period())
    assert status == 403 and "无权查看巡查覆盖率" in err["detail"]


def test_coverage_defaults_and_errors(visits, api_as):
    api = api_as("county_admin")
    out = api.get(f"{BASE}/coverage")[1]
    assert (out["by"], out["date_from"], out["date_to"]) == ("grid", "2026-06-01", TODAY.isoformat())
    assert out["total"]["visits"] == 8  # the period's 7 and fire_b's on 06-16
    status, err = api.get(f"{BASE}/coverage", {"from": "2026-06-10", "to": "2026-06-01"})
    assert status == 422 and err["errors"] == {"to": ["截止日期不能早于起始日期"]}
    status, err = api.get(f"{BASE}/coverage", period(by="village"))
    assert status == 422 and err["errors"] == {"by": ["取值不在允许范围内"]}
    status, err = api.get(f"{BASE}/coverage", {"from": "June"})
    assert status == 422 and "from" in err["errors"]


# --- the OpenAPI document ----------------------------------------------------------------------------


def test_openapi_lists_the_endpoints(db):
    spec = Client().get("/api/openapi.json").json()
    paths = spec["paths"]
    assert set(paths[BASE]) == {"get", "post"}
    assert "get" in paths[BASE + "/{patrol_id}"] and "get" in paths[BASE + "/coverage"]
    create = paths[BASE]["post"]
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in create["parameters"])
    assert {"200", "201", "403", "404", "422"} <= set(create["responses"])
    params = {p["name"] for p in paths[BASE]["get"]["parameters"]}
    assert {"grid", "township", "unit", "from", "to", "outcome", "page", "page_size"} <= params
    assert {p["name"] for p in paths[BASE + "/coverage"]["get"]["parameters"]} == {"from", "to", "by"}
    row = spec["components"]["schemas"]["CoverageRowOut"]["properties"]
    assert {"units", "visited", "not_visited", "visits", "rate"} <= set(row)
