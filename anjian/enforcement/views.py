"""Enforcement pages: actions (list, detail, create, documents, penalty history), interviews.

Reads go through ``selectors`` (scope first: out of scope is 404), writes through ``services``
and ``documents`` (validation, audit). Roles outside ``services.ENFORCERS`` read only: their
writes are refused with 403 and a reason in Chinese. Downloads are scoped views, never MEDIA_URL links.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from anjian.campaigns.models import Campaign
from anjian.core.params import param_int
from anjian.core.scope import scoped
from anjian.enforcement import selectors, services
from anjian.enforcement.documents import document_issue
from anjian.enforcement.filters import action_filters, filtered_actions, filtered_interviews, interview_filters
from anjian.enforcement.forms import ActionEditForm, ActionForm, InterviewForm, PenaltyForm
from anjian.enforcement.models import ActionKind, DocumentType, EnforcementAction, InterviewKind, PenaltyStage
from anjian.inspections.models import Inspection
from anjian.inspections.services import people_q
from anjian.units.models import Unit
from anjian.web.downloads import DOCX

if TYPE_CHECKING:
    from anjian.accounts.models import User

PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _can_write(user: User) -> bool:
    return user.role in services.ENFORCERS


def _denied(user: User) -> HttpResponseForbidden:
    return HttpResponseForbidden(f"{user.get_role_display()}无权办理执法事项")


def _errors_to_form(form: Any, exc: services.EnforcementError) -> None:
    aliases = {"fine": "fine", "hazard_ids": "hazards", "unit_id": "unit", "inspection_id": "inspection"}
    for name, reasons in exc.errors.items():
        field = aliases.get(name, name)
        for reason in reasons:
            form.add_error(field if field in form.fields else None, reason)


def allowed_documents(action: EnforcementAction) -> list[tuple[str, str]]:
    """The document types offered on an action's page (``documents._validate`` has the last word)."""
    types: list[str] = []
    if action.inspection_id is not None:
        types.append(DocumentType.SITE_RECORD)
    if action.kind == ActionKind.ORDER_RECTIFY:
        types.append(DocumentType.RECTIFY_ORDER)
    if action.inspection_id is not None or action.kind == ActionKind.ORDER_RECTIFY:
        types.append(DocumentType.REVIEW_OPINION)
    if action.kind == ActionKind.PENALTY:
        types.append(DocumentType.PENALTY_DECISION)
    return [(t, DocumentType(t).label) for t in types]


# --- actions ------------------------------------------------------------------------------------


