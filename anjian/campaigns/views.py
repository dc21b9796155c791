"""Campaign pages: the 1+2+N tree, a campaign with its roadmap tasks, create and edit forms."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render

from anjian.campaigns import selectors, services
from anjian.campaigns.forms import CampaignForm, TaskCompleteForm, TaskForm

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
            # Seeing the county's campaign from a township is not owning it.
            "can_change": user.role in services.WRITERS and services.region_in_scope(user, campaign.region_code),
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


def _refusal(user: User, region_code: str, what: str) -> HttpResponseForbidden | None:
    """403 with the reason when ``user`` may not change a record of ``region_code``; else None."""
    if user.role not in services.WRITERS:
        return HttpResponseForbidden(f"{user.get_role_display()}无权修改{what}")
    if not services.region_in_scope(user, region_code):
        return HttpResponseForbidden(f"该{what}不在您的管辖范围内（上级或其他区划的{what}只能查看）")
    return None


@login_required
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    campaign = selectors.campaign_get(user, pk)
    refusal = _refusal(user, campaign.region_code, "专项行动")
    if refusal is not None:
        return refusal
    form = CampaignForm(request.POST or None, user=user, initial=CampaignForm.initial_from(campaign))
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(actor=user, campaign=campaign, data=form.to_data())
        except services.PermissionDenied as exc:
            return HttpResponseForbidden(str(exc))
        except services.CampaignError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, f"已保存专项行动“{campaign.name}”")
            return redirect("campaigns:detail", pk=campaign.pk)
    return render(
        request, "campaigns/form.html", {"form": form, "title": f"修改专项行动：{campaign.name}", "campaign": campaign}
    )


@login_required
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    task = selectors.task_get(user, pk)
    refusal = _refusal(user, task.region_code, "重点任务")
    if refusal is not None:
        return refusal
    form = TaskForm(request.POST or None, initial=TaskForm.initial_from(task))
    if request.method == "POST" and form.is_valid():
        try:
            services.task_update(actor=user, task=task, data=form.to_data(task.campaign))
        except services.PermissionDenied as exc:
            return HttpResponseForbidden(str(exc))
        except services.CampaignError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, f"已保存重点任务 {task.number}")
            return redirect("campaigns:detail", pk=task.campaign_id)
    return render(
        request,
        "campaigns/form.html",
        {"form": form, "title": f"{task.campaign.name}：修改重点任务 {task.number}", "campaign": task.campaign},
    )


@login_required
def task_complete(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    task = selectors.task_get(user, pk)
    refusal = _refusal(user, task.region_code, "重点任务")
    if refusal is not None:
        return refusal
    form = TaskCompleteForm(
        request.POST or None, initial={"completed_on": task.completed_on, "progress": task.progress}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.task_complete(
                actor=user, task=task, on=form.cleaned_data["completed_on"], progress=form.cleaned_data["progress"]
            )
        except services.PermissionDenied as exc:
            return HttpResponseForbidden(str(exc))
        except services.CampaignError as exc:
            for message in exc.errors.get("completed_on", []):
                form.add_error("completed_on", message)
        else:
            messages.success(request, f"重点任务 {task.number} 已标记完成")
            return redirect("campaigns:detail", pk=task.campaign_id)
    return render(
        request,
        "campaigns/form.html",
        {"form": form, "title": f"标记完成：{task.number} {task.content[:30]}", "campaign": task.campaign},
    )
