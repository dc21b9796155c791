"""双随机抽查 pages: list, draw (with the pool sizes), detail with verification, publish, 公示名单 .xlsx.

Readers are ``services.DRAW_READERS``; unit staff, grid workers and experts get 403 on every page.
A draw outside the reader's region is 404 (``selectors.draw_get``). Writes go through ``services``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from anjian.core import audit
from anjian.plans import selectors, services
from anjian.plans.export import draw_xlsx, inspectors_text
from anjian.plans.forms import DrawForm, pool_filters_from_params
from anjian.regions.selectors import township_names
from anjian.web.downloads import download

if TYPE_CHECKING:
    from anjian.accounts.models import User



def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _not_reader(user: User) -> HttpResponse | None:
    if user.role not in services.DRAW_READERS:
        return HttpResponseForbidden(f"{user.get_role_display()}无权查看双随机抽查")
    return None


def _may_draw(user: User) -> bool:
    return user.role in services.DRAWERS and user.org_id is not None


@login_required
@require_GET
def draw_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if (denied := _not_reader(user)) is not None:
        return denied
    page = Paginator(selectors.draw_list(user), 50).get_page(request.GET.get("page"))
    return render(request, "plans/list.html", {"page": page, "can_draw": _may_draw(user), "query": ""})


@login_required
def draw_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not _may_draw(user):
        return HttpResponseForbidden(f"{user.get_role_display()}无权进行双随机抽查")
    form = DrawForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            draw = services.draw_create(actor=user, data=form.to_data())
        except services.PlanError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, f"已完成抽取 {draw.number}")
            return redirect("plans:detail", pk=draw.pk)
    params = request.POST if request.method == "POST" else request.GET
    return render(request, "plans/form.html", {"form": form, **_pool_sizes(user, params)})


def _pool_sizes(user: User, params: object) -> dict[str, int]:
    return {
        "unit_pool_size": selectors.pool_units(user, pool_filters_from_params(params)).count(),
        "inspector_pool_size": selectors.pool_inspectors(user).count(),
    }


@login_required
@require_GET
def draw_pool(request: HttpRequest) -> HttpResponse:
    """The pool sizes for the conditions typed so far (htmx partial of the draw form)."""
    user = _user(request)
    if not _may_draw(user):
        return HttpResponseForbidden(f"{user.get_role_display()}无权进行双随机抽查")
    return render(request, "plans/form.html#pool", _pool_sizes(user, request.GET))


@login_required
def draw_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    if (denied := _not_reader(user)) is not None:
        return denied
    draw = selectors.draw_get(user, pk)
    rows = selectors.draw_rows(draw)
    towns = township_names([r.unit.region_code for r in rows if r.unit is not None])
    table = [
        {"row": r, "inspectors": inspectors_text(r),
         "township": towns.get(r.unit.region_code[:9], "") if r.unit is not None else ""}
        for r in rows
    ]
    return render(request, "plans/detail.html", {
        "draw": draw,
        "table": table,
        "filters": selectors.filters_label(draw.filters),
        "problems": services.draw_verify(draw),
        "can_publish": _may_draw(user) and draw.published_at is None,
    })


@login_required
def draw_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the confirmation step; POST: 公开."""
    user = _user(request)
    if (denied := _not_reader(user)) is not None:
        return denied
    draw = selectors.draw_get(user, pk)
    if not _may_draw(user):
        return HttpResponseForbidden(f"{user.get_role_display()}无权公开双随机抽查")
    error = ""
    if request.method == "POST":
        try:
            services.draw_publish(actor=user, draw=draw)
        except services.PermissionDenied as exc:
            return HttpResponseForbidden(str(exc))
        except services.PlanError as exc:
            error = "；".join(m for ms in exc.errors.values() for m in ms)
        else:
            messages.success(request, f"已公开 {draw.number}")
            return redirect("plans:detail", pk=draw.pk)
    return render(request, "plans/publish.html", {"draw": draw, "error": error})


@login_required
@require_GET
def draw_download(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    if (denied := _not_reader(user)) is not None:
        return denied
    draw = selectors.draw_get(user, pk)
    content = draw_xlsx(draw, selectors.draw_rows(draw))
    audit.record(actor=user, action="draw.export", obj=draw)
    return download(content, f"{draw.number}公示名单.xlsx")
