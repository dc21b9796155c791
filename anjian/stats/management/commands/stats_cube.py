"""``anjian stats-cube refresh|rebuild``: the day figures of the province, its cities and counties (stats/cube.py)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from anjian.stats import cube


class Command(BaseCommand):
    help = (
        "统计底表（省、市、县按日汇总）：refresh 重算有变动的日期（后台每分钟自动执行）；"
        "rebuild 全部重算（绕过触发器批量装入数据后使用）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["refresh", "rebuild"])

    def handle(self, *args: Any, **opts: Any) -> None:
        if not cube.enabled("default"):
            raise CommandError("统计底表未启用（ANJIAN_STATS_CUBE 已关闭，或 SQLite 上的时区不是固定时差）；无需此操作")
        started = time.perf_counter()
        if opts["action"] == "refresh":
            done = f"已重算 {cube.refresh()} 个日期"
        else:
            done = f"已重建，底表共 {cube.rebuild()} 行"
        self.stdout.write(f"{done}，用时 {time.perf_counter() - started:.1f} 秒")
