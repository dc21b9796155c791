"""``anjian import units FILE [--dry-run] [--user USERNAME]``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from anjian.accounts.roles import Role
from anjian.ledgers.engine import run_import
from anjian.ledgers.registry import all_ledgers, get_ledger


def _actor(username: str | None) -> Any:
    from anjian.accounts.models import User

    if username:
        user = User.objects.filter(username=username, is_active=True).select_related("org").first()
        if user is None:
            raise CommandError(f"用户“{username}”不存在或已停用")
        return user
    admins = list(User.objects.filter(role=Role.COUNTY_ADMIN, is_active=True).select_related("org")[:2])
    if len(admins) != 1:
        raise CommandError(
            "请用 --user 指定导入人：只有系统中恰好一个县级管理员时才能省略"
            f"（现有 {User.objects.filter(role=Role.COUNTY_ADMIN, is_active=True).count()} 个）"
        )
    return admins[0]


class Command(BaseCommand):
    help = (
        "导入台账文件（.xlsx 或 .csv，UTF-8/GB18030 自动识别）。全部行无误才写入，任何一行有错则一行都不写，"
        "列出所有错误（第N行 列名: 原因）并以非零状态退出。导入以 --user 指定的账号进行，"
        "权限和辖区与该账号在网页上相同，审计记录记在该账号名下（渠道 cli）；"
        "系统中只有一个县级管理员时可省略 --user，默认用该管理员。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        names = "、".join(ledger.name for ledger in all_ledgers())
        parser.add_argument("ledger", help=f"台账：{names}")
        parser.add_argument("file", help="要导入的 .xlsx 或 .csv 文件")
        parser.add_argument("--dry-run", action="store_true", help="只预检，不写入")
        parser.add_argument("--user", help="导入人的用户名（默认：唯一的县级管理员）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            ledger = get_ledger(options["ledger"])
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        actor = _actor(options.get("user"))
        verbose = options.get("verbosity", 1) >= 2

        def progress(phase: str, done: int, total: int | None) -> None:
            if verbose:
                label = "预检" if phase == "validate" else "写入"
                self.stderr.write(f"{label} {done}{f'/{total}' if total else ''} 行")

        report = run_import(ledger, path, actor, dry_run=options["dry_run"], progress=progress)
        for notice in report.notices:
            self.stderr.write(notice)
        if not report.ok:
            for error in report.errors:
                self.stderr.write(str(error))
            raise CommandError(f"导入被拒绝：{report.error_count} 处错误，未写入任何数据", returncode=1)
        prefix = "预检通过（未写入）" if options["dry_run"] else "导入完成"
        self.stdout.write(f"{prefix}：{report.summary()}")
