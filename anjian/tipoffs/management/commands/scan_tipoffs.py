"""``anjian scan-tipoffs [--today DATE]``: the daily tip-off reward scan, by hand."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from anjian.hazards.management.commands.scan_deadlines import parse_day
from anjian.tipoffs.services import scan_tipoffs


class Command(BaseCommand):
    help = "举报奖励扫描：批准并通知后 60 日内未领取的奖励标记为逾期未领（视为放弃）；可重复运行"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=parse_day, help="按该日期扫描（YYYY-MM-DD），默认今天")

    def handle(self, *args: Any, **options: Any) -> None:
        result = scan_tipoffs(options["today"])
        self.stdout.write(result.summary())
        for number in result.forfeited:
            self.stdout.write(f"  {number}")
