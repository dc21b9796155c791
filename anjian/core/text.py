"""Chinese text helpers: pinyin initials for search and sorting (pypinyin)."""

from __future__ import annotations

import unicodedata

from pypinyin import Style, lazy_pinyin


def pinyin_initials(text: str) -> str:
    """'平江县汇丰化工' -> 'pjxhfhg'; letters and digits kept as they are, lower-cased."""
    out = lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default")
    return "".join(p for p in out if p.isalnum()).lower()


def pinyin_full(text: str) -> str:
    return "".join(p for p in lazy_pinyin(text, errors="default") if p.isalnum()).lower()


def clean(text: str | None) -> str:
    """NFKC-normalise (full-width → half-width) and strip surrounding spaces."""
    return unicodedata.normalize("NFKC", text or "").strip()
