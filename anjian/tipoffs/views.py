"""举报受理 pages: list (with its .xlsx), receive, detail with the available steps, one POST view per step.

Readers are ``services.READERS``; unit staff, grid workers and experts get 403 on every page. A
tip-off outside the reader's region is 404 (``selectors.tipoff_get``). Writes go through
``services``. Final or destructive steps (close, merge, pay) ask for a confirmation first: the
step's form posts, and unless it carries ``confirmed=1`` the answer is a page repeating what will
be done, whose button posts the same fields again with ``confirmed=1`` (no script needed, strict CSP).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from anjian.campaigns.forms import ServiceErrorsMixin
from anjian.core import audit
from anjian.regions.selectors import township_names
from anjian.tipoffs import selectors, services
from anjian.tipoffs.export import tipoffs_xlsx
from anjian.tipoffs.forms import (
    ApproveForm,
    CloseForm,
    ExtendForm,
    MergeForm,
    PayForm,
    ReceiveForm,
    StartCheckForm,
)
from anjian.tipoffs.models import Kind, Outcome, Status, Tipoff
from anjian.tipoffs.rewards import yuan
from anjian.web.downloads import download

if TYPE_CHECKING:
    from anjian.accounts.models import User



def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _not_reader(user: User) -> HttpResponse | None:
    if user.role not in services.READERS:
        return HttpResponseForbidden(f"{user.get_role_display()}无权查看举报")
    return None


def _may_receive(user: User) -> bool:
    return user.role in services.HANDLERS and user.org_id is not None


@login_required
@require_GET
def tipoff_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if (denied := _not_reader(user)) is not None:
        return denied
    today = timezone.localdate()
    filters = selectors.filters_from_params(request.GET)
    page = Paginator(selectors.tipoff_list(user, filters, today), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    towns = township_names([t.region_code for t in page])
    return render(request, "tipoffs/list.html", {
        "page": page,
        # Lists never show the reporter (DOMAIN.md §4): the column says CONFIDENTIAL for every row.
        "rows": [{"t": t, "overdue": selectors.is_overdue(t, today), "township": towns.get(t.region_code[:9], "")}
                 for t in page],
        "confidential": selectors.CONFIDENTIAL,
        "filters": filters, "statuses": Status.choices, "kinds": Kind.choices,
        "townships": selectors.townships(user), "can_receive": _may_receive(user), "query": query.urlencode(),
    })


@login_required
@require_GET
def tipoff_export(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if (denied := _not_reader(user)) is not None:
        return denied
    today = timezone.localdate()
    rows = list(selectors.tipoff_list(user, selectors.filters_from_params(request.GET), today))
    content = tipoffs_xlsx(rows, today)
    audit.record(actor=user, action="tipoff.export", changes={"query": request.GET.urlencode(), "rows": len(rows)})
    return download(content, f"举报受理台账{today:%Y%m%d}.xlsx")


@login_required
def tipoff_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not _may_receive(user):
        return HttpResponseForbidden(f"{user.get_role_display()}无权受理举报")
    form = ReceiveForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            tipoff = services.tipoff_receive(actor=user, data=form.to_data())
        except services.TipoffError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, f"已受理举报 {tipoff.number}，办理期限 {tipoff.deadline:%Y-%m-%d}")
            return redirect("tipoffs:detail", pk=tipoff.pk)
    return render(request, "tipoffs/form.html", {"form": form}, status=400 if request.method == "POST" else 200)


ACTION_LABELS = {
    "tipoff.receive": "受理",
    "tipoff.start_check": "开始核查",
    "tipoff.extend": "延期",
    "tipoff.merge": "并入先受理的举报",
    "tipoff.merged": "并入重复举报",
    "tipoff.close": "办结",
    "tipoff.reward_propose": "拟定奖励",
    "tipoff.reward_approve": "批准奖励",
    "tipoff.reward_pay": "发放奖励",
    "tipoff.reward_forfeit": "逾期未领取",
}


def _history(user: User, tipoff: Tipoff) -> list[dict[str, Any]]:
    """The audit entries in words (they never hold the reporter: services leave it out)."""
    rows = []
    for e in selectors.tipoff_history(user, tipoff):
        c = e.changes or {}
        if e.action == "tipoff.close":
            outcome = Outcome(c["outcome"]).label if c.get("outcome") in Outcome.values else ""
            detail = f"{outcome}：{c.get('result_note', '')}"
        elif e.action == "tipoff.merge":
            detail = f"重复于 {(c.get('duplicate_of') or [None, ''])[1]}"
        elif e.action == "tipoff.merged":
            detail = f"重复举报 {c.get('duplicate', '')}"
        elif e.action == "tipoff.extend":
            detail = f"延长 {(c.get('extended_days') or [0, 0])[1]} 天：{c.get('reason', '')}"
        elif e.action == "tipoff.reward_propose":
            detail = str(c.get("basis", ""))
        elif e.action == "tipoff.reward_approve":
            detail = f"{c.get('reward_amount', '')} 元，{c.get('reward_notified_on', '')} 通知举报人"
        elif e.action == "tipoff.reward_pay":
            detail = f"{c.get('reward_amount', '')} 元，{c.get('reward_paid_on', '')} 发放"
        elif e.action == "tipoff.reward_forfeit":
            detail = f"{c.get('collect_by', '')} 前未领取，视为放弃"
        else:
            detail = str(c.get("note", ""))
        rows.append({"at": e.at, "who": e.actor_name, "label": ACTION_LABELS.get(e.action, e.action),
                     "detail": detail})
    return rows


def _step_forms(user: User, tipoff: Tipoff) -> dict[str, forms.Form]:
    steps = services.available_steps(user, tipoff)
    blank: dict[str, Any] = {
        "start_check": lambda: StartCheckForm(prefix="start_check"),
        "extend": lambda: ExtendForm(prefix="extend"),
        "merge": lambda: MergeForm(prefix="merge", user=user),
        "close": lambda: CloseForm(prefix="close", user=user, kind=tipoff.kind),
        "propose": lambda: forms.Form(prefix="propose"),
        "approve": lambda: ApproveForm(prefix="approve"),
        "pay": lambda: PayForm(prefix="pay"),
    }
    return {name: blank[name]() for name in steps}


def _detail(request: HttpRequest, user: User, tipoff: Tipoff, *, bound: dict[str, forms.Form] | None = None,
            error: str = "", status: int = 200) -> HttpResponse:
    today = timezone.localdate()
    step_forms = _step_forms(user, tipoff)
    step_forms.update({k: v for k, v in (bound or {}).items() if k in step_forms})
    preview = None
    if tipoff.status == Status.CLOSED and tipoff.real_name and tipoff.reward_status == "none":
        preview = services.reward_preview(tipoff)
    return render(request, "tipoffs/detail.html", {
        "tipoff": tipoff,
        "reporter": selectors.reporter_for(user, tipoff),
        "overdue": selectors.is_overdue(tipoff, today),
        "duplicates": list(tipoff.duplicates.order_by("received_on", "id").only("id", "number", "received_on")),
        "collect_by": services.collect_by(tipoff.reward_notified_on) if tipoff.reward_notified_on else None,
        "preview": preview,
        # Amounts as the reward's basis writes them ("3,000 元", "12,345.60 元").
        "money": {
            "preview": yuan(preview[0]) if preview else "",
            "reward": yuan(tipoff.reward_amount) if tipoff.reward_amount is not None else "",
            "fine": yuan(fine) if (fine := tipoff.action.fine_initial if tipoff.action else None) is not None else "",
        },
        "forms": step_forms,
        "history": _history(user, tipoff),
        "error": error,
    }, status=status)


@login_required
@require_GET
def tipoff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    if (denied := _not_reader(user)) is not None:
        return denied
    return _detail(request, user, selectors.tipoff_get(user, pk))


def _confirm_text(step: str, tipoff: Tipoff, form: forms.Form) -> list[str] | None:
    d = form.cleaned_data
    if step == "close":
        lines = [f"办结举报 {tipoff.number}，核查结论：{Outcome(d['outcome']).label}。办结后不能再修改办理结果。",
                 f"办理结果：{d['result_note']}"]
        if d.get("hazard") is not None:
            lines.append(f"关联隐患：{d['hazard'].number}")
        if d.get("hazard_deadline"):
            lines.append(f"以“群众举报”方式上报一般隐患，整改期限 {d['hazard_deadline']:%Y-%m-%d}")
        if d.get("action") is not None:
            lines.append(f"关联行政处罚：{d['action'].number}")
        return lines
    if step == "merge":
        into = d["into"]
        return [f"将 {tipoff.number} 作为 {into.number}（{into.received_on:%Y-%m-%d} 受理）的重复举报并案办理，"
                "本件随即办结。",
                "同一事项只奖励最先受理的实名举报人。合并后不能撤销。"]
    if step == "pay":
        amount = tipoff.reward_amount
        return [f"记录举报 {tipoff.number} 的奖励 {amount} 元已于 {d['paid_on']:%Y-%m-%d} 发放。发放后不能撤销。"]
    return None


def _run(step: str, user: User, tipoff: Tipoff, form: forms.Form) -> str:
    d = form.cleaned_data
    if step == "start_check":
        services.tipoff_start_check(actor=user, tipoff=tipoff, note=d.get("note") or "")
        return "已开始核查"
    if step == "extend":
        services.tipoff_extend(actor=user, tipoff=tipoff, days=d["days"], reason=d["reason"])
        return f"已延期 {tipoff.extended_days} 天，办理期限至 {tipoff.due_on:%Y-%m-%d}"
    if step == "merge":
        services.tipoff_merge(actor=user, tipoff=tipoff, into=d["into"], note=d.get("note") or "")
        return f"已并入 {d['into'].number}"
    if step == "close":
        assert isinstance(form, CloseForm)
        services.tipoff_close(actor=user, tipoff=tipoff, data=form.to_data())
        return f"已办结（{tipoff.get_outcome_display()}）"
    if step == "propose":
        services.tipoff_reward_propose(actor=user, tipoff=tipoff)
        return f"已拟定奖励 {tipoff.reward_amount} 元"
    if step == "approve":
        services.tipoff_reward_approve(actor=user, tipoff=tipoff, notified_on=d["notified_on"])
        return "已批准奖励"
    if step == "pay":
        services.tipoff_reward_pay(actor=user, tipoff=tipoff, paid_on=d["paid_on"])
        return "已记录奖励发放"
    raise ValueError(step)  # pragma: no cover - urls name only the steps above


def _bind(step: str, user: User, tipoff: Tipoff, data: Any) -> forms.Form:
    if step == "start_check":
        return StartCheckForm(data, prefix=step)
    if step == "extend":
        return ExtendForm(data, prefix=step)
    if step == "merge":
        return MergeForm(data, prefix=step, user=user)
    if step == "close":
        return CloseForm(data, prefix=step, user=user, kind=tipoff.kind)
    if step == "approve":
        return ApproveForm(data, prefix=step)
    if step == "pay":
        return PayForm(data, prefix=step)
    return forms.Form(data, prefix=step)


@login_required
@require_POST
def tipoff_step(request: HttpRequest, pk: str, step: str) -> HttpResponse:
    user = _user(request)
    if (denied := _not_reader(user)) is not None:
        return denied
    tipoff = selectors.tipoff_get(user, pk)
    if user.role not in services.HANDLERS:
        return HttpResponseForbidden(f"{user.get_role_display()}无权办理举报")
    form = _bind(step, user, tipoff, request.POST)
    if not form.is_valid():
        return _detail(request, user, tipoff, bound={step: form}, error="请检查填写的内容", status=400)
    lines = _confirm_text(step, tipoff, form)
    if lines is not None and request.POST.get("confirmed") != "1":
        hidden = [(k, v) for k, values in request.POST.lists() if k not in ("csrfmiddlewaretoken", "confirmed")
                  for v in values]
        return render(request, "tipoffs/confirm.html", {"tipoff": tipoff, "step": step, "lines": lines,
                                                        "hidden": hidden})
    try:
        message = _run(step, user, tipoff, form)
    except services.PermissionDenied as exc:
        return HttpResponseForbidden(str(exc))
    except services.TipoffError as exc:
        if isinstance(form, ServiceErrorsMixin):
            form.add_service_errors(exc.errors)
        return _detail(request, user, tipoff, bound={step: form}, error=str(exc), status=400)
    messages.success(request, f"{tipoff.number}：{message}")
    return redirect("tipoffs:detail", pk=tipoff.pk)
