"""``anjian report-pull`` against a real HTTP server: the live server serves this deployment's package API,
and the deployment reports to itself (平江县 registered at 岳阳市 with this deployment's public key, the
live server's address and a real API token). A subordinate whose address refuses connections is reported
as failed, the others still succeed, and the command's exit status is non-zero."""

from __future__ import annotations

import datetime as dt
import io
import socket
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command

from anjian.accounts.tokens import token_create
from anjian.reporting.models import Submission, Subordinate
from anjian.reporting.services import SubordinateData, subordinate_add
from anjian.stats.compute import compute, jsonable
from anjian.stats.scope import build_scope
from tests.stats import factories as f

from .conftest import CITY, public_b64

pytestmark = pytest.mark.django_db(transaction=True)

BEIJING = dt.timezone(dt.timedelta(hours=8))


def closed_port() -> int:
    """A local port nothing listens on (bound, then released): connecting to it is refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_report_pull_fetches_over_http_and_reports_each_subordinate(
    live_server: Any, e2e_county: Any, city: Any, deployment_key: Ed25519PrivateKey, time_machine: Any
) -> None:
    county = e2e_county
    time_machine.move_to(dt.datetime(2026, 4, 1, 9, 0, tzinfo=BEIJING))
    f.hazard(county.units["chem_a"], "2026-03-05", "2026-03-20")
    f.hazard(county.units["build_b"], "2026-03-10", "2026-04-30", status="closed", closed_on="2026-03-28")
    _, token = token_create(actor=None, user=county.users["leader"], name="岳阳市拉取")
    subordinate_add(actor=None, upper=CITY, data=SubordinateData(
        region_code="430626", public_key=public_b64(deployment_key), base_url=live_server.url, token=token))
    subordinate_add(actor=None, upper=CITY, data=SubordinateData(
        region_code="430621", name="岳阳县", public_key=public_b64(Ed25519PrivateKey.generate()),
        base_url=f"http://127.0.0.1:{closed_port()}", token="aj_whatever"))
    subordinate_add(actor=None, upper=CITY, data=SubordinateData(
        region_code="430681", name="汨罗市", public_key=public_b64(Ed25519PrivateKey.generate())))

    out = io.StringIO()
    with pytest.raises(CommandError, match="1 个下级拉取失败（共 3 个）"):
        call_command("report_pull", "--from", "2026-03-01", "--to", "2026-03-31", "--as-of", "2026-03-31",
                     "--timeout", "10", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("岳阳县（430621）：失败，连接被拒绝")
    assert lines[1].startswith("平江县（430626）：成功，已接收 平江县 2026-03-01 至 2026-03-31")
    assert lines[2].startswith("汨罗市（430681）：跳过")

    s = Submission.objects.get()
    assert (s.subordinate.code, s.channel, s.received_by) == ("430626", "pull", None)
    # By hand: 2 hazards found in March, 1 closed on 28 March, the other overdue since 20 March.
    assert (s.indicators["hazards_found"], s.indicators["hazards_rectified"], s.indicators["hazards_overdue"]) == (
        2, 1, 1)
    scope = build_scope(region="430626", date_from="2026-03-01", date_to="2026-03-31", as_of="2026-03-31")
    assert s.indicators == jsonable(compute(scope))

    # Pulled again the next day: a new package (generated later), which supersedes the first.
    time_machine.move_to(dt.datetime(2026, 4, 2, 9, 0, tzinfo=BEIJING))
    with pytest.raises(CommandError):
        call_command("report_pull", "--from", "2026-03-01", "--to", "2026-03-31", "--as-of", "2026-03-31",
                     "--timeout", "10", stdout=io.StringIO())
    assert Submission.objects.count() == 2
    assert Submission.objects.get(superseded_by__isnull=True).generated_at.day == 2


def test_a_revoked_token_is_reported_as_failed(live_server: Any, e2e_county: Any, city: Any,
                                               deployment_key: Ed25519PrivateKey) -> None:
    from anjian.accounts.tokens import token_revoke

    row, token = token_create(actor=None, user=e2e_county.users["leader"], name="岳阳市拉取")
    token_revoke(actor=None, token=row)
    subordinate_add(actor=None, upper=CITY, data=SubordinateData(
        region_code="430626", public_key=public_b64(deployment_key), base_url=live_server.url, token=token))
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("report_pull", "--from", "2026-03-01", "--to", "2026-03-31", stdout=out)
    assert "失败，对方返回 HTTP 401" in out.getvalue()
    assert not Submission.objects.exists() and Subordinate.objects.count() == 1
