"""``anjian send-digests [--today DATE]``: send today's daily digests, by hand."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from anjian.hazards.management.commands.scan_deadlines import parse_day
from anjian.notifications.services import send_digests


class Command(BaseCommand):
    help = "每日摘要：每人每天一封邮件、一条短信，汇总新消息和辖区内即将到期、已逾期的隐患（同一天重复运行不会重发）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=parse_day, help="按该日期汇总（YYYY-MM-DD），默认今天")

    def handle(self, *args: Any, **options: Any) -> None:
        result = send_digests(options["today"])
        self.stdout.write(result.summary())
        for error in result.errors:
            self.stderr.write(error)
