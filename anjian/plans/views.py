"""双随机抽查 pages: list, draw (with the pool sizes), detail with verification, publish, 公示名单 .xlsx;
年度监督检查计划 pages: list, new/edit with the live capacity, detail with items and progress, generate,
add/remove/change a unit, approve, the units left out, .xlsx.

Readers are ``services.DRAW_READERS``; unit staff, grid workers and experts get 403 on every page.
A draw outside the reader's region is 404 (``selectors.draw_get``). Writes go through ``services``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from anjian.core import audit
from anjian.plans import selectors, services
from anjian.plans.capacity import CapacityError, capacity, progress_status
from anjian.plans.export import annual_xlsx, draw_xlsx, inspectors_text
from anjian.plans.forms import (
    QUARTER_CHOICES,
    WORKDAY_FIELDS,
    AnnualPlanForm,
    DrawForm,
    GenerateForm,
    ItemForm,
    pool_filters_from_params,
    workday_inputs,
)
from anjian.plans.models import AnnualPlan, PlanItem
from anjian.regions.selectors import township_names, townships_within
from anjian.stats.render import percent
from anjian.units.models import Unit
from anjian.units.selectors import search_q
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


# === 年度监督检查计划 pages ======================================================================
#
# Readers are ``services.PLAN_READERS`` (the draws' readers); unit staff, grid workers and experts get
# 403. A plan outside the reader's region is 404 (``selectors.plan_get``). Writes go through
# ``services`` (own office's drafts; approval by the county office).

ITEMS_PER_PAGE = 50
# The unit chooser (web/_unit_picker.html): radio buttons up to this many units, else a search box.
PICK_LIST_MAX = 12
SUGGESTIONS = 10


def _not_plan_reader(user: User) -> HttpResponse | None:
    if user.role not in services.PLAN_READERS:
        return HttpResponseForbidden(f"{user.get_role_display()}无权查看年度监督检查计划")
    return None


def _may_plan(user: User) -> bool:
    return user.role in services.PLANNERS and user.org_id is not None


def _may_edit(user: User, plan: AnnualPlan) -> bool:
    return _may_plan(user) and user.org_id == plan.org_id and plan.is_draft


def _errors_text(exc: services.PlanError) -> str:
    return "；".join(m for ms in exc.errors.values() for m in ms)


def _int_param(value: object) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() else None


@login_required
@require_GET
def annual_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if (denied := _not_plan_reader(user)) is not None:
        return denied
    year = _int_param(request.GET.get("year"))
    page = Paginator(selectors.plan_list(user, year), ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "plans/annual_list.html", {
        "page": page, "can_plan": _may_plan(user), "year": year, "years": selectors.plan_years(user),
        "query": urlencode({"year": year}) if year else "",
    })


def _capacity_context(inputs: dict[str, int] | None, scheduled: int = 0) -> dict[str, Any]:
    if inputs is None:
        return {"cap": None, "cap_error": "请填写执法人员数和各项工作日", "inputs": {}}
    try:
        cap = capacity(**inputs, scheduled_times=scheduled)
    except CapacityError as exc:
        return {"cap": None, "cap_error": str(exc), "inputs": inputs}
    return {"cap": cap, "cap_error": "", "inputs": inputs}


def _form_inputs(form: AnnualPlanForm) -> dict[str, int] | None:
    if form.is_bound:
        return workday_inputs(form.data)
    return workday_inputs({n: form.fields[n].initial for n in WORKDAY_FIELDS})


@login_required
def annual_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not _may_plan(user):
        return HttpResponseForbidden(f"{user.get_role_display()}无权编制年度监督检查计划")
    form = AnnualPlanForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(actor=user, data=form.to_data())
        except services.PlanError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, f"已新建年度监督检查计划 {plan.number}（草稿）")
            return redirect("plans:annual_detail", pk=plan.pk)
    return render(request, "plans/annual_form.html", {"form": form, "plan": None, **_capacity_context(
        _form_inputs(form))})


@login_required
def annual_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    if (denied := _not_plan_reader(user)) is not None:
        return denied
    plan = selectors.plan_get(user, pk)
    if not _may_plan(user) or user.org_id != plan.org_id:
        return HttpResponseForbidden("只有编制单位可以修改该计划")
    if not plan.is_draft:
        messages.error(request, "该计划已批准，不能再修改")
        return redirect("plans:annual_detail", pk=plan.pk)
    form = AnnualPlanForm(request.POST or None, user=user, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(actor=user, plan=plan, data=form.to_data())
        except services.PermissionDenied as exc:
            return HttpResponseForbidden(str(exc))
        except services.PlanError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, "已保存")
            return redirect("plans:annual_detail", pk=plan.pk)
    scheduled = sum(i.times for i in plan.items.all())
    return render(request, "plans/annual_form.html", {"form": form, "plan": plan, **_capacity_context(
        _form_inputs(form), scheduled)})


@login_required
@require_GET
def annual_capacity(request: HttpRequest) -> HttpResponse:
    """The derived figures for the inputs typed so far (htmx partial of the plan form)."""
    user = _user(request)
    if not _may_plan(user):
        return HttpResponseForbidden(f"{user.get_role_display()}无权编制年度监督检查计划")
    return render(request, "plans/annual_form.html#capacity", _capacity_context(workday_inputs(request.GET)))


def _picker(user: User, plan: AnnualPlan, form: ItemForm | None) -> dict[str, Any]:
    """The unit chooser of the add form: the office's units in no plan of the year (web/_unit_picker.html)."""
    units = selectors.unplanned_units(user, plan)
    few = list(units[: PICK_LIST_MAX + 1])
    searching = len(few) > PICK_LIST_MAX
    unit_q = str(form.data.get("unit_q") or "") if form is not None and form.is_bound else ""
    suggestions: list[Any] = [] if searching else few
    if searching and unit_q:
        suggestions = list(units.filter(search_q(unit_q))[:SUGGESTIONS])
    return {"chosen": None, "suggestions": suggestions, "searching": searching, "unit_q": unit_q}


