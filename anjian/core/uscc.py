"""统一社会信用代码 check character, GB 32100-2015 (DOMAIN.md §5.1).

18 characters: authority, entity type, 6-digit division code of the registering
authority, 9-character organisation code (GB 11714), check character. The check
character is ``ALPHABET[(31 - Σ value·weight) mod 31]`` with weights 3^(i-1) mod 31.
"""

from __future__ import annotations

import unicodedata

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 1, 3, 9, 27, 19, 26, 16, …, 28
_VALUES = {c: i for i, c in enumerate(ALPHABET)}


class CreditCodeError(ValueError):
    """A code that is not a valid 统一社会信用代码; the message is for the user."""


def normalise(raw: str) -> str:
    """Upper-case, strip spaces, turn full-width characters into ASCII (ledgers.md)."""
    text = unicodedata.normalize("NFKC", raw or "")
    return "".join(text.split()).upper()


def check_character(first17: str) -> str:
    """The GB 32100-2015 check character for the first 17 characters."""
    total = sum(_VALUES[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def validate(raw: str) -> str:
    """Return the normalised code, or raise CreditCodeError with a Chinese reason.

    The reason names the expected check character, so that a typo in the last
    place is fixed at once and a typo elsewhere is recognisable.
    """
    code = normalise(raw)
    if len(code) != 18:
        raise CreditCodeError(f"统一社会信用代码应为18位，实际为{len(code)}位")
    bad = sorted({c for c in code if c not in _VALUES})
    if bad:
        raise CreditCodeError(
            f"统一社会信用代码含有不允许的字符 {'、'.join(bad)}（不使用 I、O、S、V、Z）"
        )
    if not code[2:8].isdigit():
        raise CreditCodeError("统一社会信用代码第3—8位应为登记管理机关行政区划码（6位数字）")
    expected = check_character(code[:17])
    if code[17] != expected:
        raise CreditCodeError(
            f"统一社会信用代码校验位错误：按 GB 32100-2015 第18位应为“{expected}”，实际为“{code[17]}”"
        )
    return code


def is_valid(raw: str) -> bool:
    try:
        validate(raw)
    except CreditCodeError:
        return False
    return True


def make(first17: str) -> str:
    """A full code from 17 characters (used by the demo generator)."""
    return first17 + check_character(first17)
