"""The scoring rule of a monthly assessment (月度考核计分规则), kept small enough to explain in a notice.

Each item of a scheme (``AssessmentItem``) compares one group's figure of the month with its quota
(the group's own quota if the scheme sets one, else the item's) and earns at most its points:

- 不低于 (at least): full points when figure ≥ quota; otherwise ``points × figure ÷ quota``.
  A quota of 0 is always met.
- 不高于 (at most): full points when figure ≤ quota; otherwise ``points − deduction × (figure − quota)``,
  never below 0.
- A rate (整改率 …) is compared in percent: a quota of 90 is 90 %, and an at-most item's excess is
  counted in percentage points. The rate is taken exactly from its numerator and denominator, so
  that 9/10 meets a quota of 90 although 0.9 is not exact in binary.
- A rate whose denominator is 0 (no hazard found: nothing to rectify) is undefined and earns **full
  points**: the rate measures how well what was found was dealt with, and "found nothing" is judged
  by the count items (排查隐患 …), not punished a second time — nor rewarded, since the group gets
  no more than a group that rectified everything.

Scores are rounded half up to two decimals (the catalogue's rounding, ``stats/render.py``), once,
at the end. A group's total is the sum of its item scores plus its manual adjustments (加减分), whose
sum must stay within ± the scheme's limit.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from anjian.campaigns.models import Direction
from anjian.stats import indicators as ind

CENT = Decimal("0.01")


def _fraction(value: Any) -> Fraction:
    return value if isinstance(value, Fraction) else Fraction(Decimal(str(value)))


def to_points(value: Fraction) -> Decimal:
    """An exact value in points, rounded half up to two decimals (12.345 → 12.35)."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(CENT, rounding=ROUND_HALF_UP)


def rate_percent(num: int, den: int) -> Fraction | None:
    """A rate in percent, exactly (9/10 → 90); None when the denominator is 0."""
    return None if not den else Fraction(num * 100, den)


def item_score(
    *, direction: str, figure: Fraction | Decimal | int | None, quota: Decimal, points: Decimal,
    deduction: Decimal = Decimal("1"),
) -> Decimal:
    """The points one item earns (see the module's rule). ``figure`` None: an undefined rate, full points."""
    full = _fraction(points)
    if figure is None:
        return to_points(full)
    value, target = _fraction(figure), _fraction(quota)
    if direction == Direction.AT_LEAST:
        if value >= target:
            return to_points(full)
        return to_points(full * value / target)
    if value <= target:
        return to_points(full)
    return to_points(max(Fraction(0), full - _fraction(deduction) * (value - target)))


def figure_of(code: str, values: dict[str, Any]) -> Fraction | Decimal | int | None:
    """The figure an item compares, from a row of ``compute_by``: a rate exactly in percent, else the value."""
    i = ind.BY_CODE[code]
    if i.kind == ind.RATE:
        num, den = (int(values[c] or 0) for c in i.ratio)  # type: ignore[union-attr]
        return rate_percent(num, den)
    return values[code]