def _detail(
    request: HttpRequest, plan: AnnualPlan, *, generate: GenerateForm | None = None, add: ItemForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    state = str(request.GET.get("status") or "")
    state = state if state in selectors.ITEM_STATUSES else ""
    township = str(request.GET.get("township") or "")
    township = township[:9] if township.isdigit() else ""
    items = selectors.plan_items(plan, status=state, township=township)
    page = Paginator(items, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    towns = township_names([i.unit.region_code for i in page])
    rows = [{
        "item": i, "township": towns.get(i.unit.region_code[:9], ""),
        "status": progress_status(i.actual, i.times), "over": i.actual > i.limit,  # type: ignore[attr-defined]
    } for i in page]
    totals = selectors.plan_totals(plan)
    editable = _may_edit(user, plan)
    context: dict[str, Any] = {
        "plan": plan, "page": page, "rows": rows, "totals": totals, "rate": percent(totals.rate, text=False),
        "statuses": selectors.ITEM_STATUSES, "status": state, "township": township,
        "townships": [(d.code[:9], d.name) for d in townships_within(plan.org.region_prefix)],
        "query": urlencode({k: v for k, v in (("status", state), ("township", township)) if v}),
        "unplanned": selectors.unplanned_units(user, plan).count(),
        "editable": editable, "can_approve": user.role in services.PLAN_APPROVERS and plan.is_draft,
        **_capacity_context(workday_inputs({n: getattr(plan, n) for n in WORKDAY_FIELDS}), totals.planned),
    }
    if editable:
        context["generate_form"] = generate or GenerateForm(user=user)
        context["form"] = add or ItemForm()
        context["picker"] = _picker(user, plan, add)
        context["suggest_url"] = reverse("plans:annual_suggest", args=[plan.pk])
        context["quarters"] = QUARTER_CHOICES
    return render(request, "plans/annual_detail.html", context, status=status)


@login_required
@require_GET
def annual_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    if (denied := _not_plan_reader(user)) is not None:
        return denied
    return _detail(request, selectors.plan_get(user, pk))


def _writable(request: HttpRequest, pk: int) -> tuple[User, AnnualPlan | None, HttpResponse | None]:
    """The plan of a write request, or the response refusing it (403 for a reader who may not plan)."""
    user = _user(request)
    if (denied := _not_plan_reader(user)) is not None:
        return user, None, denied
    plan = selectors.plan_get(user, pk)
    if not _may_plan(user):
        return user, plan, HttpResponseForbidden(f"{user.get_role_display()}无权修改年度监督检查计划")
    return user, plan, None


@login_required
@require_POST
def annual_generate(request: HttpRequest, pk: int) -> HttpResponse:
    user, plan, refused = _writable(request, pk)
    if refused is not None:
        return refused
    assert plan is not None
    form = GenerateForm(request.POST, user=user)
    if form.is_valid():
        try:
            report = services.plan_generate(actor=user, plan=plan, criteria=form.to_criteria())
        except services.PermissionDenied as exc:
            return HttpResponseForbidden(str(exc))
        except services.PlanError as exc:
            if "status" in exc.errors:
                messages.error(request, _errors_text(exc))
                return redirect("plans:annual_detail", pk=plan.pk)
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, report.message())
            return redirect("plans:annual_detail", pk=plan.pk)
    return _detail(request, plan, generate=form, status=400)


@login_required
@require_POST
def annual_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    user, plan, refused = _writable(request, pk)
    if refused is not None:
        return refused
    assert plan is not None
    form = ItemForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        unit = Unit.objects.filter(pk=d["unit"]).first()
        try:
            if unit is None:
                raise services.PlanError({"unit": ["请选择单位"]})
            services.plan_add_unit(actor=user, plan=plan, unit=unit, times=d["times"], quarter=d["quarter"],
                                   note=d.get("note") or "")
        except services.PermissionDenied as exc:
            return HttpResponseForbidden(str(exc))
        except services.PlanError as exc:
            if "status" in exc.errors:
                messages.error(request, _errors_text(exc))
                return redirect("plans:annual_detail", pk=plan.pk)
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, f"已列入 {unit.name}")
            return redirect("plans:annual_detail", pk=plan.pk)
    return _detail(request, plan, add=form, status=400)


