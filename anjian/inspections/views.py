"""Inspection pages: list with filters, detail with checklist results, create; groups and people."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from anjian.campaigns.models import Campaign
from anjian.hazards.models import MajorCriterion
from anjian.inspections import selectors, services
from anjian.inspections.forms import GroupForm, InspectionForm, ItemHazardForm, PersonForm
from anjian.inspections.models import ChecklistItem, InspectionKind, ItemResult

if TYPE_CHECKING:
    from anjian.accounts.models import User

PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _errors_to_form(form: Any, exc: services.InspectionError) -> None:
    for name, reasons in exc.errors.items():
        for reason in reasons:
            form.add_error(name if name in form.fields else None, reason)


@login_required
def inspection_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    filters = selectors.filters_from_params(request.GET)
    qs = selectors.inspection_list(user, filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filters": filters,
        "query": query.urlencode(),
        "kinds": InspectionKind.choices,
        "groups": selectors.group_list(user),
        "campaigns": Campaign.objects.filter(services.people_q(user)),
        "cases": selectors.CASE_CHOICES,
        "can_edit": user.role in services.CREATORS,
    }
    return render(request, "inspections/list.html", context)


@login_required
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    inspection = selectors.inspection_get(user, pk)
    results = {r.item_id: r for r in inspection.items.select_related("hazard")}
    items = []
    if inspection.checklist_id is not None:
        for item in inspection.checklist.items.all():  # type: ignore[union-attr]
            items.append({"item": item, "result": results.get(item.pk)})
    context = {
        "inspection": inspection,
        "officials": inspection.officials.all(),
        "experts": inspection.experts.all(),
        "items": items,
        "results": ItemResult.choices,
        "hazards": inspection.hazards.all(),
        "follow_ups": selectors.inspection_list(user).filter(follows=inspection),
        "criteria": MajorCriterion.objects.all(),
        "can_edit": user.role in services.CREATORS,
        "attachments": inspection.attachments.all(),
        "close_refusal": services.case_close_refusal(inspection),
    }
    return render(request, "inspections/detail.html", context)


@login_required
@require_POST
def inspection_attach(request: HttpRequest, pk: int) -> HttpResponse:
    """照片、签字材料: several files at once, from the camera or the gallery."""
    inspection = selectors.inspection_get(_user(request), pk)
    try:
        saved = services.inspection_attach(
            actor=_user(request), inspection=inspection, files=request.FILES.getlist("files")
        )
    except services.PermissionDenied as exc:
        return HttpResponseForbidden(str(exc))
    except services.InspectionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已上传{len(saved)}个文件")
    return redirect("inspections:detail", inspection.pk)


@login_required
@require_GET
def attachment(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    """One stored file, streamed only to someone who may see its inspection (never from MEDIA_URL)."""
    item = selectors.attachment_get(_user(request), pk, attachment_pk)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("文件不存在") from exc
    response = FileResponse(
        handle,
        content_type=item.content_type,
        as_attachment=not item.is_image,
        filename=item.name or item.sha256[:12],
    )
    response["Cache-Control"] = "private, max-age=86400, immutable"  # the content never changes (its hash)
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Content-SHA256"] = item.sha256
    return response


@login_required
@require_POST
def inspection_close(request: HttpRequest, pk: int) -> HttpResponse:
    """结案: only once every hazard the inspection found is closed."""
    inspection = selectors.inspection_get(_user(request), pk)
    try:
        services.inspection_close_case(actor=_user(request), inspection=inspection)
    except services.PermissionDenied as exc:
        return HttpResponseForbidden(str(exc))
    except services.InspectionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已结案")
    return redirect("inspections:detail", inspection.pk)


@login_required
def inspection_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if user.role not in services.CREATORS:
        return HttpResponseForbidden(f"{user.get_role_display()}无权录入监督检查")
    follows = None
    if request.GET.get("follows") or request.POST.get("follows"):
        follows = selectors.inspection_get(user, request.GET.get("follows") or request.POST["follows"])
    initial = {"unit": follows.unit_id, "kind": InspectionKind.FOLLOW_UP} if follows else {}
    form = InspectionForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        data = services.InspectionData(
            unit=d["unit"],
            kind=d["kind"],
            date=d["date"],
            group=d["group"],
            officials=list(d["officials"]),
            experts=list(d["experts"]),
            official_count=d["official_count"] or 0,
            expert_count=d["expert_count"] or 0,
            campaign=d["campaign"],
            checklist=d["checklist"],
            findings=d["findings"],
            follows=follows,
        )
        try:
            inspection = services.inspection_create(actor=user, data=data)
        except services.InspectionError as exc:
            _errors_to_form(form, exc)
        except services.PermissionDenied as exc:
            return HttpResponseForbidden(str(exc))
        else:
            messages.success(request, f"已录入检查记录 {inspection.number}")
            return redirect("inspections:detail", inspection.pk)
    return render(request, "inspections/form.html", {"form": form, "follows": follows, "title": "录入检查"})


def _item(request: HttpRequest, pk: int, item_id: int) -> tuple[Any, ChecklistItem]:
    inspection = selectors.inspection_get(_user(request), pk)
    item = get_object_or_404(ChecklistItem, pk=item_id, checklist_id=inspection.checklist_id)
    return inspection, item


@login_required
@require_POST
def item_result(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    inspection, item = _item(request, pk, item_id)
    try:
        services.record_item_result(
            actor=_user(request),
            inspection=inspection,
            item=item,
            result=request.POST.get("result", ""),
            note=request.POST.get("note", ""),
        )
    except services.PermissionDenied as exc:
        return HttpResponseForbidden(str(exc))
    except services.InspectionError as exc:
        messages.error(request, str(exc))
    return redirect("inspections:detail", inspection.pk)


@login_required
@require_POST
def item_hazard(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    """转为隐患: the failed item is reported as a hazard of this inspection in one step."""
    inspection, item = _item(request, pk, item_id)
    form = ItemHazardForm(request.POST)
    form.is_valid()
    criterion = MajorCriterion.objects.filter(pk=request.POST.get("criterion") or 0).first()
    try:
        _, hazard, notices = services.fail_item_to_hazard(
            actor=_user(request),
            inspection=inspection,
            item=item,
            note=form.cleaned_data.get("note", ""),
            criterion=criterion,
        )
    except services.PermissionDenied as exc:
        return HttpResponseForbidden(str(exc))
    except services.InspectionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已转为隐患 {hazard.number}")
        for notice in notices:
            messages.warning(request, notice)
    return redirect("inspections:detail", inspection.pk)


@login_required
@require_POST
def inspection_sign(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = selectors.inspection_get(_user(request), pk)
    try:
        services.inspection_sign(
            actor=_user(request), inspection=inspection, signatory=request.POST.get("signatory", "")
        )
    except services.PermissionDenied as exc:
        return HttpResponseForbidden(str(exc))
    except services.InspectionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已记录现场签字")
    return redirect("inspections:detail", inspection.pk)


@login_required
def group_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(
        request,
        "inspections/groups.html",
        {"groups": selectors.group_list(user), "can_edit": user.role in services.CREATORS},
    )


@login_required
def group_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if user.role not in services.CREATORS:
        return HttpResponseForbidden(f"{user.get_role_display()}无权组建检查组")
    form = GroupForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.group_create(
                actor=user,
                data=services.GroupData(
                    name=d["name"],
                    leader=d["leader"],
                    members=list(d["members"]),
                    start=d["start"],
                    end=d["end"],
                    campaign=d["campaign"],
                ),
            )
        except services.InspectionError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, "已组建检查组")
            return redirect("inspections:groups")
    return render(request, "inspections/form.html", {"form": form, "title": "组建检查组"})


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    kind = request.GET.get("kind", "")
    return render(
        request,
        "inspections/people.html",
        {"people": selectors.person_list(user, kind), "kind": kind, "can_edit": user.role in services.CREATORS},
    )


@login_required
def person_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if user.role not in services.CREATORS:
        return HttpResponseForbidden(f"{user.get_role_display()}无权登记人员")
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.person_create(
                actor=user,
                data=services.PersonData(
                    kind=d["kind"],
                    name=d["name"],
                    cert_no=d["cert_no"],
                    phone=d["phone"],
                    expert_level=d["expert_level"],
                    employer=d["employer"],
                    sectors=list(d["sectors"]),
                    available=d["available"],
                ),
            )
        except services.InspectionError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, "已登记人员")
            return redirect("inspections:people")
    return render(request, "inspections/form.html", {"form": form, "title": "登记人员"})
