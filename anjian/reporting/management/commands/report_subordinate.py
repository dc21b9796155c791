"""``anjian report-subordinate add CODE --key BASE64 [--name NAME] [--url URL --token TOKEN] [--upper CODE]``,
``anjian report-subordinate list``, ``… disable CODE`` / ``… enable CODE``.

The register of the office whose region is ``--upper`` (default: this deployment's own, the top office's).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from anjian.reporting.models import Subordinate
from anjian.reporting.package import deployment_region
from anjian.reporting.services import (
    ReportError,
    SubordinateData,
    SubordinateError,
    subordinate_add,
    subordinate_update,
)
from anjian.stats.scope import ScopeError, region_prefix

ACTIONS = ("add", "list", "disable", "enable")


class Command(BaseCommand):
    help = "登记下级平台（区划代码、签名公钥，可选平台地址和 API 令牌），或列出、停用、启用下级。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", nargs="?", help="add 登记 / list 列出 / disable 停用 / enable 启用")
        parser.add_argument("code", nargs="?", help="下级的区划代码，如 430626")
        parser.add_argument("--key", help="下级的签名公钥（base64，下级以 anjian report-key 显示）")
        parser.add_argument("--name", default="", help="名称；默认区划名称")
        parser.add_argument("--url", default="", help="下级平台地址（自动拉取用）")
        parser.add_argument("--token", default="", help="下级平台的 API 令牌（自动拉取用，加密保存）")
        parser.add_argument("--upper", help="上级区划；默认本平台的县（市）")

    def handle(self, *args: Any, **opts: Any) -> None:
        action = opts.get("action") or ""
        if action not in ACTIONS:
            raise CommandError(f"操作无效：{action or '（未指定）'}（应为 add、list、disable 或 enable）")
        try:
            upper = region_prefix(opts["upper"] or deployment_region()).ljust(12, "0")
        except ScopeError as exc:
            raise CommandError(str(exc)) from exc
        if action == "list":
            for s in Subordinate.objects.filter(upper_region=upper).order_by("region_code"):
                pull = "自动拉取" if s.base_url and s.token else "文件上报"
                self.stdout.write(f"{s.code}\t{s.name}\t{s.key_id}\t{pull}\t{'启用' if s.is_active else '停用'}")
            return
        code = (opts.get("code") or "").strip()
        if not code:
            raise CommandError("缺少参数：下级的区划代码")
        try:
            if action == "add":
                sub = subordinate_add(actor=None, upper=upper, data=SubordinateData(
                    region_code=code, public_key=opts.get("key") or "", name=opts["name"], base_url=opts["url"],
                    token=opts["token"],
                ))
                self.stdout.write(f"已登记下级 {sub.name}（{sub.code}），公钥标识 {sub.key_id}")
                return
            found = Subordinate.objects.filter(upper_region=upper, region_code=region_prefix(code).ljust(12, "0"))
            existing = found.first()
            if existing is None:
                raise CommandError(f"没有登记区划为 {code} 的下级")
            subordinate_update(actor=None, sub=existing, data=SubordinateData(
                region_code=existing.code, public_key=existing.public_key, name=existing.name,
                base_url=existing.base_url, token=None, is_active=action == "enable",
            ))
            self.stdout.write(f"已{'启用' if action == 'enable' else '停用'}下级 {existing.name}（{existing.code}）")
        except SubordinateError as exc:
            raise CommandError(str(exc)) from exc
        except (ReportError, ScopeError) as exc:
            raise CommandError(str(exc)) from exc
