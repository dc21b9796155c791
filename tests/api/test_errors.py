"""Every API error body is Chinese, in one shape: {"detail": …, "errors": {field: [...]}}."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from anjian.accounts.api import validation_errors


def test_validation_errors_are_grouped_by_field_in_chinese():
    errors = [
        {"type": "missing", "loc": ("body", "payload", "name"), "msg": "Field required"},
        {"type": "int_parsing", "loc": ("body", "payload", "count"), "msg": "..."},
        {"type": "something_new", "loc": ("query", "page"), "msg": "..."},
    ]
    assert validation_errors(errors) == {"name": ["必填"], "count": ["应为整数"], "page": ["格式不正确"]}


@pytest.mark.urls("tests.api.errors_urls")
def test_handlers_turn_ninja_errors_into_chinese():
    client = Client()
    response = client.post("/errors/echo", json.dumps({"count": "many"}), content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["errors"] == {"name": ["必填"], "count": ["应为整数"]}
    assert body["detail"].startswith("提交的数据有误")
    assert client.get("/errors/missing").json() == {"detail": "未找到该记录"}
    response = client.get("/errors/private")
    assert response.status_code == 401 and "请先登录" in response.json()["detail"]


def test_schema_errors_of_the_real_api_are_chinese(county, api_as):
    # Needs install_error_handlers(api) in anjian/api.py.
    status, body = api_as("county_admin").post("/api/v1/units", {"region_code": "430626101", "key_supervision": []})
    assert status == 422
    assert body["errors"]["name"] == ["必填"] and body["errors"]["sector"] == ["必填"]
    status, body = api_as("county_admin").get("/api/v1/units", {"page": "x"})
    assert status == 422 and body["errors"] == {"page": ["应为整数"]}
