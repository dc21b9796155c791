"""Two-factor sign-in (动态口令, GB/T 22239-2019 8.1.4.1 d) and the SM4 encryption of its secret."""

from __future__ import annotations

import io
import re
import time
from typing import Any

import pytest
import segno
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from anjian.accounts import totp, twofactor
from anjian.accounts.models import RecoveryCode, TotpDevice, User
from anjian.accounts.roles import Role
from anjian.core import crypto
from anjian.core.models import AuditEntry
from tests.conftest import PASSWORD, make_user

ADDR = "10.1.2.3"


# --- RFC 6238 / RFC 4226 ------------------------------------------------------------------------

def test_hotp_matches_rfc_4226_appendix_d() -> None:
    key = b"12345678901234567890"
    expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871",
                "520489"]
    assert [totp.hotp(key, i) for i in range(10)] == expected


@pytest.mark.parametrize(("at", "code"), [
    (59, "94287082"), (1111111109, "07081804"), (1111111111, "14050471"), (1234567890, "89005924"),
    (2000000000, "69279037"), (20000000000, "65353130"),
])
def test_totp_matches_rfc_6238_appendix_b_sha1(at: int, code: str) -> None:
    assert totp.hotp(b"12345678901234567890", at // 30, digits=8) == code


def test_a_code_of_the_neighbouring_step_is_accepted_and_no_further() -> None:
    secret = totp.new_secret()
    now = 1_800_000_000.0
    assert totp.matching_step(secret, totp.code_at(secret, now), now) == totp.step(now)
    assert totp.matching_step(secret, totp.code_at(secret, now - 30), now) == totp.step(now) - 1
    assert totp.matching_step(secret, totp.code_at(secret, now + 30), now) == totp.step(now) + 1
    assert totp.matching_step(secret, totp.code_at(secret, now - 90), now) is None
    assert totp.matching_step(secret, "12345", now) is None and totp.matching_step(secret, "abcdef", now) is None


# --- SM4-GCM at rest -----------------------------------------------------------------------------

def test_sm4_gcm_round_trip_and_tampering_is_refused(settings: Any) -> None:
    settings.ANJIAN_DATA_KEY = "0123456789abcdeffedcba9876543210"
    crypto._key.cache_clear()
    try:
        stored = crypto.encrypt("JBSWY3DPEHPK3PXP")
        assert stored.startswith("sm4gcm:") and "JBSWY3DPEHPK3PXP" not in stored
        assert crypto.encrypt("JBSWY3DPEHPK3PXP") != stored  # a fresh nonce each time
        assert crypto.decrypt(stored) == "JBSWY3DPEHPK3PXP"
        raw = bytearray(crypto.base64.b64decode(stored[len("sm4gcm:"):]))
        raw[14] ^= 1
        with pytest.raises(crypto.DecryptError, match="校验失败"):
            crypto.decrypt("sm4gcm:" + crypto.base64.b64encode(bytes(raw)).decode())
        settings.ANJIAN_DATA_KEY = "ffffffffffffffffffffffffffffffff"
        crypto._key.cache_clear()
        with pytest.raises(crypto.DecryptError, match="密钥"):
            crypto.decrypt(stored)
    finally:
        crypto._key.cache_clear()


def test_the_sm4_cipher_is_the_standard_one() -> None:
    """GB/T 32907-2016 Appendix A, example 1: the key encrypts its own value to 681edf34…."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    key = bytes.fromhex("0123456789abcdeffedcba9876543210")
    encryptor = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()  # noqa: S305 - the standard's test vector
    assert (encryptor.update(key) + encryptor.finalize()).hex() == "681edf34d206965e86b3e94f536e4246"


# --- enrolment and sign-in -----------------------------------------------------------------------

def enrol(user: User) -> tuple[str, list[str]]:
    enrolment = twofactor.totp_begin(user)
    codes = twofactor.totp_confirm(user, totp.code_at(enrolment.secret, time.time() - 30))
    return enrolment.secret, codes


def sign_in(client: Client, username: str, password: str = PASSWORD) -> Any:
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ADDR)


def give_code(client: Client, code: str) -> Any:
    return client.post(reverse("login_code"), {"code": code}, REMOTE_ADDR=ADDR)


def test_the_secret_is_stored_encrypted_and_confirming_turns_it_on(county: Any) -> None:
    user = county.users["county_admin"]
    enrolment = twofactor.totp_begin(user)
    stored = TotpDevice.objects.get(user=user).secret
    assert enrolment.secret not in stored and crypto.decrypt(stored) == enrolment.secret
    assert not twofactor.enabled(user)
    with pytest.raises(twofactor.TwoFactorError, match="不正确"):
        twofactor.totp_confirm(user, "000000" if totp.code_at(enrolment.secret) != "000000" else "111111")
    assert not twofactor.enabled(user)
    codes = twofactor.totp_confirm(user, totp.code_at(enrolment.secret))
    assert twofactor.enabled(user) and len(codes) == 10 and len(set(codes)) == 10
    assert not RecoveryCode.objects.filter(digest__in=codes).exists()  # only hashes are kept
    assert AuditEntry.objects.filter(action="2fa.enable", object_id=str(user.pk)).exists()
    assert enrolment.uri.startswith("otpauth://totp/") and f"secret={enrolment.secret}" in enrolment.uri


def test_sign_in_asks_for_the_code_after_the_password(county: Any) -> None:
    user = county.users["county_admin"]
    secret, _ = enrol(user)
    client = Client()
    response = sign_in(client, user.username)
    assert response.status_code == 302 and response["Location"] == reverse("login_code")
    assert "_auth_user_id" not in client.session  # not signed in on the password alone
    assert client.get("/units/").status_code == 302

    response = give_code(client, totp.code_at(secret))
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get("/units/").status_code == 200
    assert AuditEntry.objects.filter(action="login", actor=user).exists()


def test_a_used_code_cannot_be_used_again(county: Any) -> None:
    user = county.users["county_admin"]
    secret, _ = enrol(user)
    code = totp.code_at(secret)
    assert twofactor.totp_verify(user, code)
    assert not twofactor.totp_verify(user, code)


def test_wrong_codes_are_failed_sign_ins_and_five_lock_the_account(county: Any) -> None:
    user = county.users["county_admin"]
    secret, _ = enrol(user)
    wrong = next(c for c in ("000000", "111111", "222222") if totp.matching_step(secret, c) is None)
    client = Client()
    sign_in(client, user.username)
    for n in range(1, 5):
        response = give_code(client, wrong)
        assert response.status_code == 200 and f"还可再试 {5 - n} 次" in response.content.decode()
    response = give_code(client, wrong)
    # The fifth failure in a row locks the account (django-axes counts codes and passwords alike).
    assert response.status_code == 429 and "锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session and "anjian_2fa_pending" not in client.session
    assert AuditEntry.objects.filter(action="login_failed", actor_name=user.username).count() == 5
    # The lockout counted them: the right password no longer gets in for now (django-axes).
    response = sign_in(Client(), user.username)
    assert response.status_code in (200, 403, 429) and "_auth_user_id" not in response.client.session
    assert give_code(client, totp.code_at(secret)).status_code == 302  # the pending step is gone


def test_a_recovery_code_works_once(county: Any) -> None:
    user = county.users["county_admin"]
    _, codes = enrol(user)
    client = Client()
    sign_in(client, user.username)
    assert give_code(client, codes[0].upper()).status_code == 302  # case and dash do not matter
    assert client.session["_auth_user_id"] == str(user.pk)
    assert not twofactor.totp_verify(user, codes[0])
    assert twofactor.recovery_left(user) == 9
    assert AuditEntry.objects.filter(action="2fa.recovery_used", object_id=str(user.pk)).count() == 1


def test_the_pending_step_expires(county: Any) -> None:
    user = county.users["county_admin"]
    secret, _ = enrol(user)
    client = Client()
    sign_in(client, user.username)
    session = client.session
    session["anjian_2fa_pending"]["at"] -= 301
    session.save()
    assert give_code(client, totp.code_at(secret))["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


def test_without_an_app_the_password_is_enough(county: Any) -> None:
    client = Client()
    response = sign_in(client, county.users["township"].username)
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(county.users["township"].pk)


# --- the roles that must, and the setup page ----------------------------------------------------

def test_a_required_role_sets_up_its_app_before_anything_else(county: Any, settings: Any) -> None:
    settings.ANJIAN_2FA_ROLES = [Role.COUNTY_ADMIN]
    admin = county.users["county_admin"]
    client = Client()
    client.force_login(admin)
    assert client.get("/units/")["Location"].startswith(reverse("two_factor"))
    page = client.get(reverse("two_factor"))
    assert "须使用“密码 + 动态口令”登录" in page.content.decode()
    client.post(reverse("two_factor"), {"action": "begin"})
    page = client.get(reverse("two_factor")).content.decode()
    secret = twofactor.pending_enrolment(admin).secret  # type: ignore[union-attr]
    assert totp.grouped(secret) in page
    response = client.post(reverse("two_factor"), {"action": "confirm", "code": totp.code_at(secret)})
    assert response.status_code == 200 and 'data-testid="recovery-codes"' in response.content.decode()
    assert client.get("/units/").status_code == 200
    # Other roles are not held.
    other = Client()
    other.force_login(county.users["township"])
    assert other.get("/units/").status_code == 200


def _svg_modules(svg: str) -> set[tuple[int, int]]:
    """The dark modules (column, row) that segno's SVG path draws: ``M x y`` / ``m dx dy`` moves and
    ``h n`` runs of n modules along the row, the stroke on the row's middle (y + 0.5)."""
    d = re.search(r'<path stroke="[^"]+" d="([^"]+)"', svg)
    assert d is not None, svg[:200]
    x = y = 0.0
    dark: set[tuple[int, int]] = set()
    for op, a, b in re.findall(r"([MmHh])\s*(-?[\d.]+)(?:[ ,](-?[\d.]+))?", d.group(1)):
        if op == "M":
            x, y = float(a), float(b)
        elif op == "m":
            x, y = x + float(a), y + float(b)
        else:
            run = round(float(a)) if op == "h" else round(float(a) - x)
            dark.update((round(x) + i, int(y)) for i in range(run))
            x += run
    return dark


def test_the_setup_page_shows_a_qr_code_of_the_otpauth_uri(county: Any) -> None:
    user = county.users["township"]
    client = Client()
    client.force_login(user)
    assert 'data-testid="totp-qr"' not in client.get(reverse("two_factor")).content.decode()  # nothing begun
    client.post(reverse("two_factor"), {"action": "begin"})
    page = client.get(reverse("two_factor")).content.decode()
    enrolment = twofactor.pending_enrolment(user)
    assert enrolment is not None
    # The text fallback stays: the grouped secret and the URI.
    assert totp.grouped(enrolment.secret) in page and escape(enrolment.uri) in page
    block = re.search(r'<div[^>]*data-testid="totp-qr"[^>]*>(<svg.*?</svg>)</div>', page, re.S)
    assert block is not None, "no inline <svg> QR code on the setup page"
    svg = block.group(1)
    assert "<script" not in svg and "style=" not in svg  # nothing for the CSP to refuse
    # It encodes exactly the URI: the modules drawn are those segno makes of it (a full QR symbol,
    # not a Micro QR, which authenticator apps cannot read), inside a 4-module quiet zone.
    symbol = segno.make_qr(enrolment.uri)
    assert not symbol.is_micro
    expected = {(c + 4, r + 4) for r, row in enumerate(symbol.matrix) for c, bit in enumerate(row) if bit}
    assert _svg_modules(svg) == expected
    assert 'fill="#fff"' in svg  # its own white ground, whatever the page's colours
    # Once confirmed, the page no longer shows it (nor the secret).
    client.post(reverse("two_factor"), {"action": "confirm", "code": totp.code_at(enrolment.secret)})
    page = client.get(reverse("two_factor")).content.decode()
    assert 'data-testid="totp-qr"' not in page and totp.grouped(enrolment.secret) not in page


def test_a_required_role_cannot_turn_it_off_others_can_with_their_password(county: Any, settings: Any) -> None:
    admin, township = county.users["county_admin"], county.users["township"]
    enrol(admin)
    enrol(township)
    settings.ANJIAN_2FA_ROLES = [Role.COUNTY_ADMIN]
    with pytest.raises(twofactor.TwoFactorError, match="不能停用"):
        twofactor.totp_disable(admin, PASSWORD)
    client = Client()
    client.force_login(township)
    response = client.post(reverse("two_factor"), {"action": "disable", "password": "wrong"})
    assert "密码不正确" in response.content.decode() and twofactor.enabled(township)
    client.post(reverse("two_factor"), {"action": "disable", "password": PASSWORD})
    assert not twofactor.enabled(township) and not RecoveryCode.objects.filter(user=township).exists()


def test_new_recovery_codes_replace_the_old(county: Any) -> None:
    user = county.users["township"]
    secret, old = enrol(user)
    new = twofactor.recovery_regenerate(user, totp.code_at(secret))
    assert set(new).isdisjoint(old)
    assert not twofactor.totp_verify(user, old[0])
    assert twofactor.totp_verify(user, new[0])


def test_the_system_administrator_resets_a_lost_phone(county: Any) -> None:
    user = county.users["township"]
    enrol(user)
    with pytest.raises(twofactor.TwoFactorError, match="系统管理员"):
        twofactor.totp_reset(actor=county.users["county_admin"], username=user.username)
    assert twofactor.enabled(user)
    out = io.StringIO()
    call_command("user", "reset-2fa", user.username, stdout=out)
    assert "已重置" in out.getvalue() and not twofactor.enabled(user)
    assert AuditEntry.objects.get(action="2fa.reset", object_id=str(user.pk)).actor_name.startswith("cli")
    with pytest.raises(CommandError, match="没有启用"):
        call_command("user", "reset-2fa", user.username, stdout=io.StringIO())
    client = Client()
    assert sign_in(client, user.username).status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_an_unused_persona_never_sees_the_second_step(db: Any) -> None:
    user = make_user("plain", Role.LEADER)
    assert not twofactor.enabled(user) and not twofactor.required(user)
