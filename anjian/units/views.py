"""Unit registry pages: list with filters and search, detail, create, edit, deactivate."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from anjian.accounts.roles import ASSIGNERS, UNIT_EDITORS
from anjian.core.scope import region_prefix
from anjian.regions.models import Division, Grid, Level
from anjian.regions.selectors import division_path
from anjian.units import selectors, services
from anjian.units.filters import filters_from_params
from anjian.units.forms import AssignmentForm, DeactivateForm, TownshipAssignmentForm, UnitForm, sectors_for
from anjian.units.models import RiskClass, UnitStatus
from anjian.units.story import unit_story

if TYPE_CHECKING:
    from anjian.accounts.models import User

PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _forbidden(message: str) -> HttpResponse:
    return HttpResponseForbidden(message)


@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    filters = filters_from_params(request.GET)
    qs = selectors.unit_list(user, filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    prefix = region_prefix(user) or ""
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filters": filters,
        "query": query.urlencode(),
        "townships": Division.objects.filter(code__startswith=prefix, level=Level.TOWNSHIP)
        if prefix
        else Division.objects.none(),
        "grids": Grid.objects.filter(region_code__startswith=(filters.township or prefix)) if prefix else [],
        "sectors": sectors_for(user),
        "risk_classes": RiskClass.values,
        "statuses": UnitStatus.choices,
        "can_edit": user.role in UNIT_EDITORS,
    }
    template = "units/list.html#results" if request.htmx else "units/list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    unit = selectors.unit_get(user, pk)
    division = Division.objects.filter(code=unit.region_code).first()
    return render(
        request,
        "units/detail.html",
        {
            "unit": unit,
            # 岳阳市 / 平江县 / 安定镇 / 小田村, from the county down
            "region_path": " / ".join(d.name for d in [*division_path(division)[2:], division])
            if division
            else unit.region_code,
            "assignments": selectors.unit_assignments(user, unit),
            "story": unit_story(user, unit),
            "can_edit": user.role in UNIT_EDITORS,
            "can_assign": user.role in ASSIGNERS,
            "deactivate_form": DeactivateForm(),
            "assignment_form": AssignmentForm(user=user) if user.role in ASSIGNERS else None,
        },
    )


@login_required
def unit_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if user.role not in UNIT_EDITORS:
        return _forbidden("您的角色无权新增单位")
    form = UnitForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_create(actor=user, data=form.to_data())
        except services.UnitError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, f"已新增单位“{unit.name}”")
            return redirect("units:detail", pk=unit.pk)
    return render(request, "units/form.html", {"form": form, "title": "新增单位"})


@login_required
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    unit = selectors.unit_get(user, pk)
    if user.role not in UNIT_EDITORS:
        return _forbidden("您的角色无权修改单位")
    form = UnitForm(request.POST or None, user=user, initial=UnitForm.initial_from(unit))
    if request.method == "POST" and form.is_valid():
        try:
            _, changes = services.unit_update(actor=user, unit=unit, data=form.to_data())
        except services.UnitError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, "已保存" if changes else "没有修改")
            return redirect("units:detail", pk=unit.pk)
    return render(request, "units/form.html", {"form": form, "title": f"修改 {unit.name}", "unit": unit})


@login_required
@require_POST
def unit_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    unit = selectors.unit_get(user, pk)
    if user.role not in UNIT_EDITORS:
        return _forbidden("您的角色无权注销单位")
    form = DeactivateForm(request.POST)
    reason = form.data.get("reason", "")
    try:
        services.unit_deactivate(actor=user, unit=unit, reason=str(reason))
    except services.UnitError as exc:
        messages.error(request, "；".join(m for ms in exc.errors.values() for m in ms))
    else:
        messages.success(request, f"已注销“{unit.name}”。如属误操作，可在本页“恢复在册”。")
    return redirect("units:detail", pk=unit.pk)


@login_required
@require_POST
def unit_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    unit = selectors.unit_get(user, pk)
    if user.role not in UNIT_EDITORS:
        return _forbidden("您的角色无权恢复单位")
    services.unit_reactivate(actor=user, unit=unit)
    messages.success(request, f"已恢复“{unit.name}”在册")
    return redirect("units:detail", pk=unit.pk)


@login_required
@require_POST
def unit_assign(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    unit = selectors.unit_get(user, pk)
    if user.role not in ASSIGNERS:
        return _forbidden("只有县级管理员可以安排包联责任")
    form = AssignmentForm(request.POST, user=user)
    if form.is_valid():
        try:
            services.assignment_create(
                actor=user, person=form.cleaned_data["person"], unit=unit, note=form.cleaned_data["note"]
            )
        except services.UnitError as exc:
            messages.error(request, "；".join(m for ms in exc.errors.values() for m in ms))
        else:
            messages.success(request, "已安排包联干部")
    else:
        messages.error(request, "请选择包联干部")
    return redirect("units:detail", pk=unit.pk)


@login_required
def assignment_list(request: HttpRequest) -> HttpResponse:
    """包联责任: county leaders for townships, cadres for units; county admins add township ones here."""
    user = _user(request)
    form = TownshipAssignmentForm(request.POST or None, user=user) if user.role in ASSIGNERS else None
    if request.method == "POST":
        if form is None:
            return _forbidden("只有县级管理员可以安排包联责任")
        if form.is_valid():
            try:
                services.assignment_create(
                    actor=user,
                    person=form.cleaned_data["person"],
                    township=form.cleaned_data["township"],
                    note=form.cleaned_data["note"],
                )
            except services.UnitError as exc:
                messages.error(request, "；".join(m for ms in exc.errors.values() for m in ms))
            else:
                messages.success(request, "已安排包联责任")
                return redirect("units:assignments")
    items = selectors.assignment_list(user)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "units/assignments.html", {"page": page, "form": form})
