"""Hazard pages: list with filters, the phone-first report form, detail with timeline and step forms.

Thin views: reads through ``selectors`` (scope first: out of scope is a 404), writes through
``services``. A step the user may not take answers with the workflow's Chinese reason and
changes nothing; invalid input re-renders the page with the form's errors.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from anjian.accounts.roles import LEDGER_IMPORTERS
from anjian.core.scope import region_prefix
from anjian.hazards import selectors, services, workflow
from anjian.hazards.filters import filters_from_params
from anjian.hazards.forms import (
    CATEGORIES,
    AttachForm,
    ExtendDecideForm,
    ExtendRequestForm,
    NoteForm,
    PlanForm,
    ReportForm,
    SignForm,
    SubmitForm,
    SuperviseForm,
    VerifyForm,
    can_report,
    reportable_units,
)
from anjian.hazards.links import LINK_STATES
from anjian.hazards.models import (
    Attachment,
    AttachmentKind,
    ExtensionStatus,
    Hazard,
    Level,
    SignoffParty,
    Source,
    Status,
)
from anjian.hazards.services import EVENT_LABELS, PLAN_FIELDS, HazardError, StepDenied
from anjian.regions.models import Division, Grid
from anjian.regions.models import Level as DivisionLevel
from anjian.units.forms import sectors_for
from anjian.units.selectors import UnitFilters, unit_get, unit_list
from anjian.web import todo

if TYPE_CHECKING:
    from anjian.accounts.models import User

PAGE_SIZE = 30
SUGGESTIONS = 10
# Up to this many units in scope (a grid worker's grid, a unit's own staff) are listed to tap on.
PICK_LIST_MAX = 12


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


# --- list -------------------------------------------------------------------------------------


@login_required
def hazard_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    filters = filters_from_params(request.GET)
    # ?todo=<key>: exactly the hazards a to-do count of the home page counted (anjian.web.todo).
    todo_key = str(request.GET.get("todo") or "")
    todo_label, extra = todo.conditions(user).get(todo_key, ("", Q())) if todo_key else ("", Q())
    qs = selectors.hazard_list(user, filters).filter(extra)
    # The status tabs count everything that matches the other filters (one aggregate query).
    base = selectors.hazard_list(user, dataclasses.replace(filters, status="", overdue=None)).filter(extra)
    counts = base.order_by().aggregate(
        all=Count("pk"),
        **{s.value: Count("pk", filter=Q(status=s.value)) for s in Status},
        overdue=Count("pk", filter=selectors.overdue_q()),
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    tabs_query = query.copy()
    for key in ("status", "overdue"):
        tabs_query.pop(key, None)
    prefix = region_prefix(user) or ""
    unit_name = ""
    if filters.unit:
        unit = unit_list(user, UnitFilters(active=None)).filter(pk=filters.unit).first()
        unit_name = unit.name if unit else "（不在辖区内的单位）"
    context = {
        "page": page,
        "filters": filters,
        "query": query.urlencode(),
        "tabs_query": tabs_query.urlencode(),
        "counts": counts,
        "status_tabs": [(value, label, counts[value]) for value, label in Status.choices],
        "todo_key": todo_key if todo_label else "",
        "todo_label": todo_label,
        "unit_name": unit_name,
        "statuses": Status.choices,
        "levels": Level.choices,
        "sources": Source.choices,
        "townships": Division.objects.filter(code__startswith=prefix, level=DivisionLevel.TOWNSHIP)
        if prefix
        else Division.objects.none(),
        "grids": Grid.objects.filter(region_code__startswith=(filters.township or prefix)) if prefix else [],
        "sectors": sectors_for(user),
        "can_report": can_report(user),
        "can_import": user.role in LEDGER_IMPORTERS,
        "today": timezone.localdate(),
    }
    template = "hazards/list.html#results" if request.htmx else "hazards/list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


# --- report -----------------------------------------------------------------------------------


def _unit_choices(user: User, form: ReportForm, preselect: str | None) -> dict[str, Any]:
    """What the unit picker shows: the chosen unit, or a short list to tap on, or a search box."""
    units = reportable_units(user)
    chosen_pk = form.data.get("unit") if form.is_bound else preselect
    chosen = units.filter(pk=chosen_pk).first() if chosen_pk and str(chosen_pk).isdigit() else None
    few = list(units.order_by("name_pinyin", "id")[: PICK_LIST_MAX + 1])
    searching = len(few) > PICK_LIST_MAX
    suggestions: list[Any] = [] if searching else few
    unit_q = str(form.data.get("unit_q") or "") if form.is_bound else ""
    if searching and unit_q and chosen is None:
        # Without JavaScript the search box is sent with the form: answer with the matches.
        suggestions = list(unit_list(user, UnitFilters(q=unit_q))[:SUGGESTIONS])
    if chosen is None and not form.is_bound and len(few) == 1:
        chosen = few[0]  # a unit's own staff, a grid with one unit: nothing to choose
    if chosen is not None and chosen not in suggestions:
        suggestions = [chosen, *suggestions]
    return {"chosen": chosen, "suggestions": suggestions, "searching": searching, "unit_q": unit_q}


@login_required
def hazard_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not can_report(user):
        return _refused(request, f"{user.get_role_display()}不能上报隐患")
    form = ReportForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            hazard, created = services.hazard_report(
                actor=user, data=form.to_data(), idempotency_key=str(form.cleaned_data["idempotency_key"])
            )
        except HazardError as exc:
            form.add_service_errors(exc.errors)
        else:
            if created:
                messages.success(request, f"已上报隐患 {hazard.number}")
            else:
                messages.info(request, f"该隐患已上报（{hazard.number}），重复提交未再次登记")
            return redirect("hazards:detail", pk=hazard.pk)
    files_lost = request.method == "POST" and bool(request.FILES)
    return render(
        request,
        "hazards/report.html",
        {
            "form": form,
            "picker": _unit_choices(user, form, request.GET.get("unit")),
            "categories": CATEGORIES,
            "files_lost": files_lost,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def unit_suggest(request: HttpRequest) -> HttpResponse:
    """htmx: units in scope matching the search box, as choices of the report form."""
    user = _user(request)
    q = str(request.GET.get("unit_q") or "").strip()
    units = list(unit_list(user, UnitFilters(q=q))[:SUGGESTIONS]) if q else []
    return render(request, "web/_unit_picker.html#unit_options", {"picker": {"suggestions": units, "unit_q": q}})


# --- detail -----------------------------------------------------------------------------------


def _label(kind: str) -> str:
    step = workflow.STEPS.get(kind)
    return step.label if step else EVENT_LABELS.get(kind, kind)


def _event_details(kind: str, data: dict[str, Any]) -> str:
    if kind == "report":
        level = Level(data["level"]).label if data.get("level") in Level.values else ""
        return f"{level}隐患，整改期限 {data.get('deadline', '')}".strip()
    if kind == "submit" and data.get("rectified_on"):
        return f"整改完成日期 {data['rectified_on']}"
    if kind == "extend_request":
        return f"申请延至 {data.get('new_deadline', '')}"
    if kind == "extend_decide":
        return ("批准，期限改为 " + str(data.get("deadline", ""))) if data.get("approved") else "驳回"
    if kind == "sign" and data.get("party") in SignoffParty.values:
        return f"{SignoffParty(data['party']).label}签字（第 {data.get('round', 1)} 轮）"
    if kind == "supervise":
        return f"{data.get('org', '')}挂牌督办至 {data.get('until', '')}"
    if kind == "plan":
        return "治理方案：" + "；".join(f"{PLAN_FIELDS[k]} {v}" for k, v in (data.get("plan") or {}).items() if v)
    return ""


def _forms(user: User, hazard: Hazard, steps: set[str]) -> dict[str, Form]:
    """A fresh form for each step the user may take now."""
    out: dict[str, Form] = {}
    if "claim" in steps:
        out["claim"] = NoteForm(prefix="claim")
    if "submit" in steps:
        out["submit"] = SubmitForm(prefix="submit")
    if "verify_pass" in steps or "verify_fail" in steps:
        out["verify"] = VerifyForm(prefix="verify")
    if "extend_request" in steps:
        out["extend"] = ExtendRequestForm(prefix="extend")
    if "plan" in steps:
        out["plan"] = PlanForm(prefix="plan", hazard=hazard)
    if "supervise" in steps:
        out["supervise"] = SuperviseForm(prefix="supervise")
    if "lift" in steps:
        out["lift"] = NoteForm(prefix="lift")
    if "sign" in steps:
        signed = hazard.signoffs.filter(round=services.signoff_round(hazard)).values_list("party", flat=True)
        sign = SignForm(prefix="sign", user=user, signed=list(signed))
        if sign.has_parties:
            out["sign"] = sign
    if services.may_attach(user, hazard) is None:
        out["attach"] = AttachForm(prefix="attach", user=user)
    return out


def _detail(
    request: HttpRequest,
    hazard: Hazard,
    *,
    bound: dict[str, Form] | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    hazard = selectors.hazard_get(user, hazard.pk)  # fresh, and in scope
    steps = {s.name for s in workflow.available(user, hazard)}
    forms = _forms(user, hazard, steps)
    forms.update(bound or {})
    attachments = list(hazard.attachments.select_related("uploaded_by"))
    by_id = {a.pk: a for a in attachments}
    timeline = [
        {
            "event": e,
            "label": _label(e.kind),
            "details": _event_details(e.kind, e.data or {}),
            "attachments": [by_id[a["id"]] for a in (e.data or {}).get("attachments", []) if a.get("id") in by_id],
        }
        for e in selectors.hazard_events(user, hazard)
    ]
    rnd = services.signoff_round(hazard)
    signoffs = {s.party: s for s in hazard.signoffs.filter(round=rnd).select_related("user")}
    extensions = list(hazard.extensions.select_related("requested_by", "decided_by"))
    decide = (bound or {}).get("extend_decide")
    pending = [x for x in extensions if x.status == ExtensionStatus.PENDING]
    supervisions = list(hazard.supervisions.select_related("org", "placed_by", "lifted_by"))
    context = {
        "hazard": hazard,
        "forms": forms,
        "error": error,
        "timeline": timeline,
        "photos": [a for a in attachments if a.kind == AttachmentKind.FOUND],
        "evidence": [a for a in attachments if a.kind != AttachmentKind.FOUND],
        "plan": [(label, (hazard.plan or {}).get(k, "")) for k, label in PLAN_FIELDS.items()],
        "signoffs": [(SignoffParty(p).label, signoffs.get(p)) for p in SignoffParty.values],
        "signoff_round": rnd,
        "extensions": extensions,
        "pending_extensions": pending,
        "can_decide": "extend_decide" in steps and bool(pending),
        "pending_forms": [
            (
                x,
                decide
                if decide is not None and decide.prefix == f"decide-{x.pk}"
                else ExtendDecideForm(prefix=f"decide-{x.pk}"),
            )
            for x in pending
        ],
        "active_supervision": next((s for s in supervisions if s.lifted_on is None), None),
        # A unit without an account gets a one-time link (anjian.hazards.links decides on POST).
        "can_send_link": user.role in workflow.SUPERVISORS and hazard.status in LINK_STATES,
        "supervisions": supervisions,
        "can_report": can_report(user),
        "overdue": hazard.is_overdue(),
    }
    if "lift" in forms and context["active_supervision"] is None:
        del forms["lift"]
    if "supervise" in forms and context["active_supervision"] is not None:
        del forms["supervise"]
    return render(request, "hazards/detail.html", context, status=status)


@login_required
def hazard_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.hazard_get(_user(request), pk))


@login_required
@require_GET
def attachment(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    """One stored file, streamed only to someone who may see its hazard (never from MEDIA_URL)."""
    hazard = selectors.hazard_get(_user(request), pk)
    item: Attachment | None = hazard.attachments.filter(pk=attachment_pk).first()
    if item is None:
        raise Http404("未找到该文件")
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("文件不存在") from exc
    image = item.content_type.startswith("image/")
    response = FileResponse(
        handle, content_type=item.content_type, as_attachment=not image, filename=item.name or f"{item.sha256[:12]}"
    )
    response["Cache-Control"] = "private, max-age=86400, immutable"  # the content never changes (its hash)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def unit_section(request: HttpRequest, unit_pk: int) -> HttpResponse:
    """htmx partial for the unit page: the unit's latest hazards."""
    user = _user(request)
    unit = unit_get(user, unit_pk)
    qs = selectors.hazard_list(user, selectors.HazardFilters(unit=unit.pk))
    return render(
        request,
        "hazards/unit_section.html",
        {"unit": unit, "hazards": list(qs[:10]), "total": qs.count(), "today": timezone.localdate()},
    )


