"""Campaign pages: the 1+2+N tree, a campaign with its roadmap tasks, create forms."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render

from anjian.campaigns import selectors, services
from anjian.campaigns.forms import CampaignForm, TaskForm

if TYPE_CHECKING:
    from anjian.accounts.models import User


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(
        request,
        "campaigns/list.html",
        {"tree": selectors.campaign_tree(user), "can_edit": user.role in services.WRITERS},
    )


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    campaign = selectors.campaign_get(user, pk)
    children = selectors.campaign_queryset(user).filter(parent=campaign).order_by("start", "name")
    return render(
        request,
        "campaigns/detail.html",
        {
            "campaign": campaign,
            "children": children,
            "tasks": selectors.task_list(user, campaign),
            "can_edit": user.role in services.WRITERS,
        },
    )


@login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if user.role not in services.WRITERS:
        return HttpResponseForbidden("您的角色无权登记专项行动")
    initial = {"parent": request.GET.get("parent")} if request.GET.get("parent") else None
    form = CampaignForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(actor=user, data=form.to_data())
        except services.CampaignError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, f"已登记专项行动“{campaign.name}”")
            return redirect("campaigns:detail", pk=campaign.pk)
    return render(request, "campaigns/form.html", {"form": form, "title": "登记专项行动"})


@login_required
def task_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    campaign = selectors.campaign_get(user, pk)
    if user.role not in services.WRITERS:
        return HttpResponseForbidden("您的角色无权登记重点任务")
    form = TaskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.task_create(actor=user, data=form.to_data(campaign))
        except services.CampaignError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, "已添加重点任务")
            return redirect("campaigns:detail", pk=campaign.pk)
    return render(
        request, "campaigns/form.html", {"form": form, "title": f"{campaign.name}：添加重点任务", "campaign": campaign}
    )
