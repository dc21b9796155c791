"""The deployment's report-signing key (Ed25519) and the checks of a subordinate's public key.

Each deployment signs the packages it reports upward with one Ed25519 key; the upper level registers
the public half (base64 of its 32 raw bytes) and refuses a package that does not verify with it
(docs/decisions.md: why Ed25519 and not SM2, which the ``cryptography`` package does not offer).

The private key is ``ANJIAN_REPORT_KEY`` (64 hex digits: the 32-byte Ed25519 seed) or, without it,
generated once into ``$ANJIAN_VAR_DIR/report_key`` (mode 600), like ``core/crypto.py``'s data key.
Back it up: a lost key means registering a new public key at every upper level.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings

KEY_BYTES = 32  # an Ed25519 private seed and a public key are both 32 bytes (RFC 8032)
KEY_FILE = "report_key"


class ReportKeyError(ValueError):
    """A key that cannot be used; the message is for the user (Chinese)."""


def _configured() -> str:
    return str(getattr(settings, "ANJIAN_REPORT_KEY", "") or os.environ.get("ANJIAN_REPORT_KEY", "")).strip()


def private_key() -> Ed25519PrivateKey:
    """This deployment's signing key (configured, or read from / generated into var/report_key)."""
    return _load(_configured(), str(Path(settings.VAR_DIR) / KEY_FILE))


# Keyed by where the key comes from, so that a test (or a process) that points VAR_DIR elsewhere gets
# the key found there rather than the first one ever loaded.
@functools.lru_cache(maxsize=8)
def _load(configured: str, path: str) -> Ed25519PrivateKey:
    if configured:
        try:
            seed = bytes.fromhex(configured)
        except ValueError as exc:
            raise ReportKeyError("ANJIAN_REPORT_KEY 应为 64 位十六进制数字（Ed25519 私钥）") from exc
        if len(seed) != KEY_BYTES:
            raise ReportKeyError("ANJIAN_REPORT_KEY 应为 64 位十六进制数字（Ed25519 私钥）")
        return Ed25519PrivateKey.from_private_bytes(seed)
    file = Path(path)
    if file.exists():
        try:
            return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(file.read_text().strip()))
        except ValueError as exc:
            raise ReportKeyError(f"上报签名私钥文件 {file} 已损坏") from exc
    file.parent.mkdir(parents=True, exist_ok=True)
    seed = secrets.token_bytes(KEY_BYTES)
    # Created with mode 600 from the start: nobody else may read it even for a moment.
    fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(seed.hex())
    return Ed25519PrivateKey.from_private_bytes(seed)


def public_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def public_b64(key: Ed25519PublicKey | Ed25519PrivateKey | None = None) -> str:
    """The public key as registered at the upper level: base64 of its 32 raw bytes (44 characters)."""
    key = key or private_key()
    pub = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return base64.b64encode(public_bytes(pub)).decode("ascii")


def key_id(public: str | bytes) -> str:
    """The first 16 hex digits of the SHA-256 of the raw public key: names a key in a package."""
    raw = parse_public(public) if isinstance(public, str) else public
    return hashlib.sha256(raw).hexdigest()[:16]


def parse_public(text: str) -> bytes:
    """The 32 raw bytes of a base64 Ed25519 public key; ReportKeyError (Chinese) when it is not one."""
    cleaned = "".join((text or "").split())
    if not cleaned:
        raise ReportKeyError("请填写公钥")
    try:
        raw = base64.b64decode(cleaned, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ReportKeyError("公钥不是有效的 base64 文本") from exc
    if len(raw) != KEY_BYTES:
        raise ReportKeyError(
            f"公钥长度不对：Ed25519 公钥为 {KEY_BYTES} 字节（base64 为 44 个字符），此处为 {len(raw)} 字节"
        )
    try:
        Ed25519PublicKey.from_public_bytes(raw)
    except ValueError as exc:
        raise ReportKeyError("不是有效的 Ed25519 公钥") from exc
    return raw


def normalize_public(text: str) -> str:
    """The canonical base64 form of a public key (whitespace and line breaks of a pasted key removed)."""
    return base64.b64encode(parse_public(text)).decode("ascii")


def sign(message: bytes, key: Ed25519PrivateKey | None = None) -> str:
    return base64.b64encode((key or private_key()).sign(message)).decode("ascii")


def verify(public: str, message: bytes, signature: str) -> bool:
    """Whether ``signature`` (base64) is the signature of ``message`` by the key ``public`` (base64)."""
    try:
        sig = base64.b64decode(signature, validate=True)
        Ed25519PublicKey.from_public_bytes(parse_public(public)).verify(sig, message)
    except (InvalidSignature, binascii.Error, ValueError, ReportKeyError):
        return False
    return True
