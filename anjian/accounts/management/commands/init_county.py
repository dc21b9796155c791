"""``anjian init-county CODE [--grids N]``: set up a county for a new deployment.

Creates the county office (县安全生产委员会办公室), one office per township/street of the
division tree and the standard industry departments with their sectors; loads the shipped
division data first when the county's townships are missing. Running it again changes
nothing that exists. ``--grids N`` also makes sure every township has grids 第1…第N网格.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from anjian.accounts.services import AccountError, county_code, county_init
from anjian.regions.models import Division, Level
from anjian.regions.services import DivisionImportError, GridError, grids_ensure, load_builtin


class Command(BaseCommand):
    help = "初始化一个县：县级机构、乡镇/街道机构、行业主管部门（及可选的网格）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="县级统计用区划代码（6位），如 430626")
        parser.add_argument("--grids", type=int, default=0, metavar="N", help="每个乡镇/街道至少有 N 个网格")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["grids"] < 0:
            raise CommandError("--grids 不能为负数")
        try:
            code = county_code(options["code"])
        except AccountError as exc:
            raise CommandError(str(exc)) from exc
        division = Division.objects.filter(code=code).first()
        # Load the shipped list only when it can help: the county is missing or has no townships yet
        # (a code of another level is left to county_init to refuse).
        if division is None or (division.level == Level.COUNTY and not self._has_townships(code)):
            try:
                result = load_builtin()
            except DivisionImportError as exc:  # the shipped data is checked by the tests; be safe anyway
                raise CommandError("\n".join(exc.errors)) from exc
            self.stdout.write(f"已载入内置区划数据：{result.summary()}")
            if not self._has_townships(code):
                raise CommandError(
                    f"内置区划数据中没有区划代码 {code[:6]} 的乡镇/街道；"
                    "请先用 anjian import-divisions FILE 导入该县的区划"
                )
        try:
            init = county_init(code)
        except AccountError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(init.summary())
        if options["grids"]:
            made = 0
            try:
                for township in Division.objects.filter(code__in=[o.region_code for o in init.townships]):
                    made += len(grids_ensure(township=township, count=options["grids"]))
            except GridError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"网格：新建 {made} 个（每个乡镇/街道至少 {options['grids']} 个）")
        self.stdout.write(
            f"下一步：anjian user create 用户名 --role county_admin --org {init.county.prefix}（创建县级管理员）"
        )

    @staticmethod
    def _has_townships(code: str) -> bool:
        return Division.objects.filter(parent_id=code, level=Level.TOWNSHIP).exists()
