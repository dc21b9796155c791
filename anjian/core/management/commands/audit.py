"""``anjian audit verify``: recompute every hash chain and report what was tampered with."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from anjian.core.events import verify_all


class Command(BaseCommand):
    help = "审计：anjian audit verify 校验所有事件哈希链，发现修改、插入或删除的事件时以非零状态退出"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="校验事件哈希链")

    def handle(self, *args: Any, **options: Any) -> None:
        problems = list(verify_all())
        for problem in problems:
            self.stderr.write(str(problem))
        if problems:
            self.stderr.write(f"发现 {len(problems)} 处问题：事件记录已被篡改。")
            sys.exit(1)
        self.stdout.write("事件哈希链完整，未发现篡改。")