# --- steps ------------------------------------------------------------------------------------


def _refused(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "hazards/refused.html", {"reason": reason}, status=403)


def _step(
    request: HttpRequest,
    pk: int,
    key: str,
    make_form: Callable[[User, Hazard], Form],
    act: Callable[[User, Hazard, Any], str],
    step: str | Callable[[Form], str] | None = None,
) -> HttpResponse:
    """Check the step, validate its form, call the service; re-render the page on refusal or error."""
    user = _user(request)
    hazard = selectors.hazard_get(user, pk)
    form = make_form(user, hazard)
    try:
        if step is not None:
            workflow.check(step(form) if callable(step) else step, user, hazard)
        if form.is_valid():
            message = act(user, hazard, form)
            messages.success(request, message)
            return redirect("hazards:detail", pk=hazard.pk)
    except StepDenied as exc:
        return _detail(request, hazard, bound={key: form}, error=str(exc), status=403)
    except HazardError as exc:
        form.add_service_errors(exc.errors)  # type: ignore[attr-defined]
    reasons = "；".join(str(m) for ms in form.errors.values() for m in ms)
    return _detail(request, hazard, bound={key: form}, error=f"未能办理：{reasons}", status=400)


def _post(request: HttpRequest, form_class: type[Form], key: str, **kw: Any) -> Form:
    return form_class(request.POST, request.FILES, prefix=key, **kw)


