"""``anjian report --region CODE --from DATE --to DATE [--as-of DATE] [filters] --format docx|md -o FILE``.

The generated work-summary briefing (工作简报, ``anjian/stats/briefing.py``) as an editable .docx or as
Markdown; ``-o -`` writes the Markdown to standard output.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from anjian.core.dbrouter import statistics_reads
from anjian.stats.briefing import briefing_docx, briefing_markdown, build_briefing
from anjian.stats.cli import add_scope_arguments, scope_from_options
from anjian.stats.scope import ScopeError

FORMATS = ("docx", "md")


class Command(BaseCommand):
    help = "工作简报（统计部分）：某区划、某时段（可限专项行动）的统计数据写成简报，输出 .docx 或 Markdown。"

    def add_arguments(self, parser: CommandParser) -> None:
        add_scope_arguments(parser)
        # Checked in handle() rather than with argparse's `choices`, whose refusal is in English.
        parser.add_argument("--format", dest="fmt", help="输出格式：docx 或 md；必填")
        parser.add_argument("-o", "--output", dest="output", help="输出文件；md 格式可用 - 表示标准输出；必填")

    @statistics_reads()  # on the replica when there is one (core/dbrouter.py)
    def handle(self, *args: Any, **opts: Any) -> None:
        fmt, output = (opts.get("fmt") or "").strip().lower(), opts.get("output")
        if fmt not in FORMATS:
            raise CommandError(f"输出格式无效：{opts.get('fmt') or '（未指定）'}（应为 docx 或 md）")
        if not output:
            raise CommandError("缺少参数：-o（输出文件）")
        if output == "-" and fmt == "docx":
            raise CommandError("docx 格式不能写到标准输出，请用 -o 指定文件")
        scope = scope_from_options(opts)
        try:
            briefing = build_briefing(scope)
        except ScopeError as exc:
            raise CommandError(str(exc)) from exc
        if output == "-":
            self.stdout.write(briefing_markdown(briefing), ending="")
            return
        data = briefing_docx(briefing) if fmt == "docx" else briefing_markdown(briefing).encode("utf-8")
        try:
            Path(output).write_bytes(data)
        except OSError as exc:
            raise CommandError(f"无法写入文件 {output}：{exc.strerror or exc}") from exc
        self.stdout.write(f"已写入 {output}（{briefing.title}，{len(briefing.sections)} 节）")
