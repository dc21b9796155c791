"""OpenAPI schema and the Swagger UI page: complete, local, and within the CSP."""

from __future__ import annotations

import re

from django.test import Client

from tests.accounts.checks import assert_csp_allows_no_external_host, assert_no_inline_code


def test_openapi_lists_the_endpoints(db):
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    paths = spec["paths"]
    assert set(paths["/api/v1/units"]) >= {"get", "post"}
    assert set(paths["/api/v1/units/{unit_id}"]) >= {"get", "patch"}
    assert "get" in paths["/api/v1/divisions"] and "get" in paths["/api/v1/divisions/{code}"]
    schemes = spec["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"} in schemes.values()
    assert any(s.get("in") == "cookie" for s in schemes.values())
    unit = spec["components"]["schemas"]["UnitOut"]["properties"]
    assert {"id", "name", "credit_code", "region_code", "sector", "key_supervision", "risk_class", "status"} <= set(
        unit
    )
    params = {p["name"] for p in paths["/api/v1/units"]["get"]["parameters"]}
    assert {"q", "township", "grid", "sector", "key", "risk_class", "status", "page", "page_size"} <= params


def test_docs_page_uses_no_external_host(db):
    response = Client().get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    urls = re.findall(r'(?:src|href)\s*=\s*["\']([^"\']+)', html)
    assert urls, "the page should load Swagger UI's files"
    for url in urls:
        assert url.startswith("/") and not url.startswith("//"), url
    assert "http://" not in html and "https://" not in html
    # Every <script> loads a file or is a JSON data block (not executed): nothing the CSP blocks.
    assert_no_inline_code(html)
    for url in urls:
        if url.startswith("/static/"):
            assert Client().get(url).status_code == 200, url
    assert_csp_allows_no_external_host(response)
