"""网格巡查 pages: 巡查打卡 (phone first), the list, a patrol's page, coverage (+ .xlsx), the units not visited.

Readers are ``services.READERS`` (coverage: ``services.COVERAGE_READERS``); other roles get 403. A patrol
or a unit outside the reader's scope is 404. Writes go through ``services``.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from anjian.core import audit
from anjian.core.params import param_date, param_int
from anjian.core.scope import get_in_scope
from anjian.hazards.forms import can_report
from anjian.patrols import selectors, services
from anjian.patrols.export import coverage_xlsx, title
from anjian.patrols.forms import CoverageForm, LinkHazardForm, PatrolForm, patrollable_units
from anjian.patrols.models import Outcome, Patrol
from anjian.units.selectors import search_q
from anjian.web.downloads import download

if TYPE_CHECKING:
    from anjian.accounts.models import User

PAGE_SIZE = 30
SUGGESTIONS = 10
# Up to this many units (a grid worker's grid) are listed to tap on; more get a search box (as the hazard form).
PICK_LIST_MAX = 12
# The not-visited list without a period: no visit in the last 30 days.
DEFAULT_DAYS = 30


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _denied(user: User, readers: frozenset[Any]) -> HttpResponse | None:
    if user.role not in readers:
        return HttpResponseForbidden(f"{user.get_role_display()}无权查看网格巡查")
    return None


# --- the list ---------------------------------------------------------------------------------------


@login_required
@require_GET
def patrol_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if (denied := _denied(user, services.READERS)) is not None:
        return denied
    filters = selectors.filters_from_params(request.GET)
    page = Paginator(selectors.patrol_list(user, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    unit_name = ""
    if filters.unit:
        unit = patrollable_units(user).filter(pk=filters.unit).first()
        unit_name = unit.name if unit is not None else "（不在辖区内的单位）"
    return render(request, "patrols/list.html", {
        "page": page,
        "filters": filters,
        "query": query.urlencode(),
        "unit_name": unit_name,
        "outcomes": Outcome.choices,
        "townships": selectors.townships(user),
        "grids": selectors.grids(user),
        "can_record": services.can_record(user),
        "can_coverage": user.role in services.COVERAGE_READERS,
        "default_days": DEFAULT_DAYS,
    })


# --- 巡查打卡 ----------------------------------------------------------------------------------------


def _unit_choices(user: User, form: PatrolForm, preselect: Any) -> dict[str, Any]:
    """What the unit picker shows: the chosen unit, or a short list to tap on, or a search box."""
    units = patrollable_units(user)
    chosen = preselect
    if form.is_bound:
        raw = form.data.get("unit")
        chosen = units.filter(pk=raw).first() if raw and str(raw).isdigit() else None
    few = list(units.order_by("name_pinyin", "id")[: PICK_LIST_MAX + 1])
    searching = len(few) > PICK_LIST_MAX
    suggestions: list[Any] = [] if searching else few
    unit_q = str(form.data.get("unit_q") or "") if form.is_bound else ""
    if searching and unit_q and chosen is None:
        # Without JavaScript the search box is sent with the form: answer with the matches.
        suggestions = list(units.filter(search_q(unit_q)).order_by("name_pinyin", "id")[:SUGGESTIONS])
    if chosen is None and not form.is_bound and len(few) == 1:
        chosen = few[0]  # a grid with one unit: nothing to choose
    if chosen is not None and chosen not in suggestions:
        suggestions = [chosen, *suggestions]
    return {"chosen": chosen, "suggestions": suggestions, "searching": searching, "unit_q": unit_q}


@login_required
def patrol_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not services.can_record(user):
        return HttpResponseForbidden(f"{user.get_role_display()}不能登记巡查")
    # ?unit=<id> (from a unit's page): a unit outside the user's scope (another grid's) is 404.
    preselect = None
    if request.method == "GET" and request.GET.get("unit"):
        preselect = get_in_scope(user, patrollable_units(user), pk=request.GET["unit"])
    form = PatrolForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            patrol, created = services.patrol_record(
                actor=user, data=form.to_data(), idempotency_key=str(form.cleaned_data["idempotency_key"])
            )
        except services.PatrolError as exc:
            form.add_service_errors(exc.errors)
        else:
            if created:
                messages.success(request, f"已登记巡查：{patrol.unit.name}（{patrol.get_outcome_display()}）")
            else:
                messages.info(request, "该巡查已登记，重复提交未再次登记")
            return redirect("patrols:detail", pk=patrol.pk)
    return render(
        request,
        "patrols/form.html",
        {"form": form, "picker": _unit_choices(user, form, preselect)},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def unit_suggest(request: HttpRequest) -> HttpResponse:
    """htmx: the units the user may visit matching the search box, as choices of the form."""
    user = _user(request)
    if not services.can_record(user):
        return HttpResponseForbidden(f"{user.get_role_display()}不能登记巡查")
    q = str(request.GET.get("unit_q") or "").strip()
    units = list(patrollable_units(user).filter(search_q(q)).order_by("name_pinyin", "id")[:SUGGESTIONS]) if q else []
    return render(request, "web/_unit_picker.html#unit_options", {"picker": {"suggestions": units, "unit_q": q}})


# --- a patrol's page ---------------------------------------------------------------------------------


def _detail(request: HttpRequest, user: User, patrol: Patrol, *, link_form: LinkHazardForm | None = None,
            status: int = 200) -> HttpResponse:
    may_link = services.can_record(user) and patrol.hazard_id is None
    if may_link and link_form is None:
        hazards = selectors.hazards_to_link(user, patrol)
        if hazards.exists():
            link_form = LinkHazardForm(hazards=hazards)
    return render(request, "patrols/detail.html", {
        "patrol": patrol,
        "link_form": link_form if may_link else None,
        # 发现隐患？上报隐患: the hazard form with this unit chosen.
        "can_report": can_report(user) and patrol.unit.is_active,
        "can_record": services.can_record(user),
    }, status=status)


@login_required
@require_GET
def patrol_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    if (denied := _denied(user, services.READERS)) is not None:
        return denied
    return _detail(request, user, selectors.patrol_get(user, pk))


@login_required
@require_POST
def patrol_link_hazard(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    if (denied := _denied(user, services.READERS)) is not None:
        return denied
    patrol = selectors.patrol_get(user, pk)
    if not services.can_record(user):
        return HttpResponseForbidden(f"{user.get_role_display()}不能登记巡查")
    form = LinkHazardForm(request.POST, hazards=selectors.hazards_to_link(user, patrol))
    if form.is_valid():
        try:
            services.patrol_link_hazard(actor=user, patrol=patrol, hazard=form.cleaned_data["hazard"])
        except services.PatrolError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, f"已关联隐患 {form.cleaned_data['hazard'].number}")
            return redirect("patrols:detail", pk=patrol.pk)
    return _detail(request, user, patrol, link_form=form, status=400)


# --- coverage ----------------------------------------------------------------------------------------


def _coverage(request: HttpRequest, user: User) -> tuple[CoverageForm, selectors.Coverage | None]:
    """The coverage of the period and grouping asked for (None when the form is invalid): page and export."""
    form = CoverageForm(request.GET or {})
    if not form.is_valid():
        return form, None
    d = form.cleaned_data
    return form, selectors.coverage(user, d["date_from"], d["date_to"], by=d["by"])


@login_required
@require_GET
def coverage_page(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if (denied := _denied(user, services.COVERAGE_READERS)) is not None:
        return denied
    form, cov = _coverage(request, user)
    if cov is None:
        return render(request, "patrols/coverage.html", {"form": form, "cov": None}, status=400)
    return render(request, "patrols/coverage.html", {
        "form": form,
        "cov": cov,
        "title": title(cov),
        "group_label": selectors.GROUPS[cov.by],
        "period": f"from={cov.date_from:%Y-%m-%d}&to={cov.date_to:%Y-%m-%d}",
        "query": request.GET.urlencode(),
    })


@login_required
@require_GET
def coverage_export(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if (denied := _denied(user, services.COVERAGE_READERS)) is not None:
        return denied
    form, cov = _coverage(request, user)
    if cov is None:
        return render(request, "patrols/coverage.html", {"form": form, "cov": None}, status=400)
    content = coverage_xlsx(cov)
    audit.record(actor=user, action="patrol.coverage_export", changes={"query": request.GET.urlencode(),
                                                                       "rows": len(cov.rows)})
    return download(content, f"{title(cov)}.xlsx")


# --- not visited -------------------------------------------------------------------------------------


@login_required
@require_GET
def not_visited(request: HttpRequest) -> HttpResponse:
    """The units with no visit in a period (?from=&to=, from the coverage table) or in the last N days (?days=)."""
    user = _user(request)
    if (denied := _denied(user, services.READERS)) is not None:
        return denied
    today = timezone.localdate()
    since, until = param_date(request.GET.get("from")), param_date(request.GET.get("to"))
    days = param_int(request.GET.get("days"))
    if since is None:
        days = days or DEFAULT_DAYS
        since, until = today - dt.timedelta(days=days), None
    else:
        days = None
    grid = str(request.GET.get("grid") or "")
    township = str(request.GET.get("township") or "")
    township = township[:9] if township.isdigit() and len(township) >= 9 else ""
    qs = selectors.not_visited(user, since, until, grid=grid, township=township)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    place = ""
    if grid == selectors.NO_GRID:
        place = selectors.NO_GRID_NAME
    elif grid.isdigit():
        place = next((g.name for g in selectors.grids(user) if str(g.pk) == grid), "")
    elif township:
        place = next((t.name for t in selectors.townships(user) if t.code.startswith(township)), "")
    return render(request, "patrols/not_visited.html", {
        "page": page,
        "rows": [{"u": u, "days": (today - last).days if (last := u.last_patrolled_on) else None}  # type: ignore[attr-defined]
                 for u in page],
        "since": since, "until": until, "days": days, "place": place, "query": query.urlencode(),
        "can_record": services.can_record(user),
    })
