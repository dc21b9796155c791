"""``anjian stats --region CODE --from DATE --to DATE [--as-of DATE] [filters] [--json]``."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from anjian.stats.compute import as_json, with_yoy
from anjian.stats.render import table
from anjian.stats.scope import ScopeError, build_scope


class Command(BaseCommand):
    help = "统计指标目录（indicators.md）：某区划、某时段的全部指标及同比。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", required=True, help="区划代码（6位县级，或9/12位乡镇、村代码）")
        parser.add_argument("--from", dest="date_from", required=True, help="起始日期 YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", required=True, help="截止日期 YYYY-MM-DD")
        parser.add_argument("--as-of", dest="as_of", help="整改、逾期的判定日期（默认 to，或今天）")
        parser.add_argument("--campaign", help="专项行动名称或编号（含子行动）")
        parser.add_argument("--sector", help="行业领域代码或名称")
        parser.add_argument("--department", help="监管部门名称或编号")
        parser.add_argument("--inspection-kind", dest="inspection_kind", help="检查类型代码或名称（如 督导检查）")
        parser.add_argument("--unit", type=int, help="单位编号")
        parser.add_argument("--json", action="store_true", help="输出 JSON（indicators.md 的机器可读格式）")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            scope = build_scope(
                region=opts["region"], date_from=opts["date_from"], date_to=opts["date_to"], as_of=opts["as_of"],
                campaign=opts["campaign"], sector=opts["sector"], department=opts["department"],
                inspection_kind=opts["inspection_kind"], unit=opts["unit"],
            )
        except ScopeError as exc:
            raise CommandError(str(exc)) from exc
        current, yoys = with_yoy(scope)
        data = as_json(scope, (current, yoys))
        if opts["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        s = data["scope"]
        self.stdout.write(f"区划 {s['region']}  {s['from']} 至 {s['to']}  判定日期 {s['as_of']}")
        given = {k: v for k, v in s["filters"].items() if v is not None}
        if given:
            self.stdout.write("筛选：" + "，".join(f"{k}={v}" for k, v in given.items()))
        self.stdout.write(table(current, yoys))
