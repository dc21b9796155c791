"""Statistics pages: the dashboard (看板), the progress table (进展情况统计表), the rankings (通报排名)
and the hazard risk map (隐患风险分布图).

Thin function views: the filter form parses the query string, :func:`anjian.stats.api.scope_for`
decides access exactly as for the API (roles in ``STATS_READERS``; a region outside the user's
jurisdiction is a 404), and the figures come from the catalogue (``selectors.Dashboard``,
``compute_by``, ``ranking``). Bad parameters are form errors in Chinese, never a 500.

The map's views are thin too, over ``anjian.stats.maps``: the page renders the figures as tables
(useful on its own, and what remains when no boundary is loaded); ``map.js`` draws the map from
data.json with the vendored ECharts, offline. Offices only (403 for other roles); a region outside
the user's jurisdiction is a 404; bad parameters are a 400 with the reason in Chinese.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET
from ninja.errors import HttpError

from anjian.core.dbrouter import statistics_reads
from anjian.core.scope import region_prefix
from anjian.regions.models import Division
from anjian.stats import indicators as ind
from anjian.stats import maps
from anjian.stats.api import STATS_READERS, scope_for
from anjian.stats.forms import ProgressForm, RankingForm, StatsFilterForm
from anjian.stats.grouped import DEPARTMENT, GROUPS, compute_by
from anjian.stats.links import EXACT, Links
from anjian.stats.progress import TOTAL, period_label, progress_table_xlsx, region_name
from anjian.stats.ranking import ranking, ranking_xlsx
from anjian.stats.render import value_text
from anjian.stats.scope import Scope, ScopeError
from anjian.stats.selectors import CHARTS, Dashboard, chart_csv, chart_payload, chart_xlsx
from anjian.units.forms import sectors_for
from anjian.web.downloads import DOCX, XLSX, download

if TYPE_CHECKING:
    from anjian.accounts.models import User

F = TypeVar("F", bound=StatsFilterForm)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "stats/forbidden.html", status=403)


def stats_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in, GET only, and a role that reads statistics (``STATS_READERS``, as the API); others get 403."""

    @login_required
    @require_GET
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if _user(request).role not in STATS_READERS:
            return _forbidden(request)
        with statistics_reads():  # on the replica when there is one (core/dbrouter.py)
            return view(request, *args, **kwargs)

    return wrapped


def _bound(request: HttpRequest, form_class: type[F]) -> tuple[F, Scope | None]:
    """The filter form bound to the query string (every field optional) and its scope, or None if invalid."""
    form = form_class(request.GET or {}, user=_user(request))
    return form, _scope(form)


def _scope(form: StatsFilterForm) -> Scope | None:
    """The scope of a valid form, or None with the reason added to the form; Http404 out of jurisdiction."""
    if not form.is_valid():
        return None
    try:
        return scope_for(form.user, form.scope_params())
    except HttpError as exc:
        # 422: a parameter the catalogue cannot resolve (e.g. a campaign of another county).
        form.add_error(None, str(exc))
        return None


def _page(request: HttpRequest, template: str, form: StatsFilterForm, scope: Scope | None,
          **context: Any) -> HttpResponse:
    query = request.GET.copy()
    for key in ("by", "indicators", "indicator", "order", "department", "inspection_kind"):
        query.pop(key, None)
    context.update({
        "form": form,
        "scope": scope,
        "query": request.GET.urlencode(),
        # The shared filters only, for the tabs between the three pages.
        "filter_query": query.urlencode(),
        "region_name": region_name(scope) if scope else "",
        "period": period_label(scope.date_from, scope.date_to) if scope else "",
    })
    return render(request, template, context)


# --- dashboard ---------------------------------------------------------------------------------


@stats_view
def dashboard(request: HttpRequest) -> HttpResponse:
    # Bound even without parameters: every field is optional, the defaults are the user's region, this year.
    form, scope = _bound(request, StatsFilterForm)
    if scope is None:
        return _page(request, "stats/dashboard.html", form, None)
    board = Dashboard(scope)
    charts = []
    for chart in board.charts():
        charts.append({"chart": chart, "payload": chart_payload(chart), "id": f"chart-{chart.key}",
                       "data_id": f"chart-{chart.key}-data"})
    return _page(request, "stats/dashboard.html", form, scope, cards=board.cards(), charts=charts)


