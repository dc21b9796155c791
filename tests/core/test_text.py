from __future__ import annotations

from anjian.core.text import clean, pinyin_initials


def test_pinyin_initials_of_a_company_name():
    assert pinyin_initials("平江县汇丰化工有限公司") == "pjxhfhgyxgs"


def test_initials_keep_latin_letters_and_digits():
    assert pinyin_initials("第1网格ABC") == "d1wgabc"


def test_clean_turns_full_width_into_ascii():
    assert clean("　ＡＢＣ１２３　") == "ABC123"
