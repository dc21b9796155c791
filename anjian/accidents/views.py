"""Accident register pages: list, detail, create, edit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render

from anjian.accidents import selectors, services
from anjian.accidents.filters import filtered_accidents, filters_from_params
from anjian.accidents.forms import AccidentForm
from anjian.accidents.models import Category
from anjian.accounts.roles import UNIT_EDITORS

if TYPE_CHECKING:
    from anjian.accounts.models import User


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
def accident_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    filters = filters_from_params(request.GET)
    qs = filtered_accidents(user, filters)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    # Every filter of the request (the statistics pages link here with several) survives paging and
    # a change of the category select.
    query = request.GET.copy()
    query.pop("page", None)
    kept = [(k, v) for k, values in query.lists() if k != "category" for v in values]
    return render(
        request,
        "accidents/list.html",
        {"page": page, "categories": Category.choices, "category": filters.category, "filters": filters,
         "can_edit": user.role in UNIT_EDITORS, "query": query.urlencode(), "kept": kept},
    )


@login_required
def accident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    return render(
        request,
        "accidents/detail.html",
        {"accident": selectors.accident_get(user, pk), "can_edit": user.role in UNIT_EDITORS},
    )


@login_required
def accident_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if user.role not in UNIT_EDITORS:
        return HttpResponseForbidden("您的角色无权登记事故")
    form = AccidentForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            accident = services.accident_create(actor=user, data=form.to_data())
        except services.AccidentError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, f"已登记事故 {accident.number}")
            return redirect("accidents:detail", pk=accident.pk)
    return render(request, "accidents/form.html", {"form": form, "title": "登记事故"})


@login_required
def accident_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    accident = selectors.accident_get(user, pk)
    if user.role not in UNIT_EDITORS:
        return HttpResponseForbidden(f"{user.get_role_display()}无权修改事故")
    form = AccidentForm(request.POST or None, user=user, initial=AccidentForm.initial_from(accident))
    if request.method == "POST" and form.is_valid():
        try:
            services.accident_update(actor=user, accident=accident, data=form.to_data())
        except services.PermissionDenied as exc:
            return HttpResponseForbidden(str(exc))
        except services.AccidentError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, f"已保存事故 {accident.number}")
            return redirect("accidents:detail", pk=accident.pk)
    return render(request, "accidents/form.html", {"form": form, "title": f"修改事故 {accident.number}"})
