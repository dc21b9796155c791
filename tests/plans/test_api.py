"""Draws API (read-only): who may read, scope 404, the stored draw as JSON with its verification, and the
draw re-run from the API's JSON alone with the recipe of docs/decisions.md ("双随机 draws"), written out here."""

from __future__ import annotations

import hashlib
import json
import random
from typing import Any

import pytest
from django.test import Client

from anjian.plans.models import Draw
from anjian.plans.services import DrawData, draw_create, draw_publish

BASE = "/api/v1/draws"
READERS = ["county_admin", "department", "township", "leader", "auditor", "sysadmin"]
NO_ACCESS = ["grid_worker", "unit_staff", "expert"]


@pytest.fixture
def draws(county, officials):
    """One draw of 安定镇 (its own 3 officials), then two county draws, each with 回避 of the earlier ones."""
    admin = county.users["county_admin"]
    town = draw_create(actor=county.users["township"], data=DrawData(title="安定镇抽查", unit_target=1))
    first = draw_create(actor=admin, data=DrawData(title="上半年危化烟花抽查", unit_target=2, key_supervision=True))
    second = draw_create(actor=admin, data=DrawData(title="全县抽查", unit_target=3, inspectors_per_unit=2))
    return {"first": first, "second": second, "town": town}


def rerun(d: dict[str, Any]) -> list[dict[str, Any]]:
    """The documented recipe, from the API's JSON alone (no anjian code)."""
    rng = random.Random(int.from_bytes(hashlib.sha256(d["seed"].encode("ascii")).digest(), "big"))
    out = []
    for unit in rng.sample(d["unit_pool"], d["unit_target"]):
        eligible = sorted(p for p in d["inspector_pool"] if p not in d["excluded"].get(str(unit), []))
        out.append({"unit": unit, "inspectors": rng.sample(eligible, d["inspectors_per_unit"])})
    return out


def result_hash(d: dict[str, Any]) -> str:
    payload = {k: d[k] for k in ("seed", "unit_pool", "inspector_pool", "excluded", "result")}
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- who reads what --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("county_admin", {"first", "second", "town"}),
        ("department", {"first", "second", "town"}),
        ("leader", {"first", "second", "town"}),
        ("auditor", {"first", "second", "town"}),
        ("sysadmin", {"first", "second", "town"}),
        ("township", {"town"}),
        ("township_b", set()),
        ("other_county_admin", set()),
    ],
)
def test_list_and_detail_are_scoped(county, draws, api_as, persona, expected):
    api = api_as(persona)
    status, page = api.get(BASE)
    assert status == 200
    assert {i["number"] for i in page["items"]} == {draws[k].number for k in expected}
    for key, d in draws.items():
        status, out = api.get(f"{BASE}/{d.pk}")
        if key in expected:
            assert status == 200 and out["number"] == d.number
        else:
            assert status == 404 and out["detail"] == "未找到该抽查"


@pytest.mark.parametrize("persona", NO_ACCESS)
def test_grid_workers_unit_staff_and_experts_get_403(county, draws, api_as, persona):
    api = api_as(persona)
    for path in (BASE, f"{BASE}/{draws['first'].pk}", f"{BASE}/999999"):
        status, err = api.get(path)
        assert status == 403 and "无权查看双随机抽查" in err["detail"], path


def test_unknown_draw_is_404(county, draws, api_as):
    assert api_as("county_admin").get(f"{BASE}/999999") == (404, {"detail": "未找到该抽查"})


def test_list_is_paginated_newest_first(county, draws, api_as):
    api = api_as("county_admin")
    page = api.get(BASE, {"page_size": 2})[1]
    assert (page["count"], page["pages"], [i["title"] for i in page["items"]]) == (
        3, 2, ["全县抽查", "上半年危化烟花抽查"]
    )
    item = api.get(BASE, {"page_size": 2, "page": 2})[1]["items"][0]
    d = draws["town"]
    assert item == {
        "id": d.pk, "number": d.number, "title": "安定镇抽查", "org": county.town_a.pk, "org_name": "安定镇人民政府",
        "region_code": "430626101000", "created_at": item["created_at"], "unit_target": 1, "inspectors_per_unit": 2,
        "unit_pool_size": 2, "inspector_pool_size": 3, "result_hash": d.result_hash, "published_at": None,
    }


