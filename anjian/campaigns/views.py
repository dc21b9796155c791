"""Campaign pages: the 1+2+N tree, a campaign with its roadmap tasks, create and edit forms, and its
考核 tab (schemes, monthly assessments, the ranking and its exports)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from anjian.campaigns import export, selectors, services
from anjian.campaigns.forms import (
    AdjustmentForm,
    CampaignForm,
    ComputeForm,
    ItemForm,
    OverridesForm,
    SchemeForm,
    TaskCompleteForm,
    TaskForm,
)
from anjian.campaigns.models import AssessedGroup, Assessment, AssessmentItem, AssessmentScheme, Campaign
from anjian.stats import indicators as ind
from anjian.stats.links import Links
from anjian.web.downloads import DOCX, XLSX, download

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
            "hide_tabs": user.role not in services.ASSESSMENT_READERS,
            "tab": "overview",
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


# --- 考核: schemes (考核细则) and monthly assessments (月度考核) ------------------------------------------
#
# Readers are ``services.ASSESSMENT_READERS`` (unit staff, grid workers and experts get 403 before any
# lookup); a campaign, scheme or assessment outside the reader's region is 404 (the selectors). Only
# the county office of the campaign's region writes (``services.check_assessor``).


def _not_reader(user: User) -> HttpResponseForbidden | None:
    if user.role not in services.ASSESSMENT_READERS:
        return HttpResponseForbidden(f"{user.get_role_display()}无权查看考核")
    return None


def _may_assess(user: User, campaign: Campaign) -> bool:
    return user.role in services.ASSESSORS and services.region_in_scope(user, campaign.region_code)


def _assessor_refusal(user: User, campaign: Campaign) -> HttpResponseForbidden | None:
    if not _may_assess(user, campaign):
        return HttpResponseForbidden(f"{user.get_role_display()}只能查看考核，设置和计算由行动所属县级管理员进行")
    return None


def _scheme_to_edit(user: User, pk: int) -> AssessmentScheme | HttpResponse:
    """The scheme for an assessor to change: 403 for a non-reader, 404 out of scope, 403 for a reader only."""
    if (denied := _not_reader(user)) is not None:
        return denied
    scheme = selectors.scheme_get(user, pk)
    refusal = _assessor_refusal(user, scheme.campaign)
    return scheme if refusal is None else refusal


def _assessment_to_edit(user: User, pk: int) -> Assessment | HttpResponse:
    """The month for an assessor to change, checked as :func:`_scheme_to_edit`."""
    if (denied := _not_reader(user)) is not None:
        return denied
    assessment = selectors.assessment_get(user, pk)
    refusal = _assessor_refusal(user, assessment.scheme.campaign)
    return assessment if refusal is None else refusal


def _scheme_item(scheme: AssessmentScheme, item: int) -> AssessmentItem:
    """One of the scheme's items (from its prefetched items), else 404."""
    target = next((i for i in scheme.items.all() if i.pk == item), None)
    if target is None:
        raise Http404("未找到该记录")
    return target


def _errors_text(exc: services.CampaignError) -> str:
    return "；".join(m for ms in exc.errors.values() for m in ms)


@login_required
def assessment_home(request: HttpRequest, pk: int) -> HttpResponse:
    """The campaign's 考核 tab: its schemes and their latest months."""
    user = _user(request)
    if (denied := _not_reader(user)) is not None:
        return denied
    campaign = selectors.campaign_get(user, pk)
    schemes = list(selectors.scheme_list(user, campaign))
    latest: dict[int, list[Assessment]] = {}
    for a in selectors.assessment_queryset(user).filter(scheme__in=schemes).order_by("-month"):
        latest.setdefault(a.scheme_id, []).append(a)
    return render(request, "campaigns/assessment_home.html", {
        "campaign": campaign, "tab": "assessment",
        "schemes": [(s, latest.get(s.pk, [])[:3]) for s in schemes],
        "can_assess": _may_assess(user, campaign), "can_add": len(schemes) < len(AssessedGroup.choices),
    })


@login_required
def scheme_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    if (denied := _not_reader(user)) is not None:
        return denied
    campaign = selectors.campaign_get(user, pk)
    if (refusal := _assessor_refusal(user, campaign)) is not None:
        return refusal
    form = SchemeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            scheme = services.scheme_save(actor=user, campaign=campaign, data=services.SchemeData(
                group=d["group"], adjustment_limit=d["adjustment_limit"], note=d["note"]))
        except services.AssessmentError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, f"已建立{scheme.get_group_display()}考核细则，请添加考核指标")
            return redirect("campaigns:scheme", pk=scheme.pk)
    return render(request, "campaigns/form.html", {
        "form": form, "title": f"{campaign.name}：新建考核细则", "campaign": campaign})


