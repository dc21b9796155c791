"""Reporting API: ``GET /api/v1/reporting/package`` (the lower side: this deployment's signed package, what
``anjian report-pull`` fetches) and ``GET /api/v1/reporting/summary`` (the upper side: the summary page's
figures).

The package is that of the caller's own region (a county office's token: the county), for the county
admin, leaders and auditors (``services.PACKAGE_MAKERS``); the summary for the upper office's readers
(``services.READERS``). Other roles get 403; errors in Chinese.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from anjian.core import audit
from anjian.core.dbrouter import statistics_reads
from anjian.reporting import selectors, services
from anjian.reporting.package import build_package
from anjian.stats.progress import DEFAULT_INDICATORS
from anjian.stats.scope import ScopeError, region_prefix

if TYPE_CHECKING:
    from anjian.accounts.models import User

router = Router(tags=["分级上报"])


class PackageQuery(Schema):
    from_: dt.date = Field(..., alias="from", description="起始日期 YYYY-MM-DD")
    to: dt.date = Field(..., description="截止日期 YYYY-MM-DD")
    as_of: dt.date | None = Field(None, description="整改、逾期的判定日期；默认 to（或今天）")


class SummaryQuery(Schema):
    from_: dt.date = Field(..., alias="from", description="起始日期 YYYY-MM-DD（与下级数据包的起止日期完全一致）")
    to: dt.date = Field(..., description="截止日期 YYYY-MM-DD")


def _allowed(user: User, roles: frozenset[Any], what: str) -> None:
    if user.role not in roles or user.org_id is None:
        raise HttpError(403, f"{user.get_role_display()}无权{what}")


@router.get(
    "/package",
    summary="本级上报数据包（已签名）",
    description=(
        "本人所属区划在该期间的全部统计指标（indicators.md 的 indicators 对象）及按乡镇（市：按县）的分项，"
        "以本平台的 Ed25519 私钥签名，格式 anjian-report/1。上级平台以 `anjian report-pull` 取用。"
        "县级管理员、领导、审计员可用；其他角色 403。"
    ),
)
def package(request: HttpRequest, query: Query[PackageQuery]) -> dict[str, Any]:
    user: User = request.auth  # type: ignore[attr-defined]
    _allowed(user, services.PACKAGE_MAKERS, "生成上报数据")
    region = region_prefix(services.upper_region(user) or "")
    try:
        with statistics_reads():  # on the replica when there is one (core/dbrouter.py)
            out = build_package(region=region, date_from=query.from_, date_to=query.to, as_of=query.as_of)
    except ScopeError as exc:
        raise HttpError(422, str(exc)) from exc
    audit.record(actor=user, action="reporting.package",
                 changes={"region": region, "from": out["from"], "to": out["to"], "as_of": out["as_of"]})
    return out


@router.get(
    "/summary",
    summary="下级上报汇总",
    description=(
        "各下级在该期间（起止日期完全一致）的现行上报数据，未上报的为 null；合计为已上报下级之和，"
        "率由合计的分子、分母重新计算（不是各下级率的平均），分母为 0 时为 null。"
    ),
)
def summary(request: HttpRequest, query: Query[SummaryQuery]) -> dict[str, Any]:
    user: User = request.auth  # type: ignore[attr-defined]
    _allowed(user, services.READERS, "查看下级上报数据")
    if query.from_ > query.to:
        raise HttpError(422, "起止日期有误：起始日期晚于截止日期")
    s = selectors.summary(user, query.from_, query.to)
    return {
        "from": s.date_from.isoformat(),
        "to": s.date_to.isoformat(),
        "main_indicators": list(DEFAULT_INDICATORS),
        "reported": s.reported,
        "missing": s.missing,
        "rows": [
            {
                "region": r.subordinate.code,
                "name": r.subordinate.name,
                "reported": r.submission is not None,
                "submission_id": r.submission.pk if r.submission else None,
                "as_of": r.submission.as_of.isoformat() if r.submission else None,
                "received_at": r.submission.received_at.isoformat() if r.submission else None,
                "indicators": r.values,
            }
            for r in s.rows
        ],
        "total": s.total,
    }
