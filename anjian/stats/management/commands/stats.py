"""``anjian stats --region CODE --from DATE --to DATE [--as-of DATE] [filters] [--json]``.

With ``--by township|department``: the progress table (进展情况统计表), as text, as JSON with
``--json``, or as a workbook with ``--xlsx FILE``; ``--indicators a,b,c`` chooses its columns.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from anjian.core.dbrouter import statistics_reads
from anjian.stats.cli import add_scope_arguments, scope_from_options
from anjian.stats.compute import as_json, jsonable, with_yoy
from anjian.stats.grouped import compute_by
from anjian.stats.progress import check_indicators, progress_table_text, progress_table_xlsx
from anjian.stats.ranking import ranking, ranking_xlsx
from anjian.stats.render import DASH, table, value_text
from anjian.stats.scope import Scope, ScopeError


class Command(BaseCommand):
    help = "统计指标目录（indicators.md）：某区划、某时段的全部指标及同比。"

    def add_arguments(self, parser: CommandParser) -> None:
        add_scope_arguments(parser)
        parser.add_argument("--json", action="store_true", help="输出 JSON（indicators.md 的机器可读格式）")
        parser.add_argument("--by", choices=("township", "department"), help="分组出进展情况统计表")
        parser.add_argument("--xlsx", metavar="FILE", help="与 --by 同用：将进展情况统计表写入 .xlsx 文件")
        parser.add_argument("--rank", metavar="INDICATOR", help="与 --by 同用：按该指标排名（通报排名）")
        parser.add_argument("--ascending", action="store_true", help="与 --rank 同用：从低到高排名")
        parser.add_argument("--indicators", help="与 --by 同用：列出的指标代码，逗号分隔（默认常用指标）")

    @statistics_reads()  # on the replica when there is one (core/dbrouter.py)
    def handle(self, *args: Any, **opts: Any) -> None:
        scope = scope_from_options(opts)
        if opts["by"] and opts["rank"]:
            self._ranking(scope, opts)
            return
        if opts["by"]:
            self._progress(scope, opts)
            return
        if opts["xlsx"] or opts["indicators"] or opts["rank"]:
            raise CommandError("--xlsx、--indicators 和 --rank 须与 --by 同用")
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

    def _progress(self, scope: Scope, opts: dict[str, Any]) -> None:
        codes = [c.strip() for c in opts["indicators"].split(",") if c.strip()] if opts["indicators"] else None
        try:
            codes = check_indicators(codes)
        except ScopeError as exc:
            raise CommandError(str(exc)) from exc
        grouped = compute_by(scope, opts["by"])
        if opts["xlsx"]:
            Path(opts["xlsx"]).write_bytes(progress_table_xlsx(scope, opts["by"], codes, grouped))
            self.stdout.write(f"已写入 {opts['xlsx']}（{len(grouped.rows)} 行 + 合计）")
        elif opts["json"]:
            data = {
                "scope": scope.as_json(), "by": opts["by"], "indicators": codes,
                "rows": [{"key": r.key, "name": r.name, "values": jsonable(r.values)} for r in grouped.rows],
                "total": jsonable(grouped.total),
            }
            self.stdout.write(json.dumps(data, ensure_ascii=False))
        else:
            self.stdout.write(progress_table_text(scope, opts["by"], codes, grouped))

    def _ranking(self, scope: Scope, opts: dict[str, Any]) -> None:
        code, group = opts["rank"], opts["by"]
        try:
            rows = ranking(scope, group, code, descending=not opts["ascending"])
        except ScopeError as exc:
            raise CommandError(str(exc)) from exc
        if opts["xlsx"]:
            Path(opts["xlsx"]).write_bytes(ranking_xlsx(scope, group, code, rows))
            self.stdout.write(f"已写入 {opts['xlsx']}（{len(rows)} 行）")
        elif opts["json"]:
            data = {
                "scope": scope.as_json(), "by": group, "indicator": code,
                "rows": [{"rank": r.rank, "key": r.key, "name": r.name, "value": jsonable({"v": r.value})["v"]}
                         for r in rows],
            }
            self.stdout.write(json.dumps(data, ensure_ascii=False))
        else:
            for r in rows:
                rank = DASH if r.rank is None else str(r.rank)
                self.stdout.write(f"{rank:>3}  {r.name}  {value_text(code, r.value)}")
