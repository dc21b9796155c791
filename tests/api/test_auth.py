"""API authentication: bearer tokens from the command line and the UI, session with CSRF."""

from __future__ import annotations

import hashlib
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from anjian.accounts.models import ApiToken
from anjian.accounts.tokens import TokenError, token_authenticate, token_create, token_revoke
from anjian.core.models import AuditEntry
from tests.api.conftest import ApiClient


def create_token(username: str, *extra: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("token", "create", username, *extra, stdout=out, stderr=err)
    return out.getvalue()


def test_command_prints_the_token_alone_and_it_works_as_bearer(county):
    printed = create_token("county_admin", "--name", "上报脚本")
    token = printed.strip()
    assert printed == token + "\n"  # nothing but the token on stdout
    assert token.startswith("aj_") and len(token) > 40

    status, body = ApiClient(Client(), token).get("/api/v1/me")
    assert status == 200
    assert body["username"] == "county_admin" and body["role"] == "county_admin"

    stored = ApiToken.objects.get(user=county.users["county_admin"])
    assert stored.name == "上报脚本"
    # Only the SHA-256 is kept, never the token itself.
    assert stored.digest == hashlib.sha256(token.encode()).hexdigest()
    assert token not in (stored.digest, stored.prefix) and stored.prefix == token[:8]
    assert stored.last_used_at is not None
    entry = AuditEntry.objects.get(action="token.create")
    assert entry.channel == "cli" and entry.actor_name.startswith("cli") and entry.object_id == str(stored.pk)
    assert token not in json.dumps(entry.changes)


def test_revoked_token_is_refused(county):
    token = create_token(county.users["township"].username).strip()
    client = ApiClient(Client(), token)
    assert client.get("/api/v1/units")[0] == 200

    call_command("token", "revoke", token[:8], stdout=io.StringIO(), stderr=io.StringIO())
    status, body = client.get("/api/v1/units")
    assert status == 401
    assert "未登录或令牌无效" in body["detail"]
    assert AuditEntry.objects.filter(action="token.revoke", success=True).count() == 1


def test_inactive_user_token_is_refused(county):
    token = create_token(county.users["department"].username).strip()
    user = county.users["department"]
    user.is_active = False
    user.save()
    assert ApiClient(Client(), token).get("/api/v1/units")[0] == 401


@pytest.mark.parametrize("header", ["Bearer aj_not-a-real-token", "Bearer ", "Token abc", "Basic Zm9vOmJhcg=="])
def test_bad_credentials_are_401_in_chinese(county, header):
    response = Client().get("/api/v1/units", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert "请先登录" in response.json()["detail"]


def test_no_credentials_is_401(county, anonymous_api):
    for path in ("/api/v1/units", f"/api/v1/units/{county.units['chem_a'].pk}", "/api/v1/divisions", "/api/v1/me"):
        status, body = anonymous_api.get(path)
        assert status == 401, path
        assert "未登录" in body["detail"]
    # An anonymous write is told to sign in, not puzzled with a CSRF failure.
    status, body = anonymous_api.post("/api/v1/units", {"name": "x"})
    assert status == 401


def test_command_errors(county):
    with pytest.raises(CommandError, match="不存在"):
        create_token("nobody")
    with pytest.raises(CommandError, match="没有前缀"):
        call_command("token", "revoke", "aj_xxxxx", stdout=io.StringIO(), stderr=io.StringIO())


def test_tokens_are_personal(county):
    admin, township = county.users["county_admin"], county.users["township"]
    with pytest.raises(TokenError):
        token_create(actor=admin, user=township, name="x")
    token, raw = token_create(actor=township, user=township, name="mine")
    with pytest.raises(TokenError):
        token_revoke(actor=admin, token=token)
    assert token_authenticate(raw) == township
    token_revoke(actor=township, token=token)
    assert token_authenticate(raw) is None


def test_session_auth_for_the_browser(county):
    client = Client()
    client.force_login(county.users["township"])
    response = client.get("/api/v1/units")
    assert response.status_code == 200
    assert response.json()["count"] == 2


def _csrf_client(user) -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/accounts/tokens/")  # any page with a form sets the CSRF cookie
    return client, client.cookies["csrftoken"].value


UNIT = {"name": "平江县安定加油站", "region_code": "430626101", "sector": "hazardous_chemicals"}


def test_session_write_needs_csrf_token(county):
    client, csrf = _csrf_client(county.users["county_admin"])
    response = client.post("/api/v1/units", json.dumps(UNIT), content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]

    response = client.post("/api/v1/units", json.dumps(UNIT), content_type="application/json", HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 201, response.content


def test_bearer_write_needs_no_csrf_token(county):
    _, raw = token_create(actor=county.users["county_admin"], user=county.users["county_admin"], name="t")
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/units", json.dumps(UNIT), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert response.status_code == 201, response.content