@login_required
@require_GET
def annual_suggest(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: the office's unplanned units matching the search box, as choices of the add form."""
    user, plan, refused = _writable(request, pk)
    if refused is not None:
        return refused
    assert plan is not None
    q = str(request.GET.get("unit_q") or "").strip()
    units = list(selectors.unplanned_units(user, plan).filter(search_q(q))[:SUGGESTIONS]) if q else []
    return render(request, "web/_unit_picker.html#unit_options", {"picker": {"suggestions": units, "unit_q": q}})


@login_required
@require_POST
def annual_item_times(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    user, plan, refused = _writable(request, pk)
    if refused is not None:
        return refused
    assert plan is not None
    form = ItemForm(request.POST, adding=False)
    if not form.is_valid():
        messages.error(request, "；".join(str(e) for es in form.errors.values() for e in es))
        return redirect("plans:annual_detail", pk=plan.pk)
    try:
        services.plan_set_times(actor=user, plan=plan, item=item, times=form.cleaned_data["times"],
                                quarter=form.cleaned_data["quarter"])
    except services.PermissionDenied as exc:
        return HttpResponseForbidden(str(exc))
    except services.PlanError as exc:
        messages.error(request, _errors_text(exc))
    else:
        messages.success(request, "已修改计划检查次数")
    return redirect("plans:annual_detail", pk=plan.pk)


@login_required
def annual_item_remove(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    """GET: the confirmation step; POST: take the unit out of the draft."""
    user, plan, refused = _writable(request, pk)
    if refused is not None:
        return refused
    assert plan is not None
    found = get_object_or_404(PlanItem.objects.select_related("unit"), plan=plan, pk=item)
    error = ""
    if request.method == "POST":
        try:
            services.plan_remove_item(actor=user, plan=plan, item=found)
        except services.PermissionDenied as exc:
            return HttpResponseForbidden(str(exc))
        except services.PlanError as exc:
            error = _errors_text(exc)
        else:
            messages.success(request, f"已将 {found.unit.name} 移出计划")
            return redirect("plans:annual_detail", pk=plan.pk)
    return render(request, "plans/annual_confirm.html", {
        "plan": plan, "action": "remove", "item": found, "error": error,
        "post_url": reverse("plans:annual_item_remove", args=[plan.pk, found.pk]),
    })


@login_required
def annual_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the confirmation step; POST: 批准 (county office)."""
    user = _user(request)
    if (denied := _not_plan_reader(user)) is not None:
        return denied
    plan = selectors.plan_get(user, pk)
    if user.role not in services.PLAN_APPROVERS:
        return HttpResponseForbidden(f"{user.get_role_display()}无权批准年度监督检查计划")
    error = ""
    if request.method == "POST":
        try:
            services.plan_approve(actor=user, plan=plan)
        except services.PermissionDenied as exc:
            return HttpResponseForbidden(str(exc))
        except services.PlanError as exc:
            error = _errors_text(exc)
        else:
            messages.success(request, f"已批准 {plan.number}")
            return redirect("plans:annual_detail", pk=plan.pk)
    totals = selectors.plan_totals(plan)
    return render(request, "plans/annual_confirm.html", {
        "plan": plan, "action": "approve", "error": error, "totals": totals,
        "post_url": reverse("plans:annual_approve", args=[plan.pk]),
        **_capacity_context(workday_inputs({n: getattr(plan, n) for n in WORKDAY_FIELDS}), totals.planned),
    })


@login_required
@require_GET
def annual_unplanned(request: HttpRequest, pk: int) -> HttpResponse:
    """150号 Art. 4 "no gap": the office's units in no plan of the year, covered by 双随机."""
    user = _user(request)
    if (denied := _not_plan_reader(user)) is not None:
        return denied
    plan = selectors.plan_get(user, pk)
    page = Paginator(selectors.unplanned_units(user, plan), ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    towns = township_names([u.region_code for u in page])
    rows = [{"unit": u, "township": towns.get(u.region_code[:9], "")} for u in page]
    return render(request, "plans/annual_unplanned.html", {"plan": plan, "page": page, "rows": rows, "query": ""})


@login_required
@require_GET
def annual_download(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    if (denied := _not_plan_reader(user)) is not None:
        return denied
    plan = selectors.plan_get(user, pk)
    content = annual_xlsx(plan, list(selectors.plan_items(plan)), selectors.plan_totals(plan))
    audit.record(actor=user, action="annual_plan.export", obj=plan)
    return download(content, f"{plan.number}年度监督检查计划.xlsx")
