"""``anjian report-key``: this deployment's report-signing public key, to register at the level above."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from anjian.reporting import keys


class Command(BaseCommand):
    help = "显示本平台的上报签名公钥（base64）及其标识，供上级平台登记本级为下级时填写。"

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            public = keys.public_b64()
        except keys.ReportKeyError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(public)
        self.stderr.write(
            f"公钥标识 {keys.key_id(public)}；私钥保存在 $ANJIAN_VAR_DIR/report_key（或 ANJIAN_REPORT_KEY），请备份"
        )
