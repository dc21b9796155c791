from __future__ import annotations

from pathlib import Path

import pytest

from anjian.core import uscc

DATA = Path(__file__).parent / "data"
VALID = DATA.joinpath("valid_uscc_stdnum.txt").read_text().split()
INVALID = DATA.joinpath("invalid_uscc_derived.txt").read_text().split()


def test_vectors_are_present():
    assert len(VALID) == 200 and len(INVALID) == 50


@pytest.mark.parametrize("code", VALID)
def test_published_codes_pass(code):
    assert uscc.validate(code) == code


@pytest.mark.parametrize("code", INVALID)
def test_shifted_check_character_fails_naming_the_expected_one(code):
    with pytest.raises(uscc.CreditCodeError) as err:
        uscc.validate(code)
    # The derived file shifted the valid check character by one: the message names the valid one.
    valid = VALID[INVALID.index(code)]
    assert f"应为“{valid[-1]}”" in str(err.value)


def test_worked_example_from_the_standard_text():
    # DOMAIN.md §5.1: 91110000600037341L -> check character L.
    assert uscc.check_character("91110000600037341") == "L"


def test_full_width_and_spaces_are_normalised():
    assert uscc.validate(" ９１１１００００６０００３７３４１ｌ ") == "91110000600037341L"


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [("9111000060003734", "应为18位"), ("91110000600037341I", "不允许的字符 I"), ("91AB0000600037341L", "第3—8位")],
)
def test_malformed_codes_have_specific_reasons(raw, fragment):
    with pytest.raises(uscc.CreditCodeError, match=fragment):
        uscc.validate(raw)
