"""The catalogue's rendering rules (indicators.md "Rates and rounding")."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from anjian.stats import indicators as ind

DASH = "—"


def _quantize(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def percent(rate: float | Fraction | None, decimals: int = 2, *, text: bool = True) -> str:
    """A rate as a percentage, rounding half up: 1107/1178 → "93.97%"; 4/5 → "80%" in text, "80.00%" in tables.

    An undefined rate (denominator 0) is "—" (generated text leaves it out altogether).
    """
    if rate is None:
        return DASH
    exact = Decimal(rate.numerator) / Decimal(rate.denominator) if isinstance(rate, Fraction) else Decimal(repr(rate))
    shown = _quantize(exact * 100, decimals)
    s = f"{shown:.{decimals}f}"
    if text and "." in s:
        s = s.rstrip("0").rstrip(".")
    return s + "%"


def wan_yuan(yuan: Decimal | int | str | None) -> str:
    """Money in 万元 with two decimals for text: 379100 → "37.91万元"."""
    value = Decimal(str(yuan or 0))
    return f"{_quantize(value / 10000, 2):.2f}万元"


def change(yoy: float | None) -> str:
    """同比上升 / 同比下降 / 同比持平 with the percentage; "" when undefined."""
    if yoy is None:
        return ""
    if yoy == 0:
        return "同比持平"
    return f"同比{'上升' if yoy > 0 else '下降'}{percent(abs(yoy))}"


def value_text(code: str, value: Any, *, text: bool = False) -> str:
    """One indicator's value as shown in a table (or in text, with ``text=True``)."""
    i = ind.BY_CODE[code]
    if i.kind == ind.RATE:
        return percent(value, text=text)
    if i.kind == ind.MONEY_KIND:
        return wan_yuan(value) if text else f"{Decimal(str(value)):,.2f}"
    return f"{value}"


def table(values: dict[str, Any], yoys: dict[str, float | None] | None = None) -> str:
    """A readable plain-text table: family, name, value, unit, 同比."""
    rows: list[tuple[str, ...]] = [("类别", "指标", "代码", "数值", "单位", "同比")]
    for i in ind.CATALOGUE:
        y = (yoys or {}).get(i.code)
        rows.append((i.family, i.name, i.code, value_text(i.code, values[i.code]), i.unit,
                     DASH if y is None else percent(y, text=False)))
    widths = [max(_width(r[c]) for r in rows) for c in range(len(rows[0]))]
    lines = []
    for r in rows:
        cells = []
        for c, cell in enumerate(r):
            pad = " " * (widths[c] - _width(cell))
            cells.append(pad + cell if c in (3, 5) else cell + pad)
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def _width(s: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in s)
