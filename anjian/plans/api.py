"""Draws API (read-only): 双随机抽查 with everything needed to re-run a draw outside anjian.

Readers are ``services.DRAW_READERS`` (others 403); scope as ``selectors`` (a draw outside the
reader's region is 404). The detail carries the seed, both pools, the exclusions (回避) and the
result, so anyone can recompute the draw with the recipe of docs/decisions.md ("双随机 draws"):

    rng = random.Random(int.from_bytes(hashlib.sha256(seed.encode("ascii")).digest(), "big"))
    for unit in rng.sample(unit_pool, unit_target):
        eligible = sorted(p for p in inspector_pool if p not in excluded.get(str(unit), []))
        inspectors = rng.sample(eligible, inspectors_per_unit)

and ``verified`` lists what ``services.draw_verify`` finds wrong with the stored draw (empty when sound).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from anjian.campaigns.api import MAX_PAGE_SIZE, ErrorOut, paginate
from anjian.plans import selectors, services
from anjian.plans.models import Draw

if TYPE_CHECKING:
    from anjian.accounts.models import User

router = Router(tags=["双随机抽查"])


class DrawResultRow(Schema):
    unit: int = Field(description="单位 id")
    inspectors: list[int] = Field(description="检查人员 id，按抽取顺序")


class DrawSummaryOut(Schema):
    id: int
    number: str = Field(description="编号：SJ + 县区划代码 + 年份 + 5 位序号")
    title: str
    org: int = Field(description="抽取单位（机构）id")
    org_name: str
    region_code: str
    created_at: dt.datetime
    unit_target: int = Field(description="抽取单位数")
    inspectors_per_unit: int = Field(description="每家检查人员数")
    unit_pool_size: int
    inspector_pool_size: int
    result_hash: str
    published_at: dt.datetime | None = Field(description="公开时间；未公开为 null")


class DrawOut(DrawSummaryOut):
    created_by_name: str
    note: str
    seed: str = Field(description="随机种子（64 位十六进制）")
    filters: dict[str, Any] = Field(
        description="抽取条件：township, sectors, risk_classes, key_supervision, not_in_annual_plan（年份或 null）"
    )
    unit_pool: list[int] = Field(description="单位名录库（单位 id，升序）")
    inspector_pool: list[int] = Field(description="检查人员名录库（人员 id，升序）")
    excluded: dict[str, list[int]] = Field(description="回避人员：{单位 id: [人员 id]}")
    result: list[DrawResultRow] = Field(description="抽取结果，按抽取顺序")
    verified: list[str] = Field(description="按保存的种子和名录库重新抽取、核对哈希发现的问题；为空表示验证通过")


class DrawPage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    items: list[DrawSummaryOut]


class DrawQuery(Schema):
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


def draw_summary_out(d: Draw) -> dict[str, Any]:
    return {
        "id": d.pk,
        "number": d.number,
        "title": d.title,
        "org": d.org_id,
        "org_name": d.org.name,
        "region_code": d.region_code,
        "created_at": d.created_at,
        "unit_target": d.unit_target,
        "inspectors_per_unit": d.inspectors_per_unit,
        "unit_pool_size": len(d.unit_pool),
        "inspector_pool_size": len(d.inspector_pool),
        "result_hash": d.result_hash,
        "published_at": d.published_at,
    }


def draw_out(d: Draw) -> dict[str, Any]:
    return {
        **draw_summary_out(d),
        "created_by_name": d.created_by.full_name or d.created_by.get_username(),
        "note": d.note,
        "seed": d.seed,
        "filters": d.filters,
        "unit_pool": d.unit_pool,
        "inspector_pool": d.inspector_pool,
        "excluded": d.excluded,
        "result": d.result,
        "verified": services.draw_verify(d),
    }


def _check_reader(user: User) -> None:
    if user.role not in services.DRAW_READERS:
        raise HttpError(403, f"{user.get_role_display()}无权查看双随机抽查")


@router.get(
    "",
    response={200: DrawPage, 403: ErrorOut},
    summary="双随机抽查列表",
    description="本人管辖范围内的抽查，新的在前；种子、名录库、结果和验证见详情。网格员、单位安全员、专家 403。",
)
def draws_list(request: HttpRequest, query: Query[DrawQuery]) -> dict[str, Any]:
    user: User = request.auth  # type: ignore[attr-defined]
    _check_reader(user)
    return paginate(selectors.draw_list(user), query.page, query.page_size, draw_summary_out)


@router.get(
    "/{draw_id}",
    response={200: DrawOut, 403: ErrorOut, 404: ErrorOut},
    summary="双随机抽查详情",
    description=(
        "随机种子、单位和检查人员名录库、回避人员、抽取结果和结果哈希：凭这些数据即可在 anjian 之外复算"
        "（方法见 docs/decisions.md“双随机 draws”）。`verified` 为验证发现的问题，为空表示验证通过。"
    ),
)
def draws_detail(request: HttpRequest, draw_id: int) -> dict[str, Any]:
    user: User = request.auth  # type: ignore[attr-defined]
    _check_reader(user)
    try:
        draw = selectors.draw_get(user, draw_id)
    except Http404 as exc:
        raise HttpError(404, "未找到该抽查") from exc
    return draw_out(draw)
