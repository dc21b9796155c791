"""等保 2.0 account policy (anjian/accounts/policy.py, DOMAIN.md §6): a password set by somebody else is
changed at the first sign-in, passwords expire after 90 days, dormant accounts are disabled, and the
system administrator resets, disables and enables accounts — every step audited."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from anjian.accounts.models import User
from anjian.accounts.roles import Role
from anjian.accounts.services import (
    PermissionDenied,
    dormant_disable,
    password_reset,
    user_create,
    user_set_active,
)
from anjian.accounts.tokens import token_create
from anjian.core.models import AuditEntry
from tests.conftest import PASSWORD, make_user

NEW = "Xinmima#2026ok"
PAGE = "/units/"


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def change(client: Client, old: str, new: str, next_url: str = "") -> Any:
    data = {"old_password": old, "new_password1": new, "new_password2": new}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("password_change"), data)


def test_a_new_account_must_change_its_password_before_anything_else(county: Any) -> None:
    made = user_create(actor=None, username="xinren", role="township", org_ref="430626101")
    user = made.user
    assert user.must_change_password and made.password
    client = signed_in(user)
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('password_change')}?next=%2Funits%2F"
    page = client.get(response["Location"])
    assert page.status_code == 200 and "首次登录" in page.content.decode()
    assert client.get(reverse("logout")).status_code == 200  # signing out stays possible

    response = change(client, made.password, NEW, next_url=PAGE)
    assert response.status_code == 302 and response["Location"] == PAGE
    user.refresh_from_db()
    assert not user.must_change_password and user.check_password(NEW)
    assert client.get(PAGE).status_code == 200
    assert AuditEntry.objects.filter(action="password_change", object_id=str(user.pk)).exists()


def test_the_same_password_again_is_refused_and_nothing_changes(county: Any) -> None:
    made = user_create(actor=None, username="xinren2", role="township", org_ref="430626101", password=NEW)
    client = signed_in(made.user)
    response = change(client, NEW, NEW)
    assert response.status_code == 200
    assert "新密码不能与原密码相同" in response.content.decode()
    made.user.refresh_from_db()
    assert made.user.must_change_password
    assert client.get(PAGE).status_code == 302


@pytest.mark.parametrize(("age_days", "held"), [(89, False), (91, True)])
def test_a_password_older_than_90_days_must_be_changed(county: Any, age_days: int, held: bool) -> None:
    user = make_user("laoyonghu", Role.COUNTY_ADMIN, org=county.office,
                     password_changed_at=timezone.now() - dt.timedelta(days=age_days))
    response = signed_in(user).get(PAGE)
    assert (response.status_code == 302) is held
    if held:
        page = signed_in(user).get(reverse("password_change"))
        assert "超过 90 天" in page.content.decode()


def test_the_period_is_a_setting_and_zero_turns_it_off(county: Any, settings: Any) -> None:
    user = make_user("laoyonghu", Role.COUNTY_ADMIN, org=county.office,
                     password_changed_at=timezone.now() - dt.timedelta(days=40))
    settings.ANJIAN_PASSWORD_MAX_DAYS = 30
    assert signed_in(user).get(PAGE).status_code == 302
    settings.ANJIAN_PASSWORD_MAX_DAYS = 0
    assert signed_in(user).get(PAGE).status_code == 200


def test_an_htmx_request_is_sent_to_the_password_page_whole(county: Any) -> None:
    made = user_create(actor=None, username="xinren3", role="township", org_ref="430626101")
    response = signed_in(made.user).get(PAGE, HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("password_change"))


def test_api_tokens_are_not_held_up(county: Any) -> None:
    made = user_create(actor=None, username="xinren4", role="county_admin", org_ref="430626")
    _, raw = token_create(actor=made.user, user=made.user, name="上报脚本")
    response = Client().get("/api/v1/units", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200


def test_reset_password_prints_a_new_one_that_must_be_changed(county: Any) -> None:
    user = make_user("zhangsan", Role.TOWNSHIP, org=county.town_a)
    out = io.StringIO()
    call_command("user", "reset-password", "zhangsan", stdout=out)
    password = out.getvalue().split("的密码：")[1].splitlines()[0]
    user.refresh_from_db()
    assert user.must_change_password
    assert user.check_password(password) and not user.check_password(PASSWORD)
    entry = AuditEntry.objects.get(action="user.password_reset", object_id=str(user.pk))
    assert password not in str(entry.changes) and entry.actor_name.startswith("cli")


def test_only_the_system_administrator_manages_accounts(county: Any) -> None:
    make_user("zhangsan", Role.TOWNSHIP, org=county.town_a)
    with pytest.raises(PermissionDenied):
        password_reset(actor=county.users["county_admin"], username="zhangsan")
    with pytest.raises(PermissionDenied):
        user_set_active(actor=county.users["auditor"], username="zhangsan", active=False, reason="离职")
    assert not User.objects.get(username="zhangsan").must_change_password
    assert User.objects.get(username="zhangsan").is_active
    password_reset(actor=county.users["sysadmin"], username="zhangsan")
    assert User.objects.get(username="zhangsan").must_change_password


def test_disable_and_enable_need_a_reason_and_are_audited(county: Any) -> None:
    user = make_user("zhangsan", Role.TOWNSHIP, org=county.town_a)
    with pytest.raises(CommandError, match="原因"):
        call_command("user", "disable", "zhangsan", stdout=io.StringIO())
    user.refresh_from_db()
    assert user.is_active
    call_command("user", "disable", "zhangsan", "--reason", "调离岗位", stdout=io.StringIO())
    user.refresh_from_db()
    assert not user.is_active
    response = Client().post(reverse("login"), {"username": "zhangsan", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 200 and "_auth_user_id" not in response.client.session
    assert AuditEntry.objects.get(action="user.disable", object_id=str(user.pk)).changes == {"reason": "调离岗位"}
    with pytest.raises(CommandError, match="已停用"):
        call_command("user", "disable", "zhangsan", "--reason", "再次", stdout=io.StringIO())
    call_command("user", "enable", "zhangsan", "--reason", "返岗", stdout=io.StringIO())
    user.refresh_from_db()
    assert user.is_active and user.last_login is not None  # the dormant rule starts again from today


def test_dormant_accounts_are_disabled_after_90_days(county: Any, settings: Any) -> None:
    now = timezone.now()
    old = now - dt.timedelta(days=91)
    recent = now - dt.timedelta(days=89)
    dormant = make_user("dormant", Role.TOWNSHIP, org=county.town_a, last_login=old)
    never = make_user("never", Role.TOWNSHIP, org=county.town_a, date_joined=old)
    new = make_user("new", Role.TOWNSHIP, org=county.town_a, date_joined=recent)
    active = make_user("active", Role.TOWNSHIP, org=county.town_a, last_login=recent, date_joined=old)
    admin = make_user("admin2", Role.SYSADMIN, last_login=old)
    User.objects.exclude(pk__in=[u.pk for u in (dormant, never, new, active, admin)]).update(last_login=now)

    disabled = dormant_disable(now=now)
    assert {u.username for u in disabled} == {"dormant", "never"}
    states = dict(User.objects.filter(username__in=["dormant", "never", "new", "active", "admin2"])
                  .values_list("username", "is_active"))
    assert states == {"dormant": False, "never": False, "new": True, "active": True, "admin2": True}
    reasons = list(AuditEntry.objects.filter(action="user.disable").values_list("changes", flat=True))
    assert len(reasons) == 2 and all("连续90天未登录" in r["reason"] for r in reasons)
    assert dormant_disable(now=now) == []  # already disabled: nothing twice

    settings.ANJIAN_DORMANT_DAYS = 0
    make_user("dormant2", Role.TOWNSHIP, org=county.town_a, last_login=old)
    assert dormant_disable(now=now) == []


def test_the_command_reports_what_it_disabled(county: Any) -> None:
    User.objects.update(last_login=timezone.now())
    make_user("dormant", Role.TOWNSHIP, org=county.town_a, last_login=timezone.now() - dt.timedelta(days=100))
    out = io.StringIO()
    call_command("user", "disable-dormant", stdout=out)
    assert "停用了 1 个连续 90 天未登录的账号：dormant" in out.getvalue()
