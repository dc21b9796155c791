"""The scope arguments shared by the statistics commands (``anjian stats``, ``anjian report``).

The required arguments are checked here rather than by argparse, so that a missing one is refused in
Chinese like every other bad input (argparse's own message is English).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from anjian.stats.scope import Scope, ScopeError, build_scope

REQUIRED = (("region", "--region"), ("date_from", "--from"), ("date_to", "--to"))


def add_scope_arguments(parser: CommandParser) -> None:
    parser.add_argument("--region", help="区划代码（6位县级，或9/12位乡镇、村代码）；必填")
    parser.add_argument("--from", dest="date_from", help="起始日期 YYYY-MM-DD；必填")
    parser.add_argument("--to", dest="date_to", help="截止日期 YYYY-MM-DD；必填")
    parser.add_argument("--as-of", dest="as_of", help="整改、逾期的判定日期（默认 to，或今天）")
    parser.add_argument("--campaign", help="专项行动名称或编号（含子行动）")
    parser.add_argument("--sector", help="行业领域代码或名称")
    parser.add_argument("--department", help="监管部门名称或编号")
    parser.add_argument("--inspection-kind", dest="inspection_kind", help="检查类型代码或名称（如 督导检查）")
    parser.add_argument("--unit", help="单位编号")


def scope_from_options(opts: dict[str, Any]) -> Scope:
    """The scope the options ask for; CommandError (in Chinese) for a missing or bad one."""
    missing = [flag for key, flag in REQUIRED if not opts.get(key)]
    if missing:
        raise CommandError("缺少参数：" + "、".join(missing))
    unit = opts.get("unit")
    if unit is not None and not str(unit).strip().isdigit():
        raise CommandError(f"单位编号无效：{unit}")
    try:
        return build_scope(
            region=opts["region"], date_from=opts["date_from"], date_to=opts["date_to"], as_of=opts.get("as_of"),
            campaign=opts.get("campaign"), sector=opts.get("sector"), department=opts.get("department"),
            inspection_kind=opts.get("inspection_kind"), unit=int(unit) if unit is not None else None,
        )
    except ScopeError as exc:
        raise CommandError(str(exc)) from exc
