"""API test helpers: a client that speaks JSON with a persona's bearer token."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client


@dataclass
class ApiClient:
    """Thin wrapper over Django's test client: JSON in, (status, JSON) out."""

    client: Client
    token: str | None = None
    remote_addr: str = "10.20.30.40"

    def _headers(self) -> dict[str, Any]:
        headers: dict[str, Any] = {"REMOTE_ADDR": self.remote_addr}
        if self.token:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {self.token}"
        return headers

    def get(self, path: str, params: dict[str, Any] | None = None) -> tuple[int, Any]:
        response = self.client.get(path, params or {}, **self._headers())
        return response.status_code, response.json()

    def post(self, path: str, body: Any) -> tuple[int, Any]:
        response = self.client.post(path, json.dumps(body), content_type="application/json", **self._headers())
        return response.status_code, response.json()

    def patch(self, path: str, body: Any) -> tuple[int, Any]:
        response = self.client.patch(path, json.dumps(body), content_type="application/json", **self._headers())
        return response.status_code, response.json()


@pytest.fixture
def anonymous_api() -> ApiClient:
    return ApiClient(Client())


# The browser fixtures of tests/e2e (Chromium in a thread of its own, a committed and seeded
# county), all of them, so that this keeps working as they grow.
from tests.e2e.conftest import *  # noqa: E402, F403
