"""``anjian import-boundaries FILE [--within CODE] [--replace] [--source TEXT]``.

FILE is a GeoJSON FeatureCollection (UTF-8 or GB18030, optionally gzip-compressed) of division
outlines — Polygon or MultiPolygon in lng/lat (CGCS2000 / WGS-84) — for the hazard risk map
(docs/guide/map.md). Each feature is matched to a division:

- by a code property: ``code``, ``adcode``, ``gb`` (``156`` + the code, as 天地图 writes it),
  ``统计用区划代码``, ``区划代码`` … with 2–12 significant digits or padded to 12;
- failing that, by its exact ``name`` — under ``--within CODE`` when given (a township's name is
  unique within its county, not across the country).

All-or-nothing: a feature that matches no division or several, has no usable geometry, or whose
division has a boundary already (without ``--replace``) rejects the whole file, with every reason.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from anjian.regions.services import BoundaryImportError, boundaries_import

MAX_SHOWN_ERRORS = 100


class Command(BaseCommand):
    help = "导入区划边界（GeoJSON），供隐患风险分布图绘制乡镇（街道）或县界"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="GeoJSON 文件：Polygon/MultiPolygon，经纬度坐标")
        parser.add_argument("--within", metavar="CODE", help="按名称匹配时只在该区划内查找，如 430626")
        parser.add_argument("--replace", action="store_true", help="覆盖已有的边界")
        parser.add_argument("--source", metavar="TEXT", default="", help="来源说明（默认为文件名），如审图号")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        try:
            result = boundaries_import(
                path=options["file"], replace=options["replace"], within=options["within"], source=options["source"]
            )
        except BoundaryImportError as exc:
            shown = exc.errors[:MAX_SHOWN_ERRORS]
            more = len(exc.errors) - len(shown)
            lines = [f"边界文件有 {len(exc.errors)} 处问题，未导入任何边界：", *shown]
            if more:
                lines.append(f"……另有 {more} 处问题未列出")
            raise CommandError("\n".join(lines)) from exc
        names = "、".join(name for _, name in [*result.created, *result.replaced][:20])
        elapsed = time.monotonic() - started
        self.stdout.write(f"{options['file']}：导入完成，{result.summary()}（{names}）。用时 {elapsed:.1f} 秒。")
