"""``anjian scan-deadlines [--today DATE]``: the daily deadline scan, by hand."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from anjian.hazards.deadlines import scan_deadlines


def parse_day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        # argparse turns this into a usage error (exit 2 on the command line, CommandError in call_command).
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD：{value}") from exc


class Command(BaseCommand):
    help = "期限扫描：到期前提醒责任单位，标记逾期并上报监管机构，催办延期审批、验收和挂牌督办（可重复运行）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=parse_day, help="按该日期扫描（YYYY-MM-DD），默认今天")

    def handle(self, *args: Any, **options: Any) -> None:
        result = scan_deadlines(options["today"])
        self.stdout.write(result.summary())
