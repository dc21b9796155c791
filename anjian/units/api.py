"""Units API: the registry of 生产经营单位, scoped exactly like the UI.

Thin by design (ARCHITECTURE.md): reads go through ``anjian.units.selectors`` (scope first),
writes through ``anjian.units.services`` (validation, audit). Errors are Chinese:
401 not signed in, 403 role not allowed, 404 not found or out of scope, 422 invalid data
with reasons by field.
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from anjian.accounts.models import Organization
from anjian.accounts.roles import UNIT_EDITORS, can
from anjian.regions.models import Division, Grid, pad
from anjian.units.filters import filters_from_params
from anjian.units.models import Sector, Unit
from anjian.units.selectors import unit_get, unit_list
from anjian.units.services import PermissionDenied, UnitData, UnitError, unit_create, unit_update

router = Router(tags=["生产经营单位"])

MAX_PAGE_SIZE = 200


# --- Schemas ----------------------------------------------------------------------------


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] | None = None


class UnitOut(Schema):
    id: int
    name: str
    credit_code: str
    region_code: str
    region_name: str | None = Field(None, description="所属区划名称（乡镇/村）")
    sector: str = Field(description="行业领域代码")
    sector_name: str
    key_supervision: bool
    risk_class: str = Field(description="分级分类 A–D，空为未分级")
    status: str = Field(description="normal 正常 / suspended 停产整顿 / closed 关闭")
    status_display: str
    grid: int | None
    grid_name: str | None
    address: str
    lng: float | None
    lat: float | None
    industry_code: str
    department: int | None = Field(description="监管部门（机构 id）")
    department_name: str | None
    above_scale: bool
    principal: str
    phone: str
    is_active: bool
    deactivated_reason: str
    updated_at: str


class UnitPage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    items: list[UnitOut]


class UnitQuery(Schema):
    """The filters of the unit list page (anjian.units.filters), plus paging."""

    q: str | None = Field(None, description="名称、拼音首字母、统一社会信用代码或地址")
    township: str | None = Field(None, description="乡镇区划代码（9 位）")
    grid: str | None = Field(None, description="网格 id")
    sector: str | None = Field(None, description="行业领域代码")
    key: str | None = Field(None, description="重点监管：1 是，0 否")
    risk_class: str | None = Field(None, description="分级分类 A–D")
    status: str | None = Field(None, description="normal / suspended / closed")
    active: str | None = Field(None, description="1 在册（默认），0 已注销，all 全部")
    region: str | None = Field(None, description="区划代码前缀")
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


class UnitIn(Schema):
    name: str = Field(description="单位名称")
    region_code: str = Field(description="所属区划代码（乡镇 9 位或村 12 位，可补零到 12 位）")
    sector: str = Field(description="行业领域代码，如 hazardous_chemicals")
    credit_code: str = Field("", description="统一社会信用代码（GB 32100-2015）")
    grid: int | None = Field(None, description="网格 id")
    address: str = ""
    lng: Decimal | None = Field(None, description="经度（WGS-84）")
    lat: Decimal | None = Field(None, description="纬度（WGS-84）")
    industry_code: str = Field("", description="国民经济行业代码（GB/T 4754）")
    department: int | None = Field(None, description="监管部门（机构 id）；空则按行业领域自动确定")
    key_supervision: bool = False
    risk_class: str = Field("", description="A、B、C、D 或空")
    above_scale: bool = False
    principal: str = ""
    phone: str = ""
    status: str = Field("normal", description="normal / suspended / closed")


class UnitPatch(Schema):
    """Only the fields sent are changed; ``null`` clears grid, department, lng and lat."""

    name: str | None = None
    region_code: str | None = None
    sector: str | None = None
    credit_code: str | None = None
    grid: int | None = None
    address: str | None = None
    lng: Decimal | None = None
    lat: Decimal | None = None
    industry_code: str | None = None
    department: int | None = None
    key_supervision: bool | None = None
    risk_class: str | None = None
    above_scale: bool | None = None
    principal: str | None = None
    phone: str | None = None
    status: str | None = None


# --- Conversions ------------------------------------------------------------------------


def _float(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def unit_out(unit: Unit, region_names: dict[str, str] | None = None) -> dict[str, Any]:
    names = region_names if region_names is not None else _region_names([unit.region_code])
    return {
        "id": unit.pk,
        "name": unit.name,
        "credit_code": unit.credit_code,
        "region_code": unit.region_code,
        "region_name": names.get(unit.region_code),
        "sector": unit.sector.code,
        "sector_name": unit.sector.name,
        "key_supervision": unit.key_supervision,
        "risk_class": unit.risk_class,
        "status": unit.status,
        "status_display": unit.get_status_display(),
        "grid": unit.grid_id,
        "grid_name": unit.grid.name if unit.grid is not None else None,
        "address": unit.address,
        "lng": _float(unit.lng),
        "lat": _float(unit.lat),
        "industry_code": unit.industry_code,
        "department": unit.department_id,
        "department_name": unit.department.name if unit.department is not None else None,
        "above_scale": unit.above_scale,
        "principal": unit.principal,
        "phone": unit.phone,
        "is_active": unit.is_active,
        "deactivated_reason": unit.deactivated_reason,
        "updated_at": unit.updated_at.isoformat(),
    }


def _region_names(codes: list[str]) -> dict[str, str]:
    # One query for a whole page instead of one per unit.
    return dict(Division.objects.filter(code__in=set(codes)).values_list("code", "name"))


def _region(code: str) -> str:
    code = (code or "").strip()
    # Accept the significant digits ('430626101') as the UI and the CLI do.
    return pad(code) if code.isdigit() and len(code) in (9, 12) else code


def _coordinate(value: Decimal | None) -> Decimal | None:
    if value is None:
        return None
    # The column keeps 6 places (about 0.1 m); more would be rejected by the database.
    try:
        return value.quantize(Decimal("0.000001"))
    except InvalidOperation:
        return value


def _unit_data(values: dict[str, Any]) -> UnitData:
    """Raw API values → UnitData, resolving codes and ids; unknown references are a 422."""
    errors: dict[str, list[str]] = {}
    sector = Sector.objects.filter(code=values.get("sector") or "").first()
    if sector is None:
        errors["sector"] = [f"行业领域代码“{values.get('sector') or ''}”不存在"]
    grid = None
    if values.get("grid") is not None:
        grid = Grid.objects.filter(pk=values["grid"]).first()
        if grid is None:
            errors["grid"] = [f"网格 {values['grid']} 不存在"]
    department = None
    if values.get("department") is not None:
        department = Organization.objects.filter(pk=values["department"]).first()
        if department is None:
            errors["department"] = [f"机构 {values['department']} 不存在"]
    for name in ("key_supervision", "above_scale"):
        if values.get(name) is None:
            errors.setdefault(name, []).append("应为 true 或 false")
    for name in ("lng", "lat"):
        value = values.get(name)
        if value is not None and not math.isfinite(value):
            errors.setdefault(name, []).append("应为数字")
    if errors:
        raise UnitError(errors)
    assert sector is not None
    return UnitData(
        name=values.get("name") or "",
        region_code=_region(values.get("region_code") or ""),
        sector=sector,
        credit_code=values.get("credit_code") or "",
        grid=grid,
        address=values.get("address") or "",
        lng=_coordinate(values.get("lng")),
        lat=_coordinate(values.get("lat")),
        industry_code=values.get("industry_code") or "",
        department=department,
        key_supervision=bool(values["key_supervision"]),
        risk_class=(values.get("risk_class") or "").upper(),
        above_scale=bool(values["above_scale"]),
        principal=values.get("principal") or "",
        phone=values.get("phone") or "",
        status=values.get("status") or "",
    )


def _current_values(unit: Unit) -> dict[str, Any]:
    return {
        "name": unit.name,
        "region_code": unit.region_code,
        "sector": unit.sector.code,
        "credit_code": unit.credit_code,
        "grid": unit.grid_id,
        "address": unit.address,
        "lng": unit.lng,
        "lat": unit.lat,
        "industry_code": unit.industry_code,
        "department": unit.department_id,
        "key_supervision": unit.key_supervision,
        "risk_class": unit.risk_class,
        "above_scale": unit.above_scale,
        "principal": unit.principal,
        "phone": unit.phone,
        "status": unit.status,
    }


def _rejected(exc: UnitError) -> Status:
    detail = "；".join(m for messages in exc.errors.values() for m in messages)
    return Status(422, {"detail": detail or "提交的数据有误", "errors": exc.errors})


def _forbidden(actor: Any) -> Status | None:
    # The role is checked before the data so that a read-only user learns at once that
    # writing is not theirs to do, whatever they sent (services check again).
    if can(actor.role, UNIT_EDITORS):
        return None
    return Status(403, {"detail": f"{actor.get_role_display()}无权修改单位台账"})


def _get(request: HttpRequest, unit_id: int) -> Unit:
    try:
        return unit_get(request.auth, unit_id)  # type: ignore[attr-defined]
    except Http404 as exc:
        # Same answer whether it does not exist or is not the caller's (scope rule).
        raise HttpError(404, "未找到该单位") from exc


# --- Endpoints --------------------------------------------------------------------------


@router.get(
    "",
    response=UnitPage,
    summary="单位列表",
    description="分页列出当前用户管辖范围内的单位；筛选参数与网页单位列表相同。",
)
def units_list(request: HttpRequest, filters: Query[UnitQuery]) -> dict[str, Any]:
    params = filters.model_dump(exclude={"page", "page_size"}, exclude_none=True)
    qs = unit_list(request.auth, filters_from_params(params))  # type: ignore[attr-defined]
    count = qs.count()
    size = filters.page_size
    pages = max(1, math.ceil(count / size))
    offset = (filters.page - 1) * size
    units = list(qs[offset : offset + size])
    names = _region_names([u.region_code for u in units])
    return {
        "count": count,
        "page": filters.page,
        "page_size": size,
        "pages": pages,
        "items": [unit_out(u, names) for u in units],
    }


@router.post(
    "",
    response={201: UnitOut, 403: ErrorOut, 422: ErrorOut},
    summary="新增单位",
    description="县级管理员、部门监管员、乡镇监管员可在其管辖范围内新增。",
)
def units_create(request: HttpRequest, payload: UnitIn) -> Status:
    actor = request.auth  # type: ignore[attr-defined]
    if (denied := _forbidden(actor)) is not None:
        return denied
    try:
        data = _unit_data(payload.model_dump())
        unit = unit_create(actor=actor, data=data)
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    except UnitError as exc:
        return _rejected(exc)
    return Status(201, unit_out(unit_get(actor, unit.pk)))


@router.get("/{unit_id}", response=UnitOut, summary="单位详情")
def units_detail(request: HttpRequest, unit_id: int) -> dict[str, Any]:
    return unit_out(_get(request, unit_id))


@router.patch(
    "/{unit_id}",
    response={200: UnitOut, 403: ErrorOut, 422: ErrorOut},
    summary="修改单位",
    description="只修改提交的字段。",
)
def units_update(request: HttpRequest, unit_id: int, payload: UnitPatch) -> Status:
    actor = request.auth  # type: ignore[attr-defined]
    unit = _get(request, unit_id)
    if (denied := _forbidden(actor)) is not None:
        return denied
    values = _current_values(unit)
    values.update(payload.model_dump(exclude_unset=True))
    try:
        data = _unit_data(values)
        unit_update(actor=actor, unit=unit, data=data)
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    except UnitError as exc:
        return _rejected(exc)
    return Status(200, unit_out(unit_get(actor, unit.pk)))