@login_required
def scheme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    scheme = _scheme_to_edit(user, pk)
    if isinstance(scheme, HttpResponse):
        return scheme
    initial = {"group": scheme.group, "adjustment_limit": scheme.adjustment_limit, "note": scheme.note}
    form = SchemeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = services.SchemeData.of(scheme)
        data.group, data.adjustment_limit = form.cleaned_data["group"], form.cleaned_data["adjustment_limit"]
        data.note = form.cleaned_data["note"]
        try:
            services.scheme_save(actor=user, campaign=scheme.campaign, data=data, scheme=scheme)
        except services.AssessmentError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, "已保存考核细则")
            return redirect("campaigns:scheme", pk=scheme.pk)
    return render(request, "campaigns/form.html", {
        "form": form, "title": f"修改{scheme}", "campaign": scheme.campaign})


def _scheme_page(request: HttpRequest, scheme: AssessmentScheme, *, item_form: ItemForm | None = None,
                 compute_form: ComputeForm | None = None, status: int = 200) -> HttpResponse:
    user = _user(request)
    page = Paginator(selectors.assessment_list(user, scheme), 24).get_page(request.GET.get("page"))
    items = [(i, ind.BY_CODE[i.indicator]) for i in scheme.items.all()]
    return render(request, "campaigns/scheme.html", {
        "campaign": scheme.campaign, "scheme": scheme, "items": items, "page": page, "query": "",
        "tab": "assessment", "can_assess": _may_assess(user, scheme.campaign),
        "item_form": item_form or ItemForm(), "compute_form": compute_form or ComputeForm(),
        "total_points": sum((i.points for i in scheme.items.all()), Decimal(0)),
    }, status=status)


@login_required
def scheme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    if (denied := _not_reader(user)) is not None:
        return denied
    return _scheme_page(request, selectors.scheme_get(user, pk))


@login_required
@require_POST
def item_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    scheme = _scheme_to_edit(user, pk)
    if isinstance(scheme, HttpResponse):
        return scheme
    form = ItemForm(request.POST)
    if form.is_valid():
        data = services.SchemeData.of(scheme)
        data.items.append(form.to_data())
        try:
            services.scheme_save(actor=user, campaign=scheme.campaign, data=data, scheme=scheme)
        except services.AssessmentError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, f"已添加考核指标“{ind.BY_CODE[form.cleaned_data['indicator']].name}”")
            return redirect("campaigns:scheme", pk=scheme.pk)
    return _scheme_page(request, scheme, item_form=form, status=400)