@login_required
def action_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    filters = action_filters(request.GET)
    page = Paginator(filtered_actions(user, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    unit = scoped(user, Unit.objects.filter(pk=filters["unit"])).first() if filters["unit"] else None
    context = {
        "page": page,
        "filters": filters,
        "filter_unit": unit,
        "query": query.urlencode(),
        "kinds": ActionKind.choices,
        "campaigns": Campaign.objects.filter(people_q(user)),
        "can_edit": _can_write(user),
    }
    template = "enforcement/list.html#results" if request.htmx else "enforcement/list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


def _detail_context(user: User, action: EnforcementAction, penalty_form: PenaltyForm | None = None) -> dict[str, Any]:
    return {
        "action": action,
        "hazards": action.hazards.order_by("found_on", "id"),
        "events": action.penalty_events.select_related("recorded_by"),
        "documents": action.documents.select_related("issued_by").order_by("issued_on", "id"),
        "doc_types": allowed_documents(action),
        "is_penalty": action.kind == ActionKind.PENALTY,
        "penalty_form": penalty_form or PenaltyForm(),
        "can_edit": _can_write(user),
    }


@login_required
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    action = selectors.action_get(user, pk)
    return render(request, "enforcement/detail.html", _detail_context(user, action))


@login_required
def action_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not _can_write(user):
        return _denied(user)
    source = request.POST if request.method == "POST" else request.GET
    initial: dict[str, Any] = {}
    inspection = None
    if source.get("inspection"):
        inspection = scoped(user, Inspection.objects.filter(pk=param_int(source.get("inspection")) or 0)).first()
    unit = scoped(user, Unit.objects.filter(pk=param_int(source.get("unit")) or 0)).first()
    if unit is None and inspection is not None:
        unit = inspection.unit
    if request.method != "POST":
        if unit is not None:
            initial["unit"] = unit.pk
        if inspection is not None:
            initial["inspection"] = inspection.pk
        if source.get("kind") in ActionKind.values:
            initial["kind"] = source["kind"]
    form = ActionForm(request.POST or None, user=user, unit=unit, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        data = services.ActionData(
            unit=d["unit"],
            kind=d["kind"],
            date=d["date"],
            inspection=d["inspection"],
            hazards=list(d["hazards"]),
            campaign=d["campaign"],
            cause=d["cause"],
            legal_basis=d["legal_basis"],
            fine=d["fine"] if d["kind"] == ActionKind.PENALTY else None,
        )
        try:
            action = services.action_create(actor=user, data=data)
        except services.PermissionDenied as exc:
            return HttpResponseForbidden(str(exc))
        except services.EnforcementError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, f"已录入执法措施 {action.number}")
            return redirect("enforcement:detail", action.pk)
    return render(request, "enforcement/action_form.html", {"form": form, "title": "录入执法措施"})


@login_required
@require_POST
def action_document(request: HttpRequest, pk: int) -> HttpResponse:
    """签发文书: take the next 文号, render the .docx and keep it with the action."""
    user = _user(request)
    action = selectors.action_get(user, pk)
    if not _can_write(user):
        return _denied(user)
    doc_type = request.POST.get("doc_type", "")
    if doc_type not in dict(allowed_documents(action)):
        messages.error(request, "该执法措施不能签发这种文书")
        return redirect("enforcement:detail", action.pk)
    try:
        document = document_issue(actor=user, doc_type=doc_type, action=action)
    except services.PermissionDenied as exc:
        return HttpResponseForbidden(str(exc))
    except services.EnforcementError as exc:
        messages.error(request, "；".join(m for reasons in exc.errors.values() for m in reasons))
    else:
        messages.success(request, f"已签发{document.get_doc_type_display()} {document.number}")
    return redirect("enforcement:detail", action.pk)


@login_required
@require_POST
def action_penalty(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a penalty stage (变更、复议、诉讼、缴纳、强制执行)."""
    user = _user(request)
    action = selectors.action_get(user, pk)
    if not _can_write(user):
        return _denied(user)
    if action.kind != ActionKind.PENALTY:
        messages.error(request, "只有行政处罚才有处罚记录")
        return redirect("enforcement:detail", action.pk)
    form = PenaltyForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.penalty_record(
                actor=user, action=action, stage=d["stage"], date=d["date"], amount=d["amount"], note=d["note"]
            )
        except services.PermissionDenied as exc:
            return HttpResponseForbidden(str(exc))
        except services.EnforcementError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, f"已记录{PenaltyStage(d['stage']).label}")
            return redirect("enforcement:detail", action.pk)
    context = _detail_context(user, action, penalty_form=form)
    return render(request, "enforcement/detail.html", context, status=422)


@login_required
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    """The .docx of a document in the user's scope; 404 otherwise (scope rule)."""
    document = selectors.document_get(request.user, pk)  # type: ignore[arg-type]
    response = FileResponse(document.file.open("rb"), content_type=DOCX)
    name = f"{document.number}{document.get_doc_type_display()}.docx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def document_list(request: HttpRequest) -> HttpResponse:
    """执法文书: the issued documents in scope; the statistics' 执法文书数 opens it (stats.links)."""
    user = _user(request)
    filters = selectors.DocumentFilters.from_params(request.GET)
    page = Paginator(selectors.document_list(user, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filters": filters,
        "query": query.urlencode(),
        # The statistics' filters have no field in the form: hidden, so a change of type or dates keeps them.
        "kept": list(filters.click_through().items()),
        "doc_types": DocumentType.choices,
        # A document stays in its region; its unit may have moved out of the user's scope since (no link then).
        "visible_units": selectors.visible_unit_ids(user, {d.unit_id for d in page.object_list}),
    }
    template = "enforcement/documents.html#results" if request.htmx else "enforcement/documents.html"  # type: ignore[attr-defined]
    return render(request, template, context)


# --- interviews, notices, exposure --------------------------------------------------------------


@login_required
def interview_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    filters = interview_filters(request.GET)
    page = Paginator(filtered_interviews(user, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    # Every filter of the request (the statistics pages link here with several) survives paging and
    # a change of the form's fields.
    shown = {"q", "kind", "from", "to"}
    kept = [(k, v) for k, values in query.lists() if k not in shown for v in values]
    context = {
        "page": page,
        "filters": filters,
        "query": query.urlencode(),
        "kept": kept,
        "kinds": InterviewKind.choices,
        # Several kinds at once (约谈 + 通报, from a statistics link) get an option of their own.
        "several_kinds": (
            (",".join(filters["kinds"]), "、".join(InterviewKind(k).label for k in filters["kinds"]))
            if len(filters["kinds"]) > 1
            else None
        ),
        "can_edit": _can_write(user),
    }
    template = "enforcement/interviews.html#results" if request.htmx else "enforcement/interviews.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@login_required
def interview_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    interview = selectors.interview_get(user, pk)
    # Only the named units the user may see (an interview may also name units of another township).
    units = scoped(user, interview.units.all()).distinct()
    hidden = interview.units.exclude(pk__in=units.values("pk")).count()
    return render(
        request,
        "enforcement/interview_detail.html",
        {"interview": interview, "units": units, "hidden_units": hidden, "can_edit": _can_write(user)},
    )


@login_required
def interview_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not _can_write(user):
        return _denied(user)
    initial: dict[str, Any] = {}
    if request.method != "POST" and request.GET.get("unit"):
        initial["units"] = list(
            scoped(user, Unit.objects.filter(pk=param_int(request.GET.get("unit")) or 0)).values_list("pk", flat=True)
        )
    form = InterviewForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        data = services.InterviewData(
            kind=d["kind"],
            date=d["date"],
            units=list(d["units"]),
            persons=d["persons"] or 0,
            person_names=d["person_names"],
            reason=d["reason"],
            campaign=d["campaign"],
        )
        try:
            interview = services.interview_create(actor=user, data=data)
        except services.PermissionDenied as exc:
            return HttpResponseForbidden(str(exc))
        except services.EnforcementError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, f"已录入{interview.get_kind_display()} {interview.number}")
            return redirect("enforcement:interview_detail", interview.pk)
    return render(request, "enforcement/interview_form.html", {"form": form, "title": "录入约谈、通报、警示曝光"})


@login_required
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct the descriptive facts of an action (date, inspection, campaign, cause, legal basis)."""
    user = _user(request)
    action = selectors.action_get(user, pk)
    if not _can_write(user):
        return _denied(user)
    initial = {
        "date": action.date,
        "inspection": action.inspection_id,
        "campaign": action.campaign_id,
        "cause": action.cause,
        "legal_basis": action.legal_basis,
    }
    form = ActionEditForm(request.POST or None, user=user, action=action, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        data = services.ActionData(
            unit=action.unit,
            kind=action.kind,
            date=d["date"],
            number=action.number,
            inspection=d["inspection"],
            hazards=list(action.hazards.all()),
            campaign=d["campaign"],
            cause=d["cause"],
            legal_basis=d["legal_basis"],
            fine=action.fine_current,
        )
        try:
            services.action_update(actor=user, action=action, data=data)
        except services.PermissionDenied as exc:
            return HttpResponseForbidden(str(exc))
        except services.EnforcementError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, "已保存")
            return redirect("enforcement:detail", pk=action.pk)
    return render(
        request, "enforcement/action_edit.html", {"form": form, "title": f"修改 {action.number}", "action": action}
    )
