"""``GET /api/v1/stats`` (and ``/ranking``): the catalogue for a region and period, in the JSON form of indicators.md.

Office roles only (403 otherwise); the region must lie within the caller's jurisdiction — a
region outside it is a 404, like any record out of scope. The default region is the caller's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from anjian.accounts.roles import Role
from anjian.core.dbrouter import statistics_reads
from anjian.core.scope import region_prefix
from anjian.stats import indicators as ind
from anjian.stats.compute import as_json, jsonable
from anjian.stats.ranking import ranking
from anjian.stats.scope import Scope, ScopeError, build_scope
from anjian.stats.scope import region_prefix as code_prefix

router = Router(tags=["统计"])

STATS_READERS = frozenset(
    {Role.COUNTY_ADMIN, Role.DEPARTMENT, Role.TOWNSHIP, Role.LEADER, Role.AUDITOR, Role.SYSADMIN}
)


class StatsQuery(Schema):
    region: str | None = Field(None, description="区划代码；默认为本人所属区划")
    from_: dt.date = Field(..., alias="from", description="起始日期 YYYY-MM-DD")
    to: dt.date = Field(..., description="截止日期 YYYY-MM-DD")
    as_of: dt.date | None = Field(None, description="整改、逾期的判定日期；默认 to（或今天）")
    campaign: str | None = Field(None, description="专项行动名称或编号（含子行动）")
    sector: str | None = Field(None, description="行业领域代码或名称")
    department: str | None = Field(None, description="监管部门名称或编号")
    inspection_kind: str | None = Field(None, description="检查类型代码或名称")
    unit: int | None = None


class RankingQuery(StatsQuery):
    indicator: str = Field(..., description="排名依据的指标代码（如 rectification_rate、hazards_overdue）")
    by: Literal["township", "department"] = Field("township", description="按乡镇（街道）或监管部门排名")
    descending: bool = Field(True, description="从高到低（默认）；false 为从低到高")


def scope_for(user: Any, params: dict[str, Any]) -> Scope:
    """The scope asked for by ``user``; HttpError 403 for a role without statistics, Http404 out of scope."""
    if user.role not in STATS_READERS:
        raise HttpError(403, "无权查看统计数据")
    own = region_prefix(user)
    region = params.get("region") or (user.org.region_code if own is not None else None)
    if not region:
        raise HttpError(422, "请指定区划代码 region")
    try:
        wanted = code_prefix(region)
    except ScopeError as exc:
        raise HttpError(422, str(exc)) from exc
    if own is not None and not wanted.startswith(own):
        raise Http404("未找到该区划")
    try:
        scope = build_scope(
            region=region, date_from=params["from"], date_to=params["to"], as_of=params.get("as_of"),
            campaign=params.get("campaign"), sector=params.get("sector"), department=params.get("department"),
            inspection_kind=params.get("inspection_kind"), unit=params.get("unit"),
        )
    except ScopeError as exc:
        raise HttpError(422, str(exc)) from exc
    return scope


def stats_for(user: Any, params: dict[str, Any]) -> dict[str, Any]:
    """The JSON form for ``user`` (access as :func:`scope_for`)."""
    return as_json(scope_for(user, params))


def ranking_for(user: Any, params: dict[str, Any]) -> dict[str, Any]:
    """Townships or departments ranked by one indicator, for ``user`` (access as :func:`scope_for`)."""
    scope = scope_for(user, params)
    code = params["indicator"]
    if code not in ind.BY_CODE:
        raise HttpError(422, f"指标代码无效：{code}")
    i = ind.BY_CODE[code]
    rows = ranking(scope, params["by"], code, descending=params["descending"])
    return {
        "scope": scope.as_json(),
        "by": params["by"],
        "indicator": {"code": i.code, "name": i.name, "unit": i.unit},
        "descending": params["descending"],
        "rows": [{"rank": r.rank, "key": r.key, "name": r.name, "value": jsonable({"v": r.value})["v"]}
                 for r in rows],
    }


@router.get("", summary="统计指标（全部指标及同比）")
def stats(request: HttpRequest, query: Query[StatsQuery]) -> dict[str, Any]:
    params = query.dict(by_alias=True)
    with statistics_reads():  # on the replica when there is one (core/dbrouter.py)
        return stats_for(request.user, params)


@router.get("/ranking", summary="通报排名（按乡镇或监管部门）")
def stats_ranking(request: HttpRequest, query: Query[RankingQuery]) -> dict[str, Any]:
    params = query.dict(by_alias=True)
    with statistics_reads():
        return ranking_for(request.user, params)
