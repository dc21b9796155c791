"""Thin views: template and export downloads, upload, the job page and its htmx partial."""

from __future__ import annotations

import tempfile
from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from anjian.core import audit
from anjian.core.middleware import client_address
from anjian.ledgers.engine import ImportReport, Ledger, LedgerDenied
from anjian.ledgers.forms import UploadForm
from anjian.ledgers.models import ImportJob, JobStatus
from anjian.ledgers.services import JobStateError, job_confirm, job_create, job_progress
from anjian.ledgers.writers import csv_chunks, export_xlsx, write_template
from anjian.web.downloads import XLSX

if TYPE_CHECKING:
    from anjian.accounts.models import User



def _user(request: HttpRequest) -> User:
    """The signed-in user (every view here is behind login_required)."""
    return cast("User", request.user)


def _ledger(kind: str) -> Ledger:
    from anjian.ledgers.registry import get_ledger

    try:
        return get_ledger(kind)
    except LookupError as exc:
        raise Http404("没有这个台账") from exc


def _xlsx_response(write: Any, filename: str) -> FileResponse:
    # An anonymous temporary file: gone from the disk as soon as the response closes it.
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    write(handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX)


@login_required
def template(request: HttpRequest, kind: str) -> FileResponse:
    ledger = _ledger(kind)
    return _xlsx_response(lambda f: write_template(ledger, _user(request), f), ledger.filename("模板.xlsx"))


@login_required
def export(request: HttpRequest, kind: str) -> HttpResponseBase:
    """The current filtered list (the list page's query string) as .xlsx, or .csv with format=csv."""
    ledger = _ledger(kind)
    params = {k: v for k, v in request.GET.items() if k != "format"}
    as_csv = request.GET.get("format") == "csv"
    objects = ledger.export_objects(_user(request), params)
    audit.record(
        actor=_user(request),
        action=f"ledger.export.{ledger.name}",
        changes={"format": "csv" if as_csv else "xlsx", "filters": params},
    )
    if as_csv:
        response = StreamingHttpResponse(csv_chunks(ledger, objects), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(True, ledger.filename(".csv")) or ""
        return response
    return _xlsx_response(lambda f: export_xlsx(ledger, objects, f), ledger.filename(".xlsx"))


@login_required
def upload(request: HttpRequest, kind: str) -> HttpResponse:
    ledger = _ledger(kind)
    if _user(request).role not in ledger.importers:
        raise PermissionDenied(f"您的角色无权导入{ledger.title}")
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = job_create(
                actor=_user(request),
                ledger=ledger,
                upload=form.cleaned_data["file"],
                source=client_address(request),
            )
        except LedgerDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        return redirect("ledgers:job", pk=job.pk)
    jobs = ImportJob.objects.filter(user=_user(request), ledger=ledger.name)[:10]
    return render(request, "ledgers/import.html", {"ledger": ledger, "form": form, "jobs": jobs})


def _job_context(job: ImportJob) -> dict[str, Any]:
    phase, done, total = job_progress(job)
    report = ImportReport.from_dict(job.report) if job.report else None
    return {
        "job": job,
        "phase": phase,
        "done": done,
        "total": total,
        "percent": int(done * 100 / total) if total else 0,
        "report": report,
        "hidden_errors": (report.error_count - len(report.errors)) if report else 0,
        "statuses": JobStatus,
        "ledger": _ledger(job.ledger),
    }


def _own_job(request: HttpRequest, pk: int) -> ImportJob:
    # Another user's job is a 404, like everything out of scope.
    return get_object_or_404(ImportJob, pk=pk, user=_user(request))


@login_required
def job(request: HttpRequest, pk: int) -> HttpResponse:
    item = _own_job(request, pk)
    return render(request, "ledgers/job.html", _job_context(item))


@login_required
def job_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The part of the job page that htmx polls every second while the job runs."""
    item = _own_job(request, pk)
    return render(request, "ledgers/_job_status.html", _job_context(item))


@login_required
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    item = _own_job(request, pk)
    try:
        job_confirm(actor=_user(request), job=item)
    except (JobStateError, LedgerDenied) as exc:
        messages.error(request, str(exc))
    return redirect("ledgers:job", pk=item.pk)
