"""``anjian export units FILE [--region CODE] [--user USERNAME] [--all]``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from anjian.core import audit
from anjian.ledgers.readers import suffix_of
from anjian.ledgers.registry import all_ledgers, get_ledger
from anjian.ledgers.services import system_actor
from anjian.ledgers.writers import export_csv, export_xlsx


def _significant(code: str) -> str:
    """A padded code means its division: 430626000000 is all of 平江县 (prefix 430626)."""
    if len(code) < 12:
        return code
    for length in (2, 4, 6, 9):
        if code[length:] == "0" * (12 - length):
            return code[:length]
    return code


class Command(BaseCommand):
    help = (
        "导出台账到 .xlsx 或 .csv（按文件扩展名；CSV 为带 BOM 的 UTF-8，Excel 可直接打开）。"
        "不带 --user 时以部署运维人员身份导出全部单位；--user 时按该账号的辖区导出。"
        "默认只导出在册（未注销）的记录，--all 连同已注销的一起导出。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        names = "、".join(ledger.name for ledger in all_ledgers())
        parser.add_argument("ledger", help=f"台账：{names}")
        parser.add_argument("file", help="输出文件，扩展名 .xlsx 或 .csv")
        parser.add_argument("--region", help="只导出该区划代码（前缀，如 430626 或 430626101）内的记录")
        parser.add_argument("--user", help="按该用户的辖区导出")
        parser.add_argument("--all", action="store_true", help="包括已注销的记录")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            ledger = get_ledger(options["ledger"])
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        path = Path(options["file"])
        suffix = suffix_of(path.name)
        if suffix not in (".xlsx", ".csv"):
            raise CommandError("输出文件的扩展名应为 .xlsx 或 .csv")
        params: dict[str, Any] = {}
        region = (options.get("region") or "").strip()
        if region:
            if not region.isdigit() or len(region) > 12:
                raise CommandError(f"区划代码应为不超过 12 位的数字，实际为“{region}”")
            params["region"] = _significant(region)
        if options["all"]:
            params["active"] = "all"
        if options.get("user"):
            from anjian.accounts.models import User

            actor = User.objects.filter(username=options["user"], is_active=True).first()
            if actor is None:
                raise CommandError(f"用户“{options['user']}”不存在或已停用")
        else:
            actor = system_actor()
        objects = ledger.export_objects(actor, params)
        if suffix == ".csv":
            with open(path, "w", encoding="utf-8", newline="") as out:
                count = export_csv(ledger, objects, out)
        else:
            count = export_xlsx(ledger, objects, path)
        audit.record(
            actor=actor,
            action=f"ledger.export.{ledger.name}",
            changes={"file": str(path), "rows": count, "filters": params},
        )
        self.stdout.write(f"已导出 {count} 行到 {path}")
