"""``anjian user create USERNAME --role ROLE --org ORG [--password P] [--grid G] [--name 姓名]``.

ROLE is one of county_admin, department, township, grid_worker, unit_staff, expert,
leader, auditor, sysadmin (or its Chinese name). ORG names where the account belongs:

- a division code: ``430626`` the county office, ``430626101`` the 安定镇 office;
- a department name: ``应急管理局`` (unique in the deployment), ``应急管理局@430626`` or
  ``平江县应急管理局`` (when several counties share a deployment);
- a unit's 统一社会信用代码 (for unit_staff).

A grid worker belongs to a township (``--org 430626101``) and needs ``--grid 安定镇第1网格``.
A system administrator without ``--org`` administers the whole deployment. Without
``--password`` a strong password is generated and printed once (a password typed on the
command line stays in the shell history). Exit status 1 with the reason in Chinese when
anything is wrong; nothing is created then. The new account must change its password at the first
sign-in (等保 2.0, anjian.accounts.policy).

Also (GB/T 22239-2019 8.1.4.1–8.1.4.2, each audited with the operating-system account):

- ``anjian user reset-password USERNAME``: a new password, printed once, to be changed at sign-in;
- ``anjian user disable USERNAME --reason 原因`` / ``anjian user enable USERNAME --reason 原因``;
- ``anjian user reset-2fa USERNAME``: remove a lost phone's authenticator (动态口令);
- ``anjian user disable-dormant``: disable the accounts nobody signed in with for
  ``ANJIAN_DORMANT_DAYS`` (90) days — the daily job does the same at 06:50.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from anjian.accounts.services import (
    AccountError,
    describe,
    dormant_days,
    dormant_disable,
    password_reset,
    user_create,
    user_set_active,
)
from anjian.accounts.twofactor import TwoFactorError, totp_reset


class Command(BaseCommand):
    help = "账号管理：anjian user create USERNAME --role ROLE --org ORG [--password P] [--grid G] [--name 姓名]"

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(
            dest="action", required=True, metavar="create|reset-password|reset-2fa|disable|enable|disable-dormant"
        )
        create = actions.add_parser("create", help="创建账号")
        create.add_argument("username", help="登录用户名")
        # Checked by the service rather than argparse `choices`, so that the error is in Chinese.
        create.add_argument(
            "--role",
            required=True,
            help="角色：county_admin、department、township、grid_worker、unit_staff、expert、leader、auditor、sysadmin",
        )
        create.add_argument("--org", default="", help="所属机构：区划代码、部门名称或单位的统一社会信用代码")
        create.add_argument("--password", help="初始密码（省略则生成随机强密码并显示一次）")
        create.add_argument("--grid", default="", help="网格名称（网格员必填）")
        create.add_argument("--name", default="", help="姓名")
        create.add_argument("--phone", default="", help="手机号")
        reset = actions.add_parser("reset-password", help="重置密码（生成新密码，登录后须修改）")
        reset.add_argument("username")
        reset_2fa = actions.add_parser("reset-2fa", help="重置动态口令（手机丢失时）")
        reset_2fa.add_argument("username")
        for name, text in (("disable", "停用账号"), ("enable", "启用账号")):
            sub = actions.add_parser(name, help=text)
            sub.add_argument("username")
            sub.add_argument("--reason", default="", help="原因（必填，记入审计日志）")
        actions.add_parser("disable-dormant", help="停用长期未登录的账号（ANJIAN_DORMANT_DAYS 天，默认 90）")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "create":
                self.create(options)
            elif action == "reset-password":
                password = password_reset(actor=None, username=options["username"])
                self.stdout.write(f"已重置 {options['username']} 的密码：{password}")
                self.stdout.write("（只显示这一次，请转交本人；登录后须立即修改）")
            elif action == "reset-2fa":
                user = totp_reset(actor=None, username=options["username"])
                self.stdout.write(f"已重置 {user.username} 的动态口令；下次用密码登录后可重新启用")
            elif action in ("disable", "enable"):
                user = user_set_active(actor=None, username=options["username"], active=action == "enable",
                                       reason=options["reason"])
                self.stdout.write(f"已{'启用' if user.is_active else '停用'}账号 {user.username}（{describe(user)}）")
            elif action == "disable-dormant":
                users = dormant_disable()
                names = "、".join(u.username for u in users)
                listed = f"：{names}" if names else ""
                self.stdout.write(f"停用了 {len(users)} 个连续 {dormant_days()} 天未登录的账号{listed}")
        except (AccountError, TwoFactorError) as exc:
            raise CommandError(str(exc)) from exc

    def create(self, options: dict[str, Any]) -> None:
        try:
            created = user_create(
                actor=None,
                username=options["username"],
                role=options["role"],
                org_ref=options["org"],
                password=options["password"],
                full_name=options["name"],
                grid=options["grid"],
                phone=options["phone"],
            )
        except AccountError as exc:
            raise CommandError(f"未创建账号：{exc}") from exc
        user = created.user
        self.stdout.write(f"已创建账号 {user.username}（{describe(user)}）")
        if created.password:
            self.stdout.write(f"初始密码：{created.password}")
            self.stdout.write("（只显示这一次，请转交本人并在首次登录后修改）")
