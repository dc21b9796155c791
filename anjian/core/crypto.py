"""Encryption of small secrets at rest with SM4-GCM (GB/T 32907-2016 SM4, 商用密码).

GB/T 22239-2019 8.1.4.8 (数据保密性) asks for cryptography protecting authentication data and
personal data in storage; where a 密评 (GB/T 39786-2021) applies, with the commercial algorithms
(DOMAIN.md §6). Passwords are hashed (Argon2) and need no key; a secret the server must read back
— a user's TOTP secret, a tip-off reporter's name and telephone — is stored as
``sm4gcm:`` + base64(nonce ‖ ciphertext ‖ tag), authenticated
with GCM so that a changed value is refused rather than misread.

The 128-bit key is ``ANJIAN_DATA_KEY`` (32 hex digits) or, without it, generated once into
``$ANJIAN_VAR_DIR/data_key`` (mode 600), like ``secret_key``. Back it up with the database:
without it the encrypted values cannot be read (docs/deployment.md).
"""

from __future__ import annotations

import base64
import binascii
import functools
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings

PREFIX = "sm4gcm:"
NONCE_BYTES = 12  # the GCM nonce length NIST SP 800-38D recommends
TAG_BYTES = 16
KEY_BYTES = 16  # SM4 has 128-bit keys
CONTEXT = b"anjian"  # associated data: a value encrypted elsewhere with the same key does not decrypt here


class DecryptError(Exception):
    """The value is not ours, was changed, or the key is not the one it was encrypted with."""


@functools.cache
def _key() -> bytes:
    configured = getattr(settings, "ANJIAN_DATA_KEY", "") or os.environ.get("ANJIAN_DATA_KEY", "")
    if configured:
        try:
            key = bytes.fromhex(configured)
        except ValueError as exc:
            raise DecryptError("ANJIAN_DATA_KEY 应为 32 位十六进制数字") from exc
        if len(key) != KEY_BYTES:
            raise DecryptError("ANJIAN_DATA_KEY 应为 32 位十六进制数字（128 位 SM4 密钥）")
        return key
    path = Path(settings.VAR_DIR) / "data_key"
    if path.exists():
        return bytes.fromhex(path.read_text().strip())
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(KEY_BYTES)
    # Created with mode 600 from the start: nobody else may read it even for a moment.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(key.hex())
    return key


def encrypt(text: str) -> str:
    nonce = secrets.token_bytes(NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(_key()), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(CONTEXT)
    body = encryptor.update(text.encode("utf-8")) + encryptor.finalize()
    return PREFIX + base64.b64encode(nonce + body + encryptor.tag).decode("ascii")


def decrypt(value: str) -> str:
    if not value.startswith(PREFIX):
        raise DecryptError("不是加密存储的值")
    try:
        raw = base64.b64decode(value[len(PREFIX):], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise DecryptError("加密值已损坏") from exc
    if len(raw) < NONCE_BYTES + TAG_BYTES:
        raise DecryptError("加密值已损坏")
    nonce, body, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(_key()), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(CONTEXT)
    try:
        return (decryptor.update(body) + decryptor.finalize()).decode("utf-8")
    except InvalidTag as exc:
        raise DecryptError("加密值校验失败：已被改动，或数据密钥与加密时不同") from exc
