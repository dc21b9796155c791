"""Enforcement pages. So far: the scoped download of an issued document (never a MEDIA_URL link)."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest

from anjian.enforcement import selectors

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@login_required
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    """The .docx of a document in the user's scope; 404 otherwise (scope rule)."""
    document = selectors.document_get(request.user, pk)  # type: ignore[arg-type]
    response = FileResponse(document.file.open("rb"), content_type=DOCX)
    name = f"{document.number}{document.get_doc_type_display()}.docx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response
