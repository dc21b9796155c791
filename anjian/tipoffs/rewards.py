"""The reward of a tip-off, as a pure function of what the check established.

《安全生产领域举报奖励办法》 安监总财〔2018〕19号 (DOMAIN.md §4):

- 重大事故隐患 and 安全生产违法行为: 15 % of the fine decided, at least ¥3,000 and at most
  ¥300,000;
- 瞒报、谎报事故: per concealed death the report proved, by the accident level finally
  confirmed, ¥30,000 (一般) / ¥40,000 (较大) / ¥50,000 (重大) / ¥60,000 (特别重大), at most ¥300,000;
- 一般隐患: the national rule rewards none; many counties pay a small fixed amount under their own
  rules, so the amount is a setting (``ANJIAN_TIPOFF_GENERAL_REWARD``, default 0 = none);
- rewards go to real-name reporters (有功的实名举报人; the 2012 text, kept by local rules); anonymous
  reports are handled, not rewarded.

The "+20 % for a unit's own employee" and "¥200 minimum for ordinary violations" that secondary
sources mention are not in the text seen (DOMAIN.md §4, ⚠️) and are not applied.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from anjian.tipoffs.models import AccidentLevel, Kind

RATE = Decimal("0.15")
MINIMUM = Decimal("3000")
MAXIMUM = Decimal("300000")
PER_DEATH = {
    AccidentLevel.GENERAL: Decimal("30000"),
    AccidentLevel.LARGER: Decimal("40000"),
    AccidentLevel.MAJOR: Decimal("50000"),
    AccidentLevel.ESPECIALLY_MAJOR: Decimal("60000"),
}
RULE = "《安全生产领域举报奖励办法》（安监总财〔2018〕19号）"
CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def yuan(amount: Decimal) -> str:
    """¥12,345.00 → "12,345.00 元"; whole amounts without the cents: "3,000 元"."""
    amount = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    text = f"{amount:,.2f}"
    return (text[:-3] if text.endswith(".00") else text) + " 元"


def reward_for(
    kind: str,
    *,
    fine: Decimal | None,
    accident_level: str,
    deaths: int,
    real_name: bool,
    general_table: Decimal,
) -> tuple[Decimal, str]:
    """(amount in yuan, the computation in words). An amount of 0 means no reward, and says why."""
    if not real_name:
        return ZERO, f"匿名举报依法办理，不予奖励（{RULE}：奖励有功的实名举报人）"
    if kind in (Kind.MAJOR_HAZARD, Kind.VIOLATION):
        label = Kind(kind).label
        base = (fine or Decimal(0)).quantize(CENT, rounding=ROUND_HALF_UP)
        raw = (base * RATE).quantize(CENT, rounding=ROUND_HALF_UP)
        head = f"举报{label}：罚款金额 {yuan(base)} × 15% = {yuan(raw)}" if fine else f"举报{label}：未作出罚款"
        if raw < MINIMUM:
            return MINIMUM, f"{head}，不足 3,000 元，按最低奖励 3,000 元（{RULE}）"
        if raw > MAXIMUM:
            return MAXIMUM, f"{head}，超过 300,000 元，按最高奖励 300,000 元（{RULE}）"
        return raw, f"{head}（{RULE}）"
    if kind == Kind.CONCEALED_ACCIDENT:
        if accident_level not in PER_DEATH:
            return ZERO, "举报瞒报谎报事故：未确定事故等级，不能计算奖励"
        per = PER_DEATH[AccidentLevel(accident_level)]
        level = AccidentLevel(accident_level).label
        if deaths <= 0:
            return ZERO, f"举报瞒报谎报事故：未查实瞒报谎报死亡人数，不予奖励（{RULE}按查实的死亡人数计奖）"
        raw = per * deaths
        head = f"举报瞒报谎报{level}：查实瞒报谎报死亡 {deaths} 人 × {yuan(per)} = {yuan(raw)}"
        if raw > MAXIMUM:
            return MAXIMUM, f"{head}，超过 300,000 元，按最高奖励 300,000 元（{RULE}）"
        return raw.quantize(CENT), f"{head}（{RULE}）"
    if kind == Kind.GENERAL_HAZARD:
        if general_table <= 0:
            return ZERO, f"举报一般隐患：{RULE}不奖励一般隐患，本地未设奖励标准"
        amount = general_table.quantize(CENT, rounding=ROUND_HALF_UP)
        return amount, f"举报一般隐患：按本地奖励标准 {yuan(amount)}（地方规定；国家办法不奖励一般隐患）"
    return ZERO, f"举报事项不属于{RULE}的奖励范围"
