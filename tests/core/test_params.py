"""The list filters' readers: a value that cannot be read turns the filter off, never an error."""

from __future__ import annotations

import datetime as dt

import pytest

from anjian.core.params import param_bool, param_date, param_int


@pytest.mark.parametrize(("raw", "want"), [
    ("2024-02-29", dt.date(2024, 2, 29)), ("2023-02-29", None), ("29/02/2024", None), ("", None), (None, None),
])
def test_param_date(raw, want):
    assert param_date(raw) == want


@pytest.mark.parametrize(("raw", "want"), [
    ("42", 42), (" 7 ", 7), (0, 0), ("-3", None), ("4.5", None), ("abc", None), ("", None), (None, None),
])
def test_param_int(raw, want):
    assert param_int(raw) == want


@pytest.mark.parametrize(("raw", "want"), [
    ("1", True), ("是", True), ("true", True), ("0", False), ("否", False), ("no", False), ("", None), ("2", None),
])
def test_param_bool(raw, want):
    assert param_bool(raw) == want