# --- the detail ------------------------------------------------------------------------------------


def test_detail_holds_the_stored_draw(county, draws, api_as):
    d = draws["second"]
    status, out = api_as("auditor").get(f"{BASE}/{d.pk}")
    assert status == 200
    assert (out["number"], out["title"], out["org"], out["region_code"]) == (
        d.number, "全县抽查", county.office.pk, "430626000000"
    )
    assert (out["seed"], out["unit_target"], out["inspectors_per_unit"]) == (d.seed, 3, 2)
    assert out["filters"] == {"township": "", "sectors": [], "risk_classes": [], "key_supervision": False,
                              "not_in_annual_plan": None}
    assert out["unit_pool"] == sorted(u.pk for k, u in county.units.items() if k != "other")
    assert out["inspector_pool"] == d.inspector_pool and len(out["inspector_pool"]) == 9
    assert out["excluded"] == d.excluded and out["result"] == d.result and out["result_hash"] == d.result_hash
    # 回避: each unit of an earlier draw must not get the inspectors of its most recent draw again.
    latest = {str(r["unit"]): sorted(r["inspectors"]) for k in ("town", "first") for r in draws[k].result}
    assert {u: p for u, p in out["excluded"].items() if p} == latest
    assert out["published_at"] is None and out["verified"] == []
    assert out["created_by_name"] == "县管理员"


def test_published_at_is_shown(county, draws, api_as):
    draw_publish(actor=county.users["county_admin"], draw=draws["first"])
    out = api_as("leader").get(f"{BASE}/{draws['first'].pk}")[1]
    assert out["published_at"] is not None and out["verified"] == []


@pytest.mark.parametrize("key", ["first", "second", "town"])
def test_the_draw_is_rerun_from_the_json_alone(county, draws, api_as, key):
    status, out = api_as("county_admin").get(f"{BASE}/{draws[key].pk}")
    assert status == 200
    assert rerun(out) == out["result"]
    assert result_hash(out) == out["result_hash"]


def test_a_changed_draw_shows_in_verified_and_in_the_rerun(county, draws, api_as):
    d = draws["second"]
    Draw.objects.filter(pk=d.pk).update(result=list(reversed(d.result)))
    out = api_as("county_admin").get(f"{BASE}/{d.pk}")[1]
    assert rerun(out) != out["result"] and result_hash(out) != out["result_hash"]
    assert "抽取结果与按随机种子和名录库重新抽取的结果不一致" in out["verified"]
    assert "结果哈希不一致：随机种子、名录库、回避人员或抽取结果在抽取后被修改" in out["verified"]


def test_read_only(county, draws, api_as):
    api = api_as("county_admin")
    response = api.client.post(BASE, "{}", content_type="application/json", **api._headers())
    assert response.status_code == 405
    response = api.client.delete(f"{BASE}/{draws['first'].pk}", **api._headers())
    assert response.status_code == 405
    assert Draw.objects.count() == 3


def test_openapi_lists_the_endpoints(db):
    spec = Client().get("/api/openapi.json").json()
    assert set(spec["paths"][BASE]) == {"get"} and set(spec["paths"][BASE + "/{draw_id}"]) == {"get"}
    props = spec["components"]["schemas"]["DrawOut"]["properties"]
    assert {"number", "title", "org", "region_code", "created_at", "seed", "filters", "unit_target",
            "inspectors_per_unit", "unit_pool", "inspector_pool", "excluded", "result", "result_hash",
            "published_at", "verified"} <= set(props)
