from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from anjian.enforcement.documents import document_issue
from anjian.enforcement.models import DocumentType


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def test_document_download_is_scoped(county: Any, inspection: Any) -> None:
    doc = document_issue(actor=county.users["county_admin"], doc_type=DocumentType.SITE_RECORD, inspection=inspection)
    url = reverse("enforcement:document_download", args=[doc.pk])
    client = Client()
    client.force_login(county.users["township"])
    response = client.get(url)
    assert response.status_code == 200
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == doc.sha256
    other = Client()
    other.force_login(county.users["other_county_admin"])
    assert other.get(url).status_code == 404
    assert Client().get(url).status_code == 302
