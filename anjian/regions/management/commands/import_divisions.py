"""``anjian import-divisions [FILE] [--builtin] [--within CODE] [--dry-run]``.

FILE is a CSV of division codes and names, one division a line:

    code,name
    43,湖南省
    4306,岳阳市
    430626,平江县
    430626101,安定镇
    430626101201,小田村

- Codes are NBS statistical codes (统计用区划代码) with their significant digits — 2 province,
  4 city, 6 county, 9 township, 12 village — or every code padded to 12 digits as NBS prints them.
- The header line is optional; with ``code``/``区划代码`` and ``name``/``名称`` headers the columns
  may be anywhere, otherwise the first two columns are used (extra columns are ignored).
- UTF-8 (with or without BOM) or GB18030/GBK, optionally gzip-compressed.
- A division's parent must be in the file or already imported.

Existing divisions are renamed when the name changed; none is deleted. The import is
all-or-nothing: one bad row and nothing is written, with every reason as ``第N行 列名: 原因``.
With no FILE (or ``--builtin``) the list shipped with anjian is loaded.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from anjian.regions.services import (
    DivisionImportError,
    builtin_rows,
    divisions_import,
    filter_within,
    read_file,
)

MAX_SHOWN_ERRORS = 100


class Command(BaseCommand):
    help = "导入统计用区划代码（code,name 的 CSV）；不给文件时载入内置区划数据"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="区划 CSV 文件：code,name，UTF-8 或 GB18030")
        parser.add_argument("--builtin", action="store_true", help="载入随软件提供的区划数据（全国至乡镇级）")
        parser.add_argument("--within", metavar="CODE", help="只载入该区划及其上下级，如 430626")
        parser.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        if path and options["builtin"]:
            raise CommandError("请只选一种来源：文件或 --builtin")
        started = time.monotonic()
        try:
            if path:
                rows = list(filter_within(read_file(path), options["within"]))
                source = path
            else:
                rows = list(builtin_rows(options["within"]))
                source = "内置区划数据"
            result = divisions_import(rows, dry_run=options["dry_run"])
        except DivisionImportError as exc:
            shown = exc.errors[:MAX_SHOWN_ERRORS]
            more = len(exc.errors) - len(shown)
            lines = [f"区划数据有 {len(exc.errors)} 处错误，未导入任何数据：", *shown]
            if more:
                lines.append(f"……另有 {more} 处错误未列出")
            raise CommandError("\n".join(lines)) from exc
        verb = "检查完成（未写入）" if options["dry_run"] else "导入完成"
        elapsed = time.monotonic() - started
        self.stdout.write(f"{source}：{verb}，共 {len(rows)} 行；{result.summary()}。用时 {elapsed:.1f} 秒。")
