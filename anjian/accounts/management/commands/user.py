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
anything is wrong; nothing is created then.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from anjian.accounts.services import AccountError, describe, user_create


class Command(BaseCommand):
    help = "账号管理：anjian user create USERNAME --role ROLE --org ORG [--password P] [--grid G] [--name 姓名]"

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="create")
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

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "create":
            self.create(options)

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
