"""A throwaway API with install_error_handlers, to test the handlers on their own."""

from __future__ import annotations

from django.http import Http404
from django.urls import path
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError

from anjian.accounts.api import install_error_handlers

api = NinjaAPI(urls_namespace="errors-test", docs_url=None, openapi_url=None)
install_error_handlers(api)


class Payload(Schema):
    name: str
    count: int


@api.post("/echo")
def echo(request, payload: Payload) -> dict:
    return payload.dict()


@api.get("/missing")
def missing(request) -> dict:
    raise Http404("Unit matching query does not exist.")


@api.get("/private")
def private(request) -> dict:
    raise AuthenticationError()


urlpatterns = [path("errors/", api.urls)]
