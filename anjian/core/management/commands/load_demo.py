"""``anjian load-demo [--if-empty] [--force] [--units N] [--hazards N] [--seed S]``: the demo county 平江县.

Loads the shipped divisions, sets up 平江县 (430626) with its real 25 townships, grids,
~2,000 fictional units and one account per role, all sharing the password printed at the
end, and ~1,500 hidden hazards of the last 15 months (anjian.demo.hazards). Deterministic:
the same seed gives the same county (and, on the same day, the same hazards).

With units already in the database it declines (exit status 1) unless ``--force``, which
adds the demo units that do not clash with existing ones; ``--if-empty`` (what ``make run``
uses) declines quietly (exit status 0) and reprints the demo accounts if they exist.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from anjian.demo.loader import DEFAULT_SEED, DEFAULT_UNITS, DEMO_PASSWORD, demo_accounts, load_demo
from anjian.units.models import Unit


class Command(BaseCommand):
    help = "载入演示县（平江县）：区划、机构、网格、约2000个虚构单位和每个角色一个演示账号"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="数据库中已有单位时静默跳过（make run 使用）")
        parser.add_argument("--force", action="store_true", help="已有单位时仍然载入（跳过重名、重码的演示单位）")
        parser.add_argument("--units", type=int, default=DEFAULT_UNITS, metavar="N", help="演示单位数量（默认 2000）")
        parser.add_argument(
            "--hazards",
            type=int,
            default=None,
            metavar="N",
            help="演示隐患数量（默认每个单位0.75条，即1500条；0 为不生成）",
        )
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, metavar="S", help="随机种子（同一种子结果相同）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["units"] < 0:
            raise CommandError("--units 不能为负数")
        if options["hazards"] is not None and options["hazards"] < 0:
            raise CommandError("--hazards 不能为负数")
        existing = Unit.objects.count()
        if existing and not options["force"]:
            message = f"数据库中已有 {existing} 个生产经营单位，未载入演示数据。"
            if options["if_empty"]:
                self.stdout.write(message)
                self._print_accounts(demo_accounts())
                return
            raise CommandError(message + "如确需在现有数据上追加演示数据，请加 --force。")
        self.stdout.write("正在载入演示县（平江县）……")
        result = load_demo(n_units=options["units"], seed=options["seed"], n_hazards=options["hazards"])
        if result.divisions_loaded:
            self.stdout.write("已载入内置区划数据（全国至乡镇级，及目标县的村级）。")
        skipped = f"（与已有单位重名或重码而跳过 {result.units_skipped} 个）" if result.units_skipped else ""
        self.stdout.write(
            f"演示县已载入：单位 {result.units_created} 个{skipped}，新建网格 {result.grids_created} 个，"
            f"新建账号 {result.accounts_created} 个，用时 {result.seconds:.1f} 秒。"
        )
        if result.hazards_created:
            # The morning scan, as the 07:00 job would run it: overdue hazards are marked and escalated
            # and reminders sent, so the demo's inboxes and timelines look like a county in use.
            from anjian.hazards.deadlines import scan_deadlines

            scan_deadlines()
            self.stdout.write(
                f"演示隐患 {result.hazards_created} 条（近15个月），并为乡镇、部门、网格和有隐患的单位"
                f"新建经办人员账号 {result.hazard_accounts_created} 个（不能登录）。"
            )
        elif result.hazards_skipped:
            self.stdout.write(result.hazards_skipped + "。")
        if result.activity_summary:
            self.stdout.write(result.activity_summary)
        self._print_accounts(result.accounts)

    def _print_accounts(self, accounts: list[tuple[str, str]]) -> None:
        if not accounts:
            return
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        width = max(len(username) for username, _ in accounts)
        for username, description in accounts:
            self.stdout.write(f"  {username.ljust(width)}  {description}")
