"""``anjian report-import FILE… [--upper CODE]``: accept subordinates' packages from files.

Each file is checked and stored on its own (all or nothing per file); one line per file. The exit
status is non-zero when any file was refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from anjian.reporting.models import Channel
from anjian.reporting.package import PackageError
from anjian.reporting.services import ReportError, submission_import
from anjian.stats.scope import ScopeError, region_prefix


class Command(BaseCommand):
    help = "导入下级的上报数据包（校验签名后保存；重复的不再登记）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="*", help="数据包文件（.json）")
        parser.add_argument("--upper", help="接收的上级区划（本平台有多个上级登记同一下级时指明）")

    def handle(self, *args: Any, **opts: Any) -> None:
        files = opts.get("files") or []
        if not files:
            raise CommandError("请给出要导入的数据包文件")
        upper = None
        if opts.get("upper"):
            try:
                upper = region_prefix(opts["upper"]).ljust(12, "0")
            except ScopeError as exc:
                raise CommandError(str(exc)) from exc
        failed = 0
        for name in files:
            try:
                raw = Path(name).read_bytes()
                done = submission_import(raw=raw, channel=Channel.CLI, upper=upper)
            except OSError as exc:
                failed += 1
                self.stdout.write(f"{name}：失败，无法读取文件（{exc.strerror or exc}）")
            except (PackageError, ReportError) as exc:
                failed += 1
                self.stdout.write(f"{name}：失败，{exc}")
            else:
                self.stdout.write(f"{name}：{done.message}")
        if failed:
            raise CommandError(f"{failed} 个文件未能导入（共 {len(files)} 个）")
