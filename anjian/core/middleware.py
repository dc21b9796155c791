from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from anjian.core.audit import origin


def client_address(request: HttpRequest) -> str:
    # Behind the deployer's reverse proxy REMOTE_ADDR is the proxy; ANJIAN_TRUST_PROXY is
    # documented in docs/deployment.md. Without it, the socket address is the truth.
    from django.conf import settings

    if getattr(settings, "ANJIAN_TRUST_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


class RequestContextMiddleware:
    """Puts the request's source address and channel where services' audit records find it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        channel = "api" if request.path.startswith("/api/") else "web"
        with origin(client_address(request), channel):
            return self.get_response(request)
