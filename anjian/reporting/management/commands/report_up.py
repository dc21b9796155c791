"""``anjian report-up --from DATE --to DATE [--as-of DATE] [--region CODE] -o FILE``: the signed package.

The region defaults to this deployment's own (its top office's, ``package.deployment_region``);
``-o -`` writes it to standard output.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from anjian.core import audit
from anjian.core.dbrouter import statistics_reads
from anjian.regions.services import cli_actor_name
from anjian.reporting import keys
from anjian.reporting.package import build_package, deployment_region, dumps
from anjian.stats.scope import ScopeError


class Command(BaseCommand):
    help = "生成本级上报数据包（anjian-report/1，已签名），报送上级平台。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="date_from", help="起始日期 YYYY-MM-DD；必填")
        parser.add_argument("--to", dest="date_to", help="截止日期 YYYY-MM-DD；必填")
        parser.add_argument("--as-of", dest="as_of", help="整改、逾期的判定日期；默认截止日期（或今天）")
        parser.add_argument("--region", help="上报的区划代码；默认本平台的县（市）")
        parser.add_argument("-o", "--output", help="输出文件；- 表示标准输出；必填")

    @statistics_reads()  # on the replica when there is one (core/dbrouter.py)
    def handle(self, *args: Any, **opts: Any) -> None:
        for name, label in (("date_from", "--from"), ("date_to", "--to"), ("output", "-o")):
            if not opts.get(name):
                raise CommandError(f"缺少参数：{label}")
        try:
            region = opts.get("region") or deployment_region()
            package = build_package(region=region, date_from=opts["date_from"], date_to=opts["date_to"],
                                    as_of=opts.get("as_of"))
        except (ScopeError, keys.ReportKeyError) as exc:
            raise CommandError(str(exc)) from exc
        text = dumps(package)
        audit.record(actor=None, actor_name=cli_actor_name(None), action="reporting.package",
                     changes={"region": package["region"], "from": package["from"], "to": package["to"],
                              "as_of": package["as_of"]})
        if opts["output"] == "-":
            self.stdout.write(text, ending="")
            return
        try:
            Path(opts["output"]).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"无法写入文件 {opts['output']}：{exc.strerror or exc}") from exc
        self.stdout.write(
            f"已写入 {opts['output']}：{package['region_name']}（{package['region']}）"
            f"{package['from']} 至 {package['to']}，判定日期 {package['as_of']}，签名公钥 {package['key_id']}"
        )
