"""``anjian verify-draws [NUMBER …]``: re-run every (or the named) 双随机 draw and report what differs."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from anjian.plans.models import Draw
from anjian.plans.services import draw_verify


class Command(BaseCommand):
    help = (
        "双随机抽查：anjian verify-draws [编号 …] 按存储的随机种子和名录库重新抽取并核对结果和哈希，"
        "发现不一致时以非零状态退出"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("numbers", nargs="*", metavar="NUMBER", help="抽查编号；不给出时校验全部")

    def handle(self, *args: Any, **options: Any) -> None:
        numbers: list[str] = options["numbers"]
        draws = Draw.objects.order_by("id")
        if numbers:
            draws = draws.filter(number__in=numbers)
            missing = sorted(set(numbers) - set(draws.values_list("number", flat=True)))
            if missing:
                raise CommandError(f"未找到抽查：{'、'.join(missing)}")
        checked = 0
        problems = 0
        for draw in draws.iterator(chunk_size=100):
            checked += 1
            for problem in draw_verify(draw):
                problems += 1
                self.stderr.write(f"{draw.number}：{problem}")
        if problems:
            self.stderr.write(f"校验 {checked} 次抽查，发现 {problems} 处问题。")
            sys.exit(1)
        self.stdout.write(f"校验 {checked} 次抽查，结果均可按随机种子复现，未发现修改。")