@login_required
@require_POST
def claim(request: HttpRequest, pk: int) -> HttpResponse:
    def act(user: User, hazard: Hazard, form: Any) -> str:
        services.hazard_claim(actor=user, hazard=hazard, note=form.cleaned_data["note"])
        return "已签字认领，请按期整改"

    return _step(request, pk, "claim", lambda u, h: _post(request, NoteForm, "claim"), act, "claim")


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    def act(user: User, hazard: Hazard, form: Any) -> str:
        d = form.cleaned_data
        services.hazard_submit(
            actor=user, hazard=hazard, note=d["note"], files=d["evidence"], rectified_on=d["rectified_on"]
        )
        return "已提交整改，等待验收"

    return _step(request, pk, "submit", lambda u, h: _post(request, SubmitForm, "submit"), act, "submit")


@login_required
@require_POST
def verify(request: HttpRequest, pk: int) -> HttpResponse:
    def act(user: User, hazard: Hazard, form: Any) -> str:
        passed = form.step == "verify_pass"
        d = form.cleaned_data
        services.hazard_verify(actor=user, hazard=hazard, passed=passed, note=d["note"], files=d["evidence"])
        return "验收通过，隐患已销号" if passed else "验收不通过，已退回整改"

    def step(form: Form) -> str:
        return cast(VerifyForm, form).step

    return _step(request, pk, "verify", lambda u, h: _post(request, VerifyForm, "verify"), act, step)


