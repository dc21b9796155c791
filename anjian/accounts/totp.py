"""Time-based one-time passwords, RFC 6238 (TOTP) over RFC 4226 (HOTP), with the standard library.

The second factor of GB/T 22239-2019 8.1.4.1 d ("two or more authentication techniques, one of
them cryptographic"): the phone's authenticator app (any RFC 6238 app — 微信小程序、阿里云 App、
FreeOTP, Google/Microsoft Authenticator …) and the server share a secret and both derive a 6-digit
code from it and the current 30-second step. HMAC-SHA1, 30 s and 6 digits are what every
authenticator app uses by default (RFC 6238 §5.2, §4); a code of the previous or the next step is
accepted as well, for a phone clock up to 30 s off.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
import time
from urllib.parse import quote, urlencode

STEP_SECONDS = 30
DIGITS = 6
WINDOW = 1  # steps accepted either side of the current one
SECRET_BYTES = 20  # 160 bits, the HMAC-SHA1 block-friendly length RFC 4226 §4 recommends


def new_secret() -> str:
    """A random secret as base32 without padding (what authenticator apps take)."""
    return base64.b32encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii").rstrip("=")


def _key(secret: str) -> bytes:
    text = secret.replace(" ", "").upper()
    return base64.b32decode(text + "=" * (-len(text) % 8))


def hotp(key: bytes, counter: int, digits: int = DIGITS, digest: str = "sha1") -> str:
    """RFC 4226 §5.3: HMAC of the 8-byte counter, dynamic truncation, modulo 10^digits."""
    mac = hmac.new(key, struct.pack(">Q", counter), digest).digest()
    offset = mac[-1] & 0x0F
    code = struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(code % 10**digits).zfill(digits)


def step(at: float | None = None) -> int:
    return int((time.time() if at is None else at) // STEP_SECONDS)


def code_at(secret: str, at: float | None = None) -> str:
    return hotp(_key(secret), step(at))


def matching_step(secret: str, code: str, at: float | None = None) -> int | None:
    """The step whose code ``code`` is (within the window), or None. Compared in constant time."""
    code = code.strip().replace(" ", "")
    if len(code) != DIGITS or not code.isdigit():
        return None
    key = _key(secret)
    now = step(at)
    found = None
    for s in range(now - WINDOW, now + WINDOW + 1):
        if hmac.compare_digest(hotp(key, s), code):
            found = s
    return found


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    """The otpauth:// URI authenticator apps read (from a QR code or pasted)."""
    label = quote(f"{issuer}:{account}")
    return f"otpauth://totp/{label}?" + urlencode(
        {"secret": secret, "issuer": issuer, "algorithm": "SHA1", "digits": DIGITS, "period": STEP_SECONDS}
    )


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing it into an app by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def recovery_codes(n: int = 10) -> list[str]:
    """One-use codes for a lost phone: 10 characters from an unambiguous alphabet, as xxxxx-xxxxx."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    codes = []
    for _ in range(n):
        raw = "".join(secrets.choice(alphabet) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def recovery_hash(code: str) -> str:
    """Recovery codes are stored as SHA-256 of their normalised text, like API tokens."""
    return hashlib.sha256(code.strip().lower().replace(" ", "").replace("-", "").encode()).hexdigest()
