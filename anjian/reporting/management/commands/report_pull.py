"""``anjian report-pull --from DATE --to DATE [--as-of DATE] [--upper CODE] [--timeout S]``.

Fetches each active subordinate's package over HTTP(S) with its stored API token and accepts it; one
line per subordinate. A subordinate that fails (no answer, refused token, a package that does not
verify) does not stop the others; the exit status is non-zero when any failed.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from anjian.reporting.services import PULL_TIMEOUT, ReportError, pull_all
from anjian.stats.scope import ScopeError, build_scope, region_prefix


class Command(BaseCommand):
    help = "从各下级平台拉取该期间的上报数据包（需登记平台地址和 API 令牌）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="date_from", help="起始日期 YYYY-MM-DD；必填")
        parser.add_argument("--to", dest="date_to", help="截止日期 YYYY-MM-DD；必填")
        parser.add_argument("--as-of", dest="as_of", help="判定日期；默认由下级按截止日期（或当天）确定")
        parser.add_argument("--upper", help="只拉取该上级区划登记的下级")
        parser.add_argument("--timeout", type=float, default=PULL_TIMEOUT,
                            help=f"每个下级的超时秒数（默认 {PULL_TIMEOUT}）")

    def handle(self, *args: Any, **opts: Any) -> None:
        for name, label in (("date_from", "--from"), ("date_to", "--to")):
            if not opts.get(name):
                raise CommandError(f"缺少参数：{label}")
        try:
            # The dates are read the way every statistics command reads them (Chinese errors).
            scope = build_scope(region="43", date_from=opts["date_from"], date_to=opts["date_to"],
                                as_of=opts.get("as_of") or opts["date_to"])
            upper = region_prefix(opts["upper"]).ljust(12, "0") if opts.get("upper") else None
            results = pull_all(date_from=scope.date_from, date_to=scope.date_to,
                               as_of=scope.as_of if opts.get("as_of") else None, upper=upper,
                               timeout=opts["timeout"])
        except (ScopeError, ReportError) as exc:
            raise CommandError(str(exc)) from exc
        if not results:
            self.stdout.write("没有启用的下级")
            return
        for r in results:
            self.stdout.write(r.line)
        failed = [r for r in results if not r.ok]
        if failed:
            raise CommandError(f"{len(failed)} 个下级拉取失败（共 {len(results)} 个）")
