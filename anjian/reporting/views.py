"""分级上报 pages: the summary of subordinates (+ .xlsx), a submission with its history, the upload, the
register of subordinates, and this deployment's own side (its public key, its package for a period).

Readers are ``services.READERS`` (the upper office's county admin, leaders, auditors), writers
``services.MANAGERS``; other roles get 403. A submission or subordinate of another office's register is 404.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from anjian.core import audit
from anjian.core.dbrouter import statistics_reads
from anjian.reporting import keys, selectors, services
from anjian.reporting.export import MISSING, summary_xlsx, title, total_label
from anjian.reporting.forms import PackageForm, PeriodForm, SubordinateForm, UploadForm
from anjian.reporting.models import Channel
from anjian.reporting.package import PackageError, build_package, dumps, region_name
from anjian.stats import indicators as ind
from anjian.stats.progress import DEFAULT_INDICATORS, period_label
from anjian.stats.render import value_text
from anjian.stats.scope import ScopeError, region_prefix
from anjian.web.downloads import download

if TYPE_CHECKING:
    from anjian.accounts.models import User

JSON = "application/json"


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _denied(user: User, allowed: frozenset[Any], what: str = "查看下级上报数据") -> HttpResponse | None:
    if user.role not in allowed or user.org_id is None:
        return HttpResponseForbidden(f"{user.get_role_display()}无权{what}")
    return None


def _office_name(user: User) -> str:
    upper = services.upper_region(user) or ""
    return region_name(region_prefix(upper)) if upper else ""


def _codes() -> list[str]:
    return list(DEFAULT_INDICATORS)


def _shown(code: str, value: Any) -> str:
    return value_text(code, value)


# --- the summary ------------------------------------------------------------------------------------


def _summary(request: HttpRequest, user: User) -> tuple[PeriodForm, selectors.Summary | None]:
    form = PeriodForm(request.GET or {})
    if not form.is_valid():
        return form, None
    d = form.cleaned_data
    return form, selectors.summary(user, d["date_from"], d["date_to"])


@login_required
@require_GET
def summary_page(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if (denied := _denied(user, services.READERS)) is not None:
        return denied
    form, s = _summary(request, user)
    context: dict[str, Any] = {"form": form, "summary": s, "can_manage": services.can_manage(user),
                               "periods": [{"from": f, "to": t, "label": period_label(f, t)}
                                           for f, t in selectors.recent_periods(user)]}
    if s is None:
        return render(request, "reporting/summary.html", context, status=400)
    codes = _codes()
    context.update({
        "title": title(_office_name(user), s),
        "headers": [(ind.BY_CODE[c].name, ind.BY_CODE[c].unit) for c in codes],
        "rows": [{"r": r, "cells": [_shown(c, r.values[c]) for c in codes] if r.values else None} for r in s.rows],
        "total_cells": [_shown(c, s.total[c]) for c in codes],
        "total_label": total_label(s),
        "missing_label": MISSING,
        "query": f"date_from={s.date_from:%Y-%m-%d}&date_to={s.date_to:%Y-%m-%d}",
        "colspan": len(codes),
    })
    return render(request, "reporting/summary.html", context)


@login_required
@require_GET
def summary_export(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if (denied := _denied(user, services.READERS)) is not None:
        return denied
    form, s = _summary(request, user)
    if s is None:
        return render(request, "reporting/summary.html", {"form": form, "summary": None}, status=400)
    heading = title(_office_name(user), s)
    content = summary_xlsx(s, _codes(), heading)
    audit.record(actor=user, action="reporting.summary_export",
                 changes={"from": str(s.date_from), "to": str(s.date_to), "rows": len(s.rows)})
    return download(content, f"{heading}.xlsx")


# --- a submission -------------------------------------------------------------------------------------


@login_required
@require_GET
def submission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    if (denied := _denied(user, services.READERS)) is not None:
        return denied
    sub = selectors.submission_get(user, pk)
    values = sub.indicators
    families: list[dict[str, Any]] = []
    for i in ind.CATALOGUE:
        if not families or families[-1]["name"] != i.family:
            families.append({"name": i.family, "items": []})
        families[-1]["items"].append({"name": i.name, "code": i.code, "unit": i.unit,
                                      "value": _shown(i.code, values.get(i.code))})
    codes = _codes()
    parts = [
        {"code": code, "name": sub.part_names.get(code) or region_name(code),
         "cells": [_shown(c, v.get(c)) for c in codes]}
        for code, v in sorted(sub.parts.items())
    ]
    return render(request, "reporting/detail.html", {
        "s": sub, "families": families, "parts": parts,
        "part_headers": [(ind.BY_CODE[c].name, ind.BY_CODE[c].unit) for c in codes],
        "history": selectors.history(sub),
        "period_query": f"date_from={sub.date_from:%Y-%m-%d}&date_to={sub.date_to:%Y-%m-%d}",
    })


# --- upload -------------------------------------------------------------------------------------------


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if (denied := _denied(user, services.MANAGERS, "接收下级上报数据")) is not None:
        return denied
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            done = services.submission_import(raw=form.cleaned_data["file"].read(), channel=Channel.UPLOAD, actor=user)
        except (PackageError, services.ReportError) as exc:
            form.add_error("file", str(exc))
        else:
            (messages.success if done.created else messages.info)(request, done.message)
            return redirect("reporting:submission", pk=done.submission.pk)
    return render(request, "reporting/upload.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


# --- the register -------------------------------------------------------------------------------------


@login_required
def subordinate_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if (denied := _denied(user, services.READERS)) is not None:
        return denied
    can_manage = services.can_manage(user)
    form = SubordinateForm(request.POST or None) if can_manage else None
    if request.method == "POST":
        if form is None:
            return HttpResponseForbidden(f"{user.get_role_display()}不能登记下级")
        if form.is_valid():
            try:
                sub = services.subordinate_add(actor=user, upper=services.upper_region(user) or "",
                                               data=form.to_data())
            except services.SubordinateError as exc:
                form.add_service_errors(exc.errors)
            except services.ReportError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"已登记下级：{sub.name}（{sub.code}）")
                return redirect("reporting:subordinates")
    return render(request, "reporting/subordinates.html", {
        "subordinates": selectors.subordinates(user), "form": form, "can_manage": can_manage,
        "office": _office_name(user),
    }, status=400 if request.method == "POST" else 200)


@login_required
def subordinate_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    if (denied := _denied(user, services.MANAGERS, "修改下级登记")) is not None:
        return denied
    sub = selectors.subordinate_get(user, pk)
    initial = {"region_code": sub.code, "name": sub.name, "public_key": sub.public_key, "base_url": sub.base_url,
               "is_active": sub.is_active}
    form = SubordinateForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.subordinate_update(actor=user, sub=sub, data=form.to_data())
        except services.SubordinateError as exc:
            form.add_service_errors(exc.errors)
        except services.ReportError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已保存下级：{sub.name}（{sub.code}）")
            return redirect("reporting:subordinates")
    return render(request, "reporting/subordinate_edit.html", {"form": form, "sub": sub},
                  status=400 if request.method == "POST" else 200)


# --- this deployment's own side -----------------------------------------------------------------------


@login_required
@require_GET
def own_side(request: HttpRequest) -> HttpResponse:
    """本级上报: the public key to register at the level above, and this deployment's package for a period."""
    user = _user(request)
    if (denied := _denied(user, services.PACKAGE_MAKERS, "生成上报数据")) is not None:
        return denied
    form = PackageForm(request.GET or None)
    public = keys.public_b64()
    region = region_prefix(services.upper_region(user) or "")
    if request.GET and form.is_valid():
        d = form.cleaned_data
        try:
            with statistics_reads():
                package = build_package(region=region, date_from=d["date_from"], date_to=d["date_to"],
                                        as_of=d.get("as_of"))
        except ScopeError as exc:
            form.add_error(None, str(exc))
        else:
            audit.record(actor=user, action="reporting.package",
                         changes={"region": region, "from": package["from"], "to": package["to"],
                                  "as_of": package["as_of"]})
            name = f"上报数据_{package['region_name']}_{package['from']}_{package['to']}.json"
            return download(dumps(package).encode("utf-8"), name, JSON)
    if not request.GET:
        form = PackageForm(initial=_last_month())
    return render(request, "reporting/own.html", {
        "form": form, "public_key": public, "key_id": keys.key_id(public), "region": region,
        "region_name": region_name(region), "can_manage": services.can_manage(user),
    }, status=400 if request.GET and form.errors else 200)


def _last_month() -> dict[str, dt.date]:
    """The package form's default: last month, the period a 月报 is usually sent for."""
    first = timezone.localdate().replace(day=1)
    end = first - dt.timedelta(days=1)
    return {"date_from": end.replace(day=1), "date_to": end}