@login_required
@require_POST
def extend(request: HttpRequest, pk: int) -> HttpResponse:
    def act(user: User, hazard: Hazard, form: Any) -> str:
        d = form.cleaned_data
        ext = services.hazard_extend_request(
            actor=user, hazard=hazard, new_deadline=d["new_deadline"], reason=d["reason"]
        )
        if ext.status == ExtensionStatus.APPROVED:
            return f"整改期限已延至 {ext.new_deadline:%Y-%m-%d}"
        return "已提交延期申请，等待审批"

    return _step(request, pk, "extend", lambda u, h: _post(request, ExtendRequestForm, "extend"), act, "extend_request")


@login_required
@require_POST
def extend_decide(request: HttpRequest, pk: int, extension_pk: int) -> HttpResponse:
    user = _user(request)
    extension = selectors.extension_get(user, extension_pk)
    if extension.hazard_id != pk:
        raise Http404("未找到该记录")

    def act(user: User, hazard: Hazard, form: Any) -> str:
        approved = form.cleaned_data["decision"] == "approve"
        services.hazard_extend_decide(
            actor=user, extension=extension, approved=approved, note=form.cleaned_data["note"]
        )
        return f"已批准延期至 {extension.new_deadline:%Y-%m-%d}" if approved else "已驳回延期申请"

    return _step(
        request,
        pk,
        "extend_decide",
        lambda u, h: _post(request, ExtendDecideForm, f"decide-{extension.pk}"),
        act,
        "extend_decide",
    )


