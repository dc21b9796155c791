"""Outreach register pages: list, detail, create, edit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render

from anjian.accounts.roles import UNIT_EDITORS
from anjian.outreach import selectors, services
from anjian.outreach.filters import filtered_activities, filters_from_params
from anjian.outreach.forms import ActivityForm
from anjian.outreach.models import ActivityKind

if TYPE_CHECKING:
    from anjian.accounts.models import User


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
def activity_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    filters = filters_from_params(request.GET)
    qs = filtered_activities(user, filters)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    # Every filter of the request (the statistics pages link here with several) survives paging and
    # a change of the kind select.
    query = request.GET.copy()
    query.pop("page", None)
    kept = [(k, v) for k, values in query.lists() if k != "kind" for v in values]
    return render(
        request,
        "outreach/list.html",
        {"page": page, "kinds": ActivityKind.choices, "kind": filters.kind, "filters": filters,
         "can_edit": user.role in UNIT_EDITORS, "query": query.urlencode(), "kept": kept},
    )


@login_required
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    return render(
        request,
        "outreach/detail.html",
        {"activity": selectors.activity_get(user, pk), "can_edit": user.role in UNIT_EDITORS},
    )


@login_required
def activity_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if user.role not in UNIT_EDITORS:
        return HttpResponseForbidden("您的角色无权登记宣教活动")
    form = ActivityForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_create(actor=user, data=form.to_data())
        except services.OutreachError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, f"已登记宣教活动 {activity.number}")
            return redirect("outreach:detail", pk=activity.pk)
    return render(request, "outreach/form.html", {"form": form, "title": "登记宣教活动"})


@login_required
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    activity = selectors.activity_get(user, pk)
    if user.role not in UNIT_EDITORS:
        return HttpResponseForbidden(f"{user.get_role_display()}无权修改宣教活动")
    form = ActivityForm(request.POST or None, user=user, initial=ActivityForm.initial_from(activity))
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_update(actor=user, activity=activity, data=form.to_data())
        except services.PermissionDenied as exc:
            return HttpResponseForbidden(str(exc))
        except services.OutreachError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, f"已保存宣教活动 {activity.number}")
            return redirect("outreach:detail", pk=activity.pk)
    return render(request, "outreach/form.html", {"form": form, "title": f"修改宣教活动 {activity.number}"})
