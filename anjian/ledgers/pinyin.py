"""Both pinyin search keys of a name from one conversion, for bulk imports.

``anjian.core.text.pinyin_initials`` and ``pinyin_full`` each run pypinyin's phrase
segmentation and style conversion; for 100,000 unit names that is ~15 s of a 30 s
budget. Here the name is converted once in TONE style (the dictionary's own form, no
style work), and each distinct syllable is turned into its NORMAL and FIRST_LETTER
forms once, by pypinyin itself, and cached. The results are equal to the two
functions above (tests/ledgers/test_pinyin.py checks every character pypinyin knows).
"""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin
from pypinyin.style import convert

# Marks the runs pypinyin has no reading for (digits, Latin, punctuation); they are kept
# as they are, exactly as errors="default" keeps them.
_RAW = "\x00"


def _mark(chars: str) -> str:
    return _RAW + chars


@lru_cache(maxsize=8192)
def _forms(syllable: str) -> tuple[str, str]:
    normal = convert(syllable, Style.NORMAL, strict=True, default=syllable)
    first = convert(syllable, Style.FIRST_LETTER, strict=True, default=syllable)
    return normal, first


def pinyin_keys(text: str) -> tuple[str, str]:
    """(initials, full pinyin) of ``text``, equal to (pinyin_initials(text), pinyin_full(text))."""
    initials: list[str] = []
    full: list[str] = []
    for item in lazy_pinyin(text, style=Style.TONE, errors=_mark):
        if item.startswith(_RAW):
            normal = first = item[1:]
        else:
            normal, first = _forms(item)
        # The same filter as core.text: items that are not purely alphanumeric are dropped.
        if first.isalnum():
            initials.append(first)
        if normal.isalnum():
            full.append(normal)
    return "".join(initials).lower(), "".join(full).lower()