@stats_view
def chart_download(request: HttpRequest, key: str, fmt: str) -> HttpResponse:
    """The data of one dashboard chart as .csv or .xlsx (the series exactly as drawn)."""
    if key not in CHARTS or fmt not in ("csv", "xlsx"):
        raise Http404("没有这个图表")
    form, scope = _bound(request, StatsFilterForm)
    if scope is None:
        return _page(request, "stats/dashboard.html", form, None)
    chart = Dashboard(scope).chart(key)
    title = f"{region_name(scope)}{period_label(scope.date_from, scope.date_to)}{chart.title}"
    if fmt == "csv":
        return download(chart_csv(chart), f"{title}.csv", "text/csv; charset=utf-8")
    return download(chart_xlsx(chart, title), f"{title}.xlsx", XLSX)


# --- the generated briefing (工作简报) --------------------------------------------------------------



@stats_view
def briefing(request: HttpRequest) -> HttpResponse:
    """The statistical part of the work summary for the dashboard's scope, as .docx (default) or Markdown."""
    from anjian.stats.briefing import briefing_docx, briefing_markdown, build_briefing

    fmt = request.GET.get("format") or "docx"
    if fmt not in ("docx", "md"):
        raise Http404("没有这种格式")
    form, scope = _bound(request, StatsFilterForm)
    if scope is None:
        return _page(request, "stats/dashboard.html", form, None)
    try:
        built = build_briefing(scope)
    except ScopeError as exc:
        form.add_error(None, str(exc))
        return _page(request, "stats/dashboard.html", form, None)
    name = f"{built.title}"
    if fmt == "md":
        return download(briefing_markdown(built).encode(), f"{name}.md", "text/markdown; charset=utf-8")
    return download(briefing_docx(built), f"{name}.docx", DOCX)


# --- progress table ------------------------------------------------------------------------------


def _cell(links: Links, code: str, value: Any, **narrow: Any) -> dict[str, Any]:
    return {"text": value_text(code, value), "url": links.url(code, **narrow) if value else None}


@stats_view
def progress(request: HttpRequest) -> HttpResponse:
    form, scope = _bound(request, ProgressForm)
    if scope is None:
        return _page(request, "stats/progress.html", form, None)
    by, codes = form.cleaned_data["by"], form.cleaned_data["indicators"]
    grouped = compute_by(scope, by)
    links = Links(scope)
    rows = []
    for row in grouped.rows:
        # A township row's key is its 9 digits (the county-level row's ends in 000: the county's own
        # records); a department row's is the department's id ("0", no department: no list narrows to it).
        narrow = {"department": row.key} if by == DEPARTMENT else {"region": row.key}
        rows.append({"name": row.name, "cells": [_cell(links, c, row.values[c], **narrow) for c in codes]})
    total = {"name": TOTAL, "cells": [_cell(links, c, grouped.total[c]) for c in codes]}
    header = [ind.BY_CODE[c] for c in codes]
    return _page(request, "stats/progress.html", form, scope, rows=rows, total=total, header=header,
                 group_label=GROUPS[by], exact=EXACT)


@stats_view
def progress_xlsx(request: HttpRequest) -> HttpResponse:
    form, scope = _bound(request, ProgressForm)
    if scope is None:
        return _page(request, "stats/progress.html", form, None)
    by, codes = form.cleaned_data["by"], form.cleaned_data["indicators"]
    try:
        content = progress_table_xlsx(scope, by, codes)
    except ScopeError as exc:  # pragma: no cover - the form offers only catalogue codes
        form.add_error("indicators", str(exc))
        return _page(request, "stats/progress.html", form, None)
    name = f"{region_name(scope)}{period_label(scope.date_from, scope.date_to)}进展情况统计表.xlsx"
    return download(content, name, XLSX)


# --- rankings ----------------------------------------------------------------------------------


@stats_view
def ranking_page(request: HttpRequest) -> HttpResponse:
    form, scope = _bound(request, RankingForm)
    if scope is None:
        return _page(request, "stats/ranking.html", form, None)
    d = form.cleaned_data
    code, by = d["indicator"], d["by"]
    ranked = ranking(scope, by, code, descending=d["order"] == "desc")
    links = Links(scope)
    narrow = "department" if by == DEPARTMENT else "region"
    rows = [{"rank": r.rank, "name": r.name, "text": value_text(code, r.value),
             "url": links.url(code, **{narrow: r.key}) if r.value else None} for r in ranked]
    return _page(request, "stats/ranking.html", form, scope, rows=rows, indicator=ind.BY_CODE[code],
                 group_label=GROUPS[by])


@stats_view
def ranking_download(request: HttpRequest) -> HttpResponse:
    form, scope = _bound(request, RankingForm)
    if scope is None:
        return _page(request, "stats/ranking.html", form, None)
    d = form.cleaned_data
    ranked = ranking(scope, d["by"], d["indicator"], descending=d["order"] == "desc")
    i = ind.BY_CODE[d["indicator"]]
    name = f"{region_name(scope)}{period_label(scope.date_from, scope.date_to)}{GROUPS[d['by']]}{i.name}排名.xlsx"
    return download(ranking_xlsx(scope, d["by"], d["indicator"], ranked), name, XLSX)


