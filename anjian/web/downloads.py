"""A generated file as an attachment (the .xlsx tables, .docx briefings, CSV of every page that exports)."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def download(content: bytes, filename: str, content_type: str = XLSX) -> HttpResponse:
    """``content`` as an attachment named ``filename`` (RFC 6266, so Chinese names survive)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename) or ""
    return response
