"""Divisions API: the code tree as reference data for any signed-in user."""

from __future__ import annotations

import pytest


def test_children_of_a_county(county, api_as):
    status, body = api_as("township").get("/api/v1/divisions", {"parent": "430626"})
    assert status == 200
    assert [(d["code"], d["name"], d["level"]) for d in body] == [
        ("430626101000", "安定镇", 4),
        ("430626102000", "三市镇", 4),
    ]
    assert body[0]["children"] == 1 and body[1]["children"] == 0  # 小田村
    assert body[0]["parent"] == "430626000000" and body[0]["prefix"] == "430626101"
    assert body[0]["level_display"] == "乡镇/街道"


def test_padded_parent_code_and_top_level(county, api_as):
    client = api_as("county_admin")
    assert (
        client.get("/api/v1/divisions", {"parent": "430626000000"})[1]
        == client.get("/api/v1/divisions", {"parent": "430626"})[1]
    )
    status, body = client.get("/api/v1/divisions")
    assert status == 200 and [d["name"] for d in body] == ["湖南省"]


def test_detail_with_path(county, api_as):
    status, body = api_as("unit_staff").get("/api/v1/divisions/430626101201")
    assert status == 200
    assert (body["name"], body["level"], body["parent"]) == ("小田村", 5, "430626101000")
    assert [p["name"] for p in body["path"]] == ["湖南省", "岳阳市", "平江县", "安定镇"]


@pytest.mark.parametrize("code", ["999999", "abc", "4306261010001"])
def test_unknown_division_is_404(county, api_as, code):
    assert api_as("county_admin").get(f"/api/v1/divisions/{code}") == (404, {"detail": "未找到该行政区划"})
    status, _ = api_as("county_admin").get("/api/v1/divisions", {"parent": code})
    assert status == 404


def test_divisions_need_sign_in(county, anonymous_api):
    assert anonymous_api.get("/api/v1/divisions")[0] == 401
    assert anonymous_api.get("/api/v1/divisions/430626")[0] == 401
