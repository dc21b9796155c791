"""Security from day one (issue 2, point 11): Argon2, password policy, lockout, session
timeout, CSRF, a CSP with no external host, and an audit trail with actor, time and address."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from anjian import settings as production
from anjian.core.models import AuditEntry
from anjian.units.models import Unit
from anjian.units.services import UnitData, unit_update
from tests.accounts.checks import assert_csp_allows_no_external_host, assert_no_inline_code
from tests.conftest import PASSWORD, make_user
from tests.settings import PRODUCTION_HASHERS

ADDR = "192.0.2.17"


def sign_in(client: Client, username: str, password: str = PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ADDR)


def signed_in(client: Client) -> bool:
    # A login-only page answers 200 to a session and redirects to the login page otherwise.
    return client.get(reverse("tokens")).status_code == 200


# --- Passwords --------------------------------------------------------------------------------


def test_argon2_is_the_production_hasher(db):
    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    with override_settings(PASSWORD_HASHERS=PRODUCTION_HASHERS):
        user = make_user("argon", "leader")
        assert user.password.startswith("argon2")
        assert user.check_password(PASSWORD)
        # Sign-in with the real hasher works end to end.
        client = Client()
        assert sign_in(client, "argon").status_code == 302


@pytest.mark.parametrize(
    "weak",
    ["Ab1!xyz", "12345678", "password", "abcdefgh", "abcdefg1", "ABCDEFG1", "Password1"],
)
def test_policy_rejects_weak_passwords_in_chinese(db, weak):
    with pytest.raises(ValidationError) as exc:
        validate_password(weak)
    for message in exc.value.messages:
        assert any("\u4e00" <= c <= "\u9fff" for c in message), message  # Chinese


def test_policy_needs_three_character_classes(db):
    with pytest.raises(ValidationError, match="须至少包含大写字母、小写字母、数字、符号中的3类"):
        validate_password("longlowercase2026")
    validate_password(PASSWORD)  # upper, lower, digit and symbol
    validate_password("Jiangxi-Road-88")


# --- Lockout (django-axes) ------------------------------------------------------------------


def test_lockout_after_five_failures_even_with_the_right_password(county):
    user = county.users["township"]
    assert settings.AXES_FAILURE_LIMIT == 5 and settings.AXES_LOCKOUT_PARAMETERS == ["username"]
    client = Client()
    for _ in range(4):
        response = sign_in(client, user.username, "wrong-password")
        assert response.status_code == 200 and "用户名或密码不正确" in response.content.decode()
    locked = sign_in(client, user.username, "wrong-password")
    assert locked.status_code == 429
    assert "已暂时锁定" in locked.content.decode() and "30 分钟" in locked.content.decode()
    assert_no_inline_code(locked.content.decode())

    # Even the right password is refused now, from any client.
    response = sign_in(Client(), user.username, PASSWORD)
    assert response.status_code == 429
    assert not signed_in(client)
    # Lockout is per username: another account is not affected.
    other = Client()
    assert sign_in(other, county.users["county_admin"].username).status_code == 302

    failures = AuditEntry.objects.filter(action="login_failed", actor_name=user.username)
    assert failures.count() == 6 and set(failures.values_list("source", flat=True)) == {ADDR}


def test_lockout_ends_after_thirty_minutes(county):
    user = county.users["township"]
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(5):
            sign_in(Client(), user.username, "wrong-password")
        assert sign_in(Client(), user.username).status_code == 429
        traveller.shift(dt.timedelta(minutes=31))
        assert sign_in(Client(), user.username).status_code == 302


def test_success_resets_the_failure_count(county):
    user = county.users["township"]
    for _ in range(4):
        sign_in(Client(), user.username, "wrong-password")
    assert sign_in(Client(), user.username).status_code == 302
    for _ in range(4):
        sign_in(Client(), user.username, "wrong-password")
    assert sign_in(Client(), user.username).status_code == 302


# --- Session timeout --------------------------------------------------------------------------


def test_session_settings():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_COOKIE_HTTPONLY is True


def test_idle_session_is_logged_out_and_activity_keeps_it(county):
    client = Client()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        assert sign_in(client, county.users["township"].username).status_code == 302
        traveller.shift(dt.timedelta(minutes=20))
        assert signed_in(client)  # each request renews the session …
        traveller.shift(dt.timedelta(minutes=20))
        assert signed_in(client)  # … so 40 minutes with activity is fine
        traveller.shift(dt.timedelta(minutes=31))
        assert not signed_in(client)  # but 31 idle minutes are not
        response = client.get(reverse("tokens"))
        assert response["Location"].startswith(reverse("login"))


# --- CSRF ------------------------------------------------------------------------------------


def test_post_without_csrf_token_is_rejected(county):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "anding", "password": PASSWORD})
    assert response.status_code == 403
    client.force_login(county.users["township"])
    assert client.post(reverse("tokens"), {"name": "x"}).status_code == 403
    assert client.post(reverse("logout")).status_code == 403
    assert signed_in(client)


def test_post_with_csrf_token_is_accepted(county):
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("login"))
    token = client.cookies["csrftoken"].value
    response = client.post(reverse("login"), {"username": "anding", "password": PASSWORD, "csrfmiddlewaretoken": token})
    assert response.status_code == 302


# --- CSP -------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/tokens/", "/accounts/password/", "/api/docs"])
def test_csp_allows_no_external_host(county, path):
    client = Client()
    client.force_login(county.users["township"])
    if path == "/accounts/login/":
        client = Client()
    response = client.get(path)
    assert response.status_code == 200
    assert_csp_allows_no_external_host(response)
    html = response.content.decode()
    assert_no_inline_code(html)
    assert "http://" not in html and "https://" not in html


# --- Audit -----------------------------------------------------------------------------------


def test_unit_change_is_audited_with_actor_time_and_address(county):
    admin = county.users["county_admin"]
    client = Client()
    client.force_login(admin)
    unit = county.units["chem_a"]
    before = timezone.now()
    response = client.patch(
        f"/api/v1/units/{unit.pk}",
        '{"risk_class": "A"}',
        content_type="application/json",
        REMOTE_ADDR=ADDR,
    )
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="unit.update", object_id=str(unit.pk))
    assert entry.actor == admin and entry.actor_name == admin.username
    assert entry.source == ADDR and entry.channel == "api"
    assert before <= entry.at <= timezone.now()
    assert entry.changes == {"risk_class": ["B", "A"]}


def test_service_write_outside_a_request_is_attributed_to_the_command_line(county):
    admin = county.users["county_admin"]
    unit = Unit.objects.get(pk=county.units["build_b"].pk)
    data = UnitData(
        name=unit.name,
        region_code=unit.region_code,
        sector=unit.sector,
        credit_code=unit.credit_code,
        address="三市镇新街2号",
    )
    unit_update(actor=admin, unit=unit, data=data)
    entry = AuditEntry.objects.get(action="unit.update", object_id=str(unit.pk))
    assert (entry.actor, entry.channel, entry.source) == (admin, "cli", "")