@login_required
@require_POST
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    def act(user: User, hazard: Hazard, form: Any) -> str:
        services.hazard_plan(actor=user, hazard=hazard, plan=form.plan())
        return "已保存治理方案"

    return _step(request, pk, "plan", lambda u, h: _post(request, PlanForm, "plan", hazard=h), act, "plan")


@login_required
@require_POST
def supervise(request: HttpRequest, pk: int) -> HttpResponse:
    def act(user: User, hazard: Hazard, form: Any) -> str:
        d = form.cleaned_data
        item = services.hazard_supervise(actor=user, hazard=hazard, until=d["until"], note=d["note"])
        return f"已挂牌督办至 {item.until:%Y-%m-%d}"

    return _step(request, pk, "supervise", lambda u, h: _post(request, SuperviseForm, "supervise"), act, "supervise")


@login_required
@require_POST
def lift(request: HttpRequest, pk: int) -> HttpResponse:
    def act(user: User, hazard: Hazard, form: Any) -> str:
        services.hazard_lift(actor=user, hazard=hazard, note=form.cleaned_data["note"])
        return "已摘牌"

    return _step(request, pk, "lift", lambda u, h: _post(request, NoteForm, "lift"), act, "lift")


@login_required
@require_POST
def sign(request: HttpRequest, pk: int) -> HttpResponse:
    def make(user: User, hazard: Hazard) -> Form:
        return _post(request, SignForm, "sign", user=user)

    def act(user: User, hazard: Hazard, form: Any) -> str:
        d = form.cleaned_data
        item = services.hazard_sign(actor=user, hazard=hazard, party=d["party"], note=d["note"])
        return f"已以“{item.get_party_display()}”签字确认"

    return _step(request, pk, "sign", make, act, "sign")


@login_required
@require_POST
def attach(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload more evidence without a step; the service decides who may (and says why not)."""

    def act(user: User, hazard: Hazard, form: Any) -> str:
        d = form.cleaned_data
        saved = services.hazard_attach(actor=user, hazard=hazard, kind=d["kind"], files=d["evidence"])
        return f"已上传 {len(saved)} 个文件"

    return _step(request, pk, "attach", lambda u, h: _post(request, AttachForm, "attach", user=u), act)
