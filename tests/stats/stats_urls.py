"""The stats router mounted on its own API (as anjian/api.py mounts it: ``/api/v1/stats``)."""

from __future__ import annotations

from django.urls import path
from ninja import NinjaAPI

from anjian.accounts.api import auth_methods, install_error_handlers
from anjian.stats.api import router

api = NinjaAPI(urls_namespace="stats-test", docs_url=None, openapi_url=None, auth=auth_methods())
install_error_handlers(api)
api.add_router("/v1/stats", router)

urlpatterns = [path("api/", api.urls)]