@login_required
@require_POST
def item_remove(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    user = _user(request)
    scheme = _scheme_to_edit(user, pk)
    if isinstance(scheme, HttpResponse):
        return scheme
    target = _scheme_item(scheme, item)
    data = services.SchemeData.of(scheme)
    data.items = [d for d in data.items if d.indicator != target.indicator]
    try:
        services.scheme_save(actor=user, campaign=scheme.campaign, data=data, scheme=scheme)
    except services.AssessmentError as exc:
        messages.error(request, _errors_text(exc))
    else:
        messages.success(request, f"已删除考核指标“{ind.BY_CODE[target.indicator].name}”")
    return redirect("campaigns:scheme", pk=scheme.pk)


@login_required
def item_overrides(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    """Per-township (department) quotas of one item: blank keeps the default."""
    user = _user(request)
    scheme = _scheme_to_edit(user, pk)
    if isinstance(scheme, HttpResponse):
        return scheme
    target = _scheme_item(scheme, item)
    groups = services.assessed_groups(scheme.campaign, scheme.group)
    initial = {f"g_{o.group_key}": o.quota for o in target.overrides.all()}
    form = OverridesForm(request.POST or None, initial=initial, groups=groups, default=target.quota)
    error = ""
    if request.method == "POST" and form.is_valid():
        data = services.SchemeData.of(scheme)
        for d in data.items:
            if d.indicator == target.indicator:
                d.overrides = form.overrides()
        try:
            services.scheme_save(actor=user, campaign=scheme.campaign, data=data, scheme=scheme)
        except services.AssessmentError as exc:
            error = _errors_text(exc)
        else:
            messages.success(request, f"已保存“{ind.BY_CODE[target.indicator].name}”的单独指标")
            return redirect("campaigns:scheme", pk=scheme.pk)
    return render(request, "campaigns/overrides.html", {
        "campaign": scheme.campaign, "scheme": scheme, "item": target, "indicator": ind.BY_CODE[target.indicator],
        "form": form, "error": error,
    })


@login_required
@require_POST
def assessment_compute(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    scheme = _scheme_to_edit(user, pk)
    if isinstance(scheme, HttpResponse):
        return scheme
    form = ComputeForm(request.POST)
    if form.is_valid():
        try:
            assessment = services.assessment_compute(
                actor=user, scheme=scheme, month=form.cleaned_data["month"], as_of=form.cleaned_data["as_of"])
        except services.AssessmentError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, f"已计算{assessment.month_label}考核（草稿）")
            return redirect("campaigns:assessment", pk=assessment.pk)
    return _scheme_page(request, scheme, compute_form=form, status=400)


def _links(assessment: Assessment, table: list[selectors.RankedRow]) -> dict[tuple[str, str], str | None]:
    """(group key, indicator) → the list of records behind the figure, for figures that are not 0."""
    scheme = assessment.scheme
    links = Links(services.assessment_scope(scheme.campaign, assessment.month, assessment.as_of))
    narrow = "department" if scheme.group == AssessedGroup.DEPARTMENT else "region"
    return {(r.key, c.code): links.url(c.code, **{narrow: r.key}) for r in table for c in r.cells if c.value}


@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    if (denied := _not_reader(user)) is not None:
        return denied
    assessment = selectors.assessment_get(user, pk)
    return _assessment_page(request, assessment)


def _assessment_page(request: HttpRequest, assessment: Assessment, *, form: AdjustmentForm | None = None,
                     status: int = 200) -> HttpResponse:
    user = _user(request)
    table = selectors.assessment_table(assessment)
    links = _links(assessment, table)
    defaults = [Decimal(item["quota"]) for item in assessment.items]
    # A group's own quota (单独指标) is shown under its figure; the default is in the column's head.
    rows = [{"row": r, "cells": [(c, links.get((r.key, c.code)), c.quota if c.quota != d else None)
                                 for c, d in zip(r.cells, defaults, strict=True)]} for r in table]
    can_assess = _may_assess(user, assessment.scheme.campaign)
    groups = sorted(((r.key, r.name) for r in table), key=lambda g: g[0])
    return render(request, "campaigns/assessment.html", {
        "campaign": assessment.scheme.campaign, "scheme": assessment.scheme, "assessment": assessment,
        "rows": rows, "items": [(item, export.rule_text(item)) for item in assessment.items], "tab": "assessment",
        "can_change": can_assess and assessment.is_draft, "can_assess": can_assess,
        "form": form or AdjustmentForm(groups=groups), "has_adjustments": any(r.adjustments for r in table),
    }, status=status)


@login_required
@require_POST
def assessment_recompute(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    assessment = _assessment_to_edit(user, pk)
    if isinstance(assessment, HttpResponse):
        return assessment
    try:
        services.assessment_compute(actor=user, scheme=assessment.scheme, month=assessment.month)
    except services.AssessmentError as exc:
        messages.error(request, _errors_text(exc))
    else:
        messages.success(request, f"已按最新数据重新计算{assessment.month_label}考核")
    return redirect("campaigns:assessment", pk=assessment.pk)


@login_required
@require_POST
def adjustment_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    assessment = _assessment_to_edit(user, pk)
    if isinstance(assessment, HttpResponse):
        return assessment
    groups = sorted(assessment.rows.values_list("group_key", "group_name"))
    form = AdjustmentForm(request.POST, groups=groups)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.adjustment_add(actor=user, assessment=assessment, group_key=d["group_key"], points=d["points"],
                                    reason=d["reason"])
        except services.AssessmentError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, "已录入加减分")
            return redirect("campaigns:assessment", pk=assessment.pk)
    return _assessment_page(request, assessment, form=form, status=400)


@login_required
@require_POST
def adjustment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    if (denied := _not_reader(user)) is not None:
        return denied
    adjustment = selectors.adjustment_get(user, pk)
    if (refusal := _assessor_refusal(user, adjustment.assessment.scheme.campaign)) is not None:
        return refusal
    try:
        services.adjustment_remove(actor=user, adjustment=adjustment)
    except services.AssessmentError as exc:
        messages.error(request, _errors_text(exc))
    else:
        messages.success(request, "已删除加减分")
    return redirect("campaigns:assessment", pk=adjustment.assessment_id)


@login_required
def assessment_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the confirmation step; POST: 通报 (read-only afterwards)."""
    user = _user(request)
    assessment = _assessment_to_edit(user, pk)
    if isinstance(assessment, HttpResponse):
        return assessment
    error = ""
    if request.method == "POST":
        try:
            services.assessment_publish(actor=user, assessment=assessment)
        except services.AssessmentError as exc:
            error = _errors_text(exc)
        else:
            messages.success(request, f"已通报{assessment.month_label}考核结果")
            return redirect("campaigns:assessment", pk=assessment.pk)
    return render(request, "campaigns/publish.html", {
        "campaign": assessment.scheme.campaign, "assessment": assessment, "error": error})


@login_required
@require_GET
def assessment_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    if (denied := _not_reader(user)) is not None:
        return denied
    assessment = selectors.assessment_get(user, pk)
    content = export.assessment_xlsx(assessment, selectors.assessment_table(assessment))
    return download(content, f"{export.title(assessment)}.xlsx", XLSX)


@login_required
@require_GET
def assessment_docx(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    if (denied := _not_reader(user)) is not None:
        return denied
    assessment = selectors.assessment_get(user, pk)
    content = export.assessment_docx(assessment, selectors.assessment_table(assessment))
    return download(content, f"{export.title(assessment).replace('排名', '通报')}.docx", DOCX)
