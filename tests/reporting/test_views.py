"""Who may do what (403), whose register is whose (404), the upload page, the register page, this
deployment's own side (its public key, its package) and the package API."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from anjian.core import crypto
from anjian.core.models import AuditEntry
from anjian.reporting.models import Channel, Submission, Subordinate
from anjian.reporting.services import submission_import

from .conftest import CITY, canonical, fabricate, kid, public_b64, raw, register

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def submitted(city) -> Submission:
    key = Ed25519PrivateKey.generate()
    register("430626", key, "平江县")
    package = fabricate("430626", key, hazards_found=10)
    return submission_import(raw=raw(package), channel=Channel.UPLOAD, actor=city.users["admin"]).submission


# --- roles and scope ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["admin", "leader", "auditor"])
def test_the_upper_offices_readers_see_the_summary_and_submissions(city, submitted, who):
    c = _client(city.users[who])
    assert c.get("/reporting/").status_code == 200
    assert c.get(f"/reporting/submissions/{submitted.pk}/").status_code == 200
    assert c.get("/reporting/xlsx/").status_code == 200
    assert c.get("/reporting/subordinates/").status_code == 200


@pytest.mark.parametrize("who", ["department", "sysadmin"])
def test_other_roles_of_the_city_are_refused(city, submitted, who):
    c = _client(city.users[who])
    for url in ("/reporting/", "/reporting/xlsx/", f"/reporting/submissions/{submitted.pk}/",
                "/reporting/upload/", "/reporting/subordinates/"):
        assert c.get(url).status_code == 403, url


@pytest.mark.parametrize("persona", ["township", "grid_worker", "unit_staff", "expert", "department"])
def test_county_roles_without_reporting_are_refused(county, city, persona):
    assert _client(county.users[persona]).get("/reporting/").status_code == 403


@pytest.mark.parametrize("persona", ["county_admin", "leader", "other_county_admin"])
def test_a_submission_of_another_offices_register_is_404(county, city, submitted, persona):
    # 平江县's own county admin reads summaries too (its own register): the city's submission is not in it.
    c = _client(county.users[persona])
    assert c.get(f"/reporting/submissions/{submitted.pk}/").status_code == 404
    assert "尚未登记下级" in c.get("/reporting/subordinates/").content.decode()


def test_leaders_and_auditors_cannot_upload_or_register(city):
    for who in ("leader", "auditor"):
        c = _client(city.users[who])
        assert c.get("/reporting/upload/").status_code == 403
        response = c.post("/reporting/subordinates/", {"region_code": "430626", "public_key": "x"})
        assert response.status_code == 403
    assert not Subordinate.objects.exists()


def test_a_subordinate_of_another_register_cannot_be_edited(county, city, submitted):
    c = _client(county.users["county_admin"])
    assert c.get(f"/reporting/subordinates/{submitted.subordinate_id}/").status_code == 404


# --- upload ---------------------------------------------------------------------------------------------


def test_upload_accepts_a_package_and_says_so_again_for_a_repeat(city):
    key = Ed25519PrivateKey.generate()
    register("430626", key, "平江县")
    content = raw(fabricate("430626", key, hazards_found=10))
    c = _client(city.users["admin"])
    response = c.post("/reporting/upload/", {"file": SimpleUploadedFile("p.json", content)}, follow=True)
    s = Submission.objects.get()
    assert response.redirect_chain[-1][0] == f"/reporting/submissions/{s.pk}/"
    assert "已接收 平江县 2026-03-01 至 2026-03-31 的上报数据" in response.content.decode()
    assert (s.received_by, s.channel) == (city.users["admin"], "upload")
    again = c.post("/reporting/upload/", {"file": SimpleUploadedFile("p.json", content)}, follow=True)
    assert "已接收过" in again.content.decode()
    assert Submission.objects.count() == 1


def test_upload_of_a_tampered_file_shows_why_and_stores_nothing(city):
    key = Ed25519PrivateKey.generate()
    register("430626", key, "平江县")
    package = fabricate("430626", key, hazards_found=10)
    package["indicators"]["hazards_found"] = 1
    client = _client(city.users["admin"])
    before = AuditEntry.objects.count()
    response = client.post(
        "/reporting/upload/", {"file": SimpleUploadedFile("p.json", raw(package))})
    assert response.status_code == 400
    assert "签名校验失败" in response.content.decode()
    assert not Submission.objects.exists() and AuditEntry.objects.count() == before


# --- the register ---------------------------------------------------------------------------------------


def test_the_county_admin_registers_a_subordinate_with_an_encrypted_token(city):
    key = Ed25519PrivateKey.generate()
    public = public_b64(key)
    c = _client(city.users["admin"])
    response = c.post("/reporting/subordinates/", {
        "region_code": "430626", "public_key": public[:20] + "\n" + public[20:], "base_url": "https://pj.example.cn/",
        "token": "aj_secret", "is_active": "on",
    })
    assert response.status_code == 302
    sub = Subordinate.objects.get()
    assert (sub.upper_region, sub.region_code, sub.name) == (CITY, "430626000000", "平江县")
    assert (sub.public_key, sub.key_id, sub.base_url) == (public, kid(key), "https://pj.example.cn")
    assert sub.token != "aj_secret" and crypto.decrypt(sub.token) == "aj_secret"
    entry = AuditEntry.objects.filter(action="reporting.subordinate_add").get()
    assert "aj_secret" not in json.dumps(entry.changes)
    # Editing without a token keeps the stored one.
    c.post(f"/reporting/subordinates/{sub.pk}/", {"region_code": "430626", "name": "平江县", "public_key": public,
                                                  "base_url": "https://pj.example.cn", "is_active": ""})
    sub.refresh_from_db()
    assert not sub.is_active and crypto.decrypt(sub.token) == "aj_secret"


@pytest.mark.parametrize(("data", "message"), [
    ({"region_code": "430102", "public_key": "KEY"}, "不在本级"),      # 芙蓉区: another city
    ({"region_code": "430600", "public_key": "KEY"}, "不在本级"),      # the city itself
    ({"region_code": "43062", "public_key": "KEY"}, "区划代码无效"),
    ({"region_code": "430626", "public_key": "bm90IGEga2V5"}, "公钥长度不对"),
    ({"region_code": "430626", "public_key": "not base64!"}, "不是有效的 base64"),
    ({"region_code": "430626", "public_key": "KEY", "base_url": "ftp://x"}, "http:// 或 https://"),
])
def test_the_register_refuses_bad_data(city, data, message):
    key = public_b64(Ed25519PrivateKey.generate())
    data = {k: (key if v == "KEY" else v) for k, v in data.items()}
    response = _client(city.users["admin"]).post("/reporting/subordinates/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Subordinate.objects.exists()


def test_a_region_is_registered_once(city):
    register("430626", Ed25519PrivateKey.generate(), "平江县")
    response = _client(city.users["admin"]).post(
        "/reporting/subordinates/", {"region_code": "430626", "public_key": public_b64(Ed25519PrivateKey.generate())})
    assert response.status_code == 400 and "已登记为下级" in response.content.decode()


# --- this deployment's own side ------------------------------------------------------------------------


def test_the_own_page_shows_the_public_key_and_downloads_a_signed_package(county, city, deployment_key):
    c = _client(county.users["leader"])
    html = c.get("/reporting/own/").content.decode()
    assert public_b64(deployment_key) in html and kid(deployment_key) in html
    response = c.get("/reporting/own/", {"date_from": "2026-03-01", "date_to": "2026-03-31"})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    package = json.loads(response.content)
    assert (package["region"], package["from"], package["to"]) == ("430626", "2026-03-01", "2026-03-31")
    deployment_key.public_key().verify(base64.b64decode(package["signature"]),
                                       canonical({k: v for k, v in package.items() if k != "signature"}))


def test_the_package_api_is_for_the_regions_admin_leader_and_auditor(county, city, deployment_key, api_client_for):
    params = {"from": "2026-03-01", "to": "2026-03-31", "as_of": "2026-04-05"}
    for persona in ("county_admin", "leader", "auditor"):
        status, package = api_client_for(county.users[persona]).get("/api/v1/reporting/package", params)
        assert status == 200, persona
        assert (package["region"], package["as_of"]) == ("430626", "2026-04-05")
        deployment_key.public_key().verify(base64.b64decode(package["signature"]),
                                           canonical({k: v for k, v in package.items() if k != "signature"}))
    for persona in ("township", "department", "grid_worker", "unit_staff", "expert", "sysadmin"):
        status, _ = api_client_for(county.users[persona]).get("/api/v1/reporting/package", params)
        assert status == 403, persona
    status, body = api_client_for(county.users["leader"]).get("/api/v1/reporting/package",
                                                              {"from": "2026-03-31", "to": "2026-03-01"})
    assert status == 422 and "起止日期" in body["detail"]


def test_the_summary_api_is_for_the_upper_offices_readers(county, city, api_client_for):
    params = {"from": "2026-03-01", "to": "2026-03-31"}
    assert api_client_for(city.users["auditor"]).get("/api/v1/reporting/summary", params)[0] == 200
    assert api_client_for(city.users["department"]).get("/api/v1/reporting/summary", params)[0] == 403
    assert api_client_for(county.users["township"]).get("/api/v1/reporting/summary", params)[0] == 403


def test_the_menu_lists_the_summary_for_its_readers(county, city):
    assert "分级上报汇总" in _client(city.users["leader"]).get("/").content.decode()
    assert "分级上报汇总" not in _client(county.users["township"]).get("/").content.decode()
