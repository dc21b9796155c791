"""Divisions API: the statistical-code tree, public reference data for any signed-in user."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from anjian.regions import selectors
from anjian.regions.models import Division, Level

router = Router(tags=["行政区划"])


class DivisionOut(Schema):
    code: str
    name: str
    level: int
    level_display: str
    parent: str | None
    prefix: str
    children: int | None = None


class DivisionPathItem(Schema):
    code: str
    name: str
    level: int


class DivisionDetailOut(DivisionOut):
    path: list[DivisionPathItem]


def _out(division: Division, children: int | None = None) -> dict[str, Any]:
    return {
        "code": division.code,
        "name": division.name,
        "level": division.level,
        "level_display": Level(division.level).label,
        "parent": division.parent_id,
        "prefix": division.prefix,
        "children": children,
    }


@router.get(
    "",
    response=list[DivisionOut],
    summary="下级行政区划",
    description=("`parent` 为上级区划代码（可只写有效位，如 430626）；省略时列出各省。`children` 为各项的下级数量。"),
)
def division_list(request: HttpRequest, parent: str | None = None) -> list[dict[str, Any]]:
    try:
        divisions = list(selectors.division_children(parent))
    except Http404 as exc:
        raise HttpError(404, "未找到该行政区划") from exc
    counts = selectors.child_counts([d.code for d in divisions])
    return [_out(d, counts.get(d.code, 0)) for d in divisions]


@router.get("/{code}", response=DivisionDetailOut, summary="行政区划详情", description="含自省级起的上级路径。")
def division_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    try:
        division = selectors.division_get(code)
    except Http404 as exc:
        raise HttpError(404, "未找到该行政区划") from exc
    counts = selectors.child_counts([division.code])
    out = _out(division, counts.get(division.code, 0))
    path = selectors.division_path(division)
    out["path"] = [{"code": d.code, "name": d.name, "level": d.level} for d in path]
    return out