# --- the hazard risk map (隐患风险分布图) ----------------------------------------------------------

# The query parameters of the map (the page's form, the data URL, drill-down links).
MAP_PARAMS = ("region", "as_of", "sector", "class", "open")
TRUE = ("1", "on", "true", "yes")


def _map_scope(request: HttpRequest) -> maps.MapScope:
    q = request.GET
    return maps.map_scope(
        _user(request),
        region=q.get("region"),
        as_of=q.get("as_of"),
        sector=q.get("sector"),
        risk_class=q.get("class"),
        only_open=str(q.get("open") or "").lower() in TRUE,
    )


def _map_query(request: HttpRequest, **override: str) -> str:
    """The map's own parameters of this request, with ``override``; empty ones left out."""
    values = {k: str(request.GET.get(k) or "") for k in MAP_PARAMS} | override
    return urlencode({k: v for k, v in values.items() if v})


def _map_child_urls(request: HttpRequest, data: maps.MapData) -> dict[str, str]:
    """Where a child leads: a township (or village) to its hazards, a county or city to its own map."""
    hazards = reverse("hazards:list")
    here = reverse("stats:map")
    # The hazard list's open=1&as_of=… lists exactly the hazards the map counted as open on that day.
    counted = urlencode({"open": "1", "as_of": data.ms.as_of.isoformat()})
    out: dict[str, str] = {}
    for child in data.children:
        if child.own:
            continue
        if len(child.code) == 9:
            out[child.code] = f"{hazards}?township={child.code}&{counted}"
        elif len(child.code) == 12:
            out[child.code] = f"{hazards}?region={child.code}&{counted}"
        else:
            out[child.code] = f"{here}?{_map_query(request, region=child.code)}"
    return out


def _map_regions(user: User, region: Division) -> list[Division]:
    """The regions offered in the form: the user's own and its children, and the one shown."""
    own = region_prefix(user)
    root = Division.objects.filter(code=own.ljust(12, "0")).first() if own else None
    root = root or region
    choices = [root, *Division.objects.filter(parent_id=root.code).order_by("code")]
    if region.code not in {d.code for d in choices}:
        choices.append(region)
    return choices


@login_required
@require_GET
@statistics_reads()
def risk_map(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    try:
        ms = _map_scope(request)
    except maps.MapError as exc:
        context = {"error": str(exc), "today": timezone.localdate()}
        return render(request, "stats/map.html", context, status=400)
    data = maps.map_data(user, ms)
    urls = _map_child_urls(request, data)
    own = region_prefix(user)
    # "Up one level" only while the parent is still in the user's jurisdiction.
    parent = Division.objects.filter(code=ms.region.parent_id).first() if ms.region.parent_id else None
    if parent is not None and own is not None and not parent.prefix.startswith(own):
        parent = None
    context = {
        "ms": ms,
        "data": data,
        "totals": data.totals(),
        "children": [(c, urls.get(c.code, "")) for c in data.children],
        "child_level": maps.child_level_name(ms.region),
        "unmapped": data.unmapped[: maps.UNMAPPED_SHOWN],
        "unmapped_more": max(0, len(data.unmapped) - maps.UNMAPPED_SHOWN),
        "regions": _map_regions(user, ms.region),
        "parent": parent,
        "parent_url": f"{reverse('stats:map')}?{_map_query(request, region=parent.prefix)}" if parent else "",
        "sectors": sectors_for(user),
        "classes": [(k or maps.NO_CLASS, label) for k, label, _ in maps.CLASSES],
        "buckets": maps.BUCKETS,
        "data_url": f"{reverse('stats:map_data')}?{_map_query(request)}",
        "hazards_url": reverse("hazards:list"),
    }
    return render(request, "stats/map.html", context)


@login_required
@require_GET
@statistics_reads()
def risk_map_data(request: HttpRequest) -> JsonResponse:
    try:
        ms = _map_scope(request)
    except maps.MapError as exc:
        return _map_error(str(exc), 400)
    except PermissionDenied:
        return _map_error("无权查看隐患风险分布图", 403)
    except Http404:
        return _map_error("未找到该区划", 404)
    data = maps.map_data(_user(request), ms)
    body = maps.as_json(data, unit_url=reverse("units:detail", args=[0]), child_url=_map_child_urls(request, data))
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False, "separators": (",", ":")})


def _map_error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status, json_dumps_params={"ensure_ascii": False})
