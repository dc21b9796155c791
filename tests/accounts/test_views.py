"""Login, logout, password change and the API token page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from anjian.accounts.models import ApiToken
from anjian.core.models import AuditEntry
from tests.accounts.checks import assert_csp_allows_no_external_host, assert_no_inline_code
from tests.conftest import PASSWORD

ADDR = "10.1.2.3"


def sign_in(client: Client, username: str, password: str = PASSWORD, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ADDR, **extra)


def test_url_names():
    assert reverse("login") == "/accounts/login/"
    assert reverse("logout") == "/accounts/logout/"
    assert reverse("password_change") == "/accounts/password/"
    assert reverse("tokens") == "/accounts/tokens/"


def test_login_page(db):
    response = Client().get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label class="form-label" for="id_username">用户名</label>' in html
    assert '<label class="form-label" for="id_password">密码</label>' in html
    assert '<button class="btn btn-primary w-100" type="submit">登录</button>' in html
    assert 'lang="zh-CN"' in html and 'name="viewport"' in html
    assert_no_inline_code(html)
    assert_csp_allows_no_external_host(response)


def test_login_success_redirects_and_is_audited(county):
    user = county.users["township"]
    client = Client()
    response = sign_in(client, user.username)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(user.pk)
    entry = AuditEntry.objects.get(action="login")
    assert (entry.actor, entry.source, entry.success) == (user, ADDR, True)
    assert entry.at is not None


def test_login_follows_safe_next_only(county):
    user = county.users["township"]
    response = Client().post(
        reverse("login") + "?next=/accounts/tokens/", {"username": user.username, "password": PASSWORD}
    )
    assert response["Location"] == "/accounts/tokens/"
    response = Client().post(
        reverse("login"), {"username": user.username, "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")


def test_login_failure_is_chinese_and_audited(county):
    client = Client()
    response = sign_in(client, "anding", "wrong-password")
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session
    entry = AuditEntry.objects.get(action="login_failed")
    assert (entry.actor, entry.actor_name, entry.source, entry.success) == (None, "anding", ADDR, False)


def test_unknown_user_gets_the_same_message(county):
    response = sign_in(Client(), "nobody", "wrong-password")
    assert "用户名或密码不正确" in response.content.decode()


def test_inactive_user_cannot_sign_in(county):
    user = county.users["township"]
    user.is_active = False
    user.save()
    client = Client()
    sign_in(client, user.username)
    assert "_auth_user_id" not in client.session


def test_signed_in_user_skips_the_login_page(county):
    client = Client()
    client.force_login(county.users["township"])
    assert client.get(reverse("login")).status_code == 302


def test_logout_asks_then_signs_out_by_post(county):
    client = Client()
    client.force_login(county.users["township"])
    page = client.get(reverse("logout"))
    assert page.status_code == 200 and "确定要退出" in page.content.decode()
    assert "_auth_user_id" in client.session  # a GET does not sign out
    response = client.post(reverse("logout"), REMOTE_ADDR=ADDR)
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="logout", actor=county.users["township"], source=ADDR).exists()


def test_pages_need_sign_in(db):
    for name in ("password_change", "tokens"):
        response = Client().get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")


# --- Password change --------------------------------------------------------------------------


def change_password(client: Client, new: str, old: str = PASSWORD):
    return client.post(reverse("password_change"), {"old_password": old, "new_password1": new, "new_password2": new})


@pytest.mark.parametrize(
    ("weak", "reason"),
    [
        ("Ab1!", "太短"),  # minimum length 8, in Chinese (not Django 5.2's untranslated English)
        ("12345678901", "只包含数字"),
        ("password123", "须至少包含"),  # two character classes only
        ("Password1", "太常见"),
    ],
)
def test_password_change_enforces_the_policy(county, weak, reason):
    user = county.users["township"]
    client = Client()
    client.force_login(user)
    response = change_password(client, weak)
    assert response.status_code == 200
    html = response.content.decode()
    assert reason in html
    assert "This password" not in html
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_change(county):
    user = county.users["township"]
    client = Client()
    client.force_login(user)
    page = client.get(reverse("password_change"))
    assert page.status_code == 200
    assert_no_inline_code(page.content.decode())
    assert change_password(client, "Wrong#2026pass", old="not-my-password").status_code == 200
    response = change_password(client, "Xin#Mima2026")
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Xin#Mima2026")
    assert client.get(reverse("tokens")).status_code == 200  # still signed in
    assert AuditEntry.objects.filter(action="password_change", actor=user).count() == 1


# --- API tokens page --------------------------------------------------------------------------


def test_token_page_creates_shows_once_and_revokes(county):
    user = county.users["township"]
    client = Client()
    client.force_login(user)
    page = client.get(reverse("tokens"))
    assert "您还没有 API 令牌" in page.content.decode()
    assert_no_inline_code(page.content.decode())

    response = client.post(reverse("tokens"), {"name": "数据上报脚本"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    raw = response.context["raw_token"]
    html = response.content.decode()
    assert raw in html and "只显示这一次" in html
    token = ApiToken.objects.get(user=user)
    assert token.name == "数据上报脚本"

    # It works, and the page never shows it again.
    api = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.json()["username"] == user.username
    again = client.get(reverse("tokens")).content.decode()
    assert raw not in again and token.prefix in again and "数据上报脚本" in again

    confirm = client.get(reverse("token_revoke", args=[token.pk]))
    assert confirm.status_code == 200 and "确认撤销" in confirm.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None  # a GET only asks
    response = client.post(reverse("token_revoke", args=[token.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("tokens")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert "已于" in client.get(reverse("tokens")).content.decode()


def test_token_name_is_required(county):
    client = Client()
    client.force_login(county.users["township"])
    response = client.post(reverse("tokens"), {"name": ""})
    assert response.context["raw_token"] is None
    assert not ApiToken.objects.exists()


def test_cannot_revoke_another_users_token(county):
    owner, other = county.users["township"], county.users["county_admin"]
    owner_client = Client()
    owner_client.force_login(owner)
    owner_client.post(reverse("tokens"), {"name": "mine"})
    token = ApiToken.objects.get(user=owner)
    client = Client()
    client.force_login(other)
    assert client.get(reverse("token_revoke", args=[token.pk])).status_code == 404
    assert client.post(reverse("token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert "mine" not in client.get(reverse("tokens")).content.decode()
