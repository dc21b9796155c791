"""``anjian token create USERNAME [--name N]`` and ``anjian token revoke PREFIX``.

``create`` prints the token alone on stdout so that a script can capture it
(``TOKEN=$(anjian token create alice)``); everything else goes to stderr.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from anjian.accounts.tokens import TokenError, token_by_prefix, token_create, token_revoke


class Command(BaseCommand):
    help = "创建或撤销用户的 API 令牌"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{create,revoke}")
        create = sub.add_parser("create", help="为用户创建令牌，只在标准输出打印令牌本身")
        create.add_argument("username", help="用户名")
        create.add_argument("--name", default="命令行创建", help="令牌名称（用途）")
        revoke = sub.add_parser("revoke", help="按前缀撤销令牌（前缀见“我的 API 令牌”页面）")
        revoke.add_argument("prefix", help="令牌前 8 个字符，如 aj_AbCdE")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "create":
                self._create(options["username"], options["name"])
            else:
                self._revoke(options["prefix"])
        except TokenError as exc:
            raise CommandError(str(exc)) from exc

    def _create(self, username: str, name: str) -> None:
        user_model = get_user_model()
        try:
            user = user_model.objects.get(username=username)
        except user_model.DoesNotExist as exc:
            raise CommandError(f"用户 {username} 不存在") from exc
        token, raw = token_create(actor=None, user=user, name=name)  # type: ignore[arg-type]
        self.stdout.write(raw)
        self.stderr.write(f"已为 {username} 创建令牌 {token.prefix}…（只显示这一次，请妥善保存）")

    def _revoke(self, prefix: str) -> None:
        token = token_by_prefix(prefix)
        token_revoke(actor=None, token=token)
        self.stderr.write(f"已撤销 {token.user.get_username()} 的令牌 {token.prefix}…")
