"""API authentication (session for the browser, bearer tokens for programs) and Chinese errors.

``auth_methods()`` is what ``anjian.api`` gives NinjaAPI; ``install_error_handlers(api)``
turns ninja's English error bodies into Chinese ones with the same shape
(``{"detail": …}``, plus ``"errors"`` by field for a 422).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Router, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from anjian.accounts.models import ApiToken
from anjian.accounts.tokens import token_authenticate

if TYPE_CHECKING:
    from ninja import NinjaAPI

UNAUTHENTICATED = "未登录或令牌无效：请先登录，或在请求头中提供 Authorization: Bearer <令牌>"
CSRF_FAILED = "CSRF 校验失败：请刷新页面后重试（程序调用请使用 API 令牌）"
NOT_FOUND = "未找到该记录"
INVALID = "提交的数据有误"


# token digest → (monotonic expiry, user): a program sends its token with every call, and looking
# it up (token, user, org) each time was one query of every API call (docs/performance.md, issue 3).
# A revoked token or a deactivated user is refused at once in the process that made the change
# (any save of a token or a user empties the cache), and in every other server process within
# TOKEN_CACHE_SECONDS. last_used_at is still written by token_authenticate, at most once a minute.
TOKEN_CACHE_SECONDS = 5.0
TOKEN_CACHE_MAX = 10_000
_TOKENS: dict[str, tuple[float, Any]] = {}


def forget_tokens(**kwargs: Any) -> None:
    _TOKENS.clear()


post_save.connect(forget_tokens, sender=ApiToken, dispatch_uid="accounts.token_cache.token_save")
post_delete.connect(forget_tokens, sender=ApiToken, dispatch_uid="accounts.token_cache.token_delete")
post_save.connect(forget_tokens, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts.token_cache.user_save")
post_delete.connect(forget_tokens, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts.token_cache.user_delete")


class BearerTokenAuth(HttpBearer):
    """``Authorization: Bearer <token>`` with a per-user token (anjian.accounts.tokens)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        digest = ApiToken.hash((token or "").strip())
        now = time.monotonic()
        hit = _TOKENS.get(digest)
        if hit is not None and hit[0] > now:
            user = hit[1]
        else:
            user = token_authenticate(token)
            if user is not None:
                if len(_TOKENS) >= TOKEN_CACHE_MAX:
                    _TOKENS.clear()
                _TOKENS[digest] = (now + TOKEN_CACHE_SECONDS, user)
        if user is not None:
            # Code below the API (services, templates) reads request.user as for a session.
            request.user = user
        return user


class CsrfSessionAuth(SessionAuth):
    """Django's session login, CSRF-checked on unsafe methods.

    Unlike ninja's SessionAuth it checks CSRF only when a session user is present, so an
    anonymous POST gets the 401 it deserves rather than a puzzling CSRF 403. It is the
    last method tried, so it also gives the Chinese 401.
    """

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            raise AuthenticationError(message=UNAUTHENTICATED)
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request) is not None:
            raise HttpError(403, CSRF_FAILED)
        return user


def auth_methods() -> list[Any]:
    # Bearer first: a program that sends a token must not be asked for a CSRF token just
    # because it also happens to carry a session cookie.
    return [BearerTokenAuth(), CsrfSessionAuth()]


# --- Errors in Chinese ----------------------------------------------------------------

# pydantic error types → Chinese reasons (the ones a client of this API can trigger).
_PYDANTIC_MESSAGES = {
    "missing": "必填",
    "string_type": "应为字符串",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "decimal_type": "应为数字",
    "decimal_parsing": "应为数字",
    "string_too_long": "过长",
    "string_too_short": "过短",
    "json_invalid": "不是有效的 JSON",
    "model_attributes_type": "格式不正确",
    "dict_type": "应为 JSON 对象",
    "extra_forbidden": "不允许的字段",
    "literal_error": "取值不在允许范围内",
    "enum": "取值不在允许范围内",
}


def _field_of(loc: Any) -> str:
    # loc is ("body", "payload", "name") or ("query", "page"): the last named part is the field.
    parts = [str(p) for p in (loc or ()) if not isinstance(p, int)]
    parts = [p for p in parts if p not in {"body", "query", "path", "payload", "header", "cookie", "filters"}]
    return parts[-1] if parts else "__all__"


def validation_errors(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    """ninja/pydantic error list → {field: [Chinese reason, …]}."""
    out: dict[str, list[str]] = {}
    for err in errors:
        reason = _PYDANTIC_MESSAGES.get(str(err.get("type", "")), "格式不正确")
        out.setdefault(_field_of(err.get("loc")), []).append(reason)
    return out


def error_body(message: str, errors: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """The one error shape of the API: a Chinese ``detail`` and, for a 422, ``errors`` by field."""
    body: dict[str, Any] = {"detail": message}
    if errors is not None:
        body["errors"] = errors
    return body


def install_error_handlers(api: NinjaAPI) -> None:
    """Chinese bodies for 401, 404 and 422 (ninja's defaults are English)."""

    def on_auth(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        message = str(exc) if str(exc) != "Unauthorized" else UNAUTHENTICATED
        return api.create_response(request, error_body(message), status=401)

    def on_404(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, error_body(NOT_FOUND), status=404)

    def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = validation_errors(list(exc.errors))
        detail = INVALID + "：" + "；".join(f"{k} {'、'.join(v)}" for k, v in errors.items())
        return api.create_response(request, error_body(detail, errors), status=422)

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # ninja raises HttpError(400, "Cannot parse request body") for malformed JSON.
        message = str(exc)
        if exc.status_code == 400 and "parse request body" in message:
            message = "请求体不是有效的 JSON"
        return api.create_response(request, error_body(message), status=exc.status_code)

    api.exception_handler(HttpError)(on_http_error)
    api.exception_handler(AuthenticationError)(on_auth)
    api.exception_handler(Http404)(on_404)
    api.exception_handler(ValidationError)(on_validation)


# --- Who am I ---------------------------------------------------------------------------

router = Router(tags=["账号"])


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    role: str
    role_display: str
    org: str | None
    region_code: str | None
    unit_id: int | None
    grid_id: int | None


@router.get("/me", response=MeOut, summary="当前用户", description="令牌或会话所代表的用户及其角色、机构。")
def me(request: HttpRequest) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    return {
        "id": user.pk,
        "username": user.get_username(),
        "full_name": user.full_name,
        "role": user.role,
        "role_display": user.get_role_display(),
        "org": user.org.name if user.org_id else None,
        "region_code": user.org.region_code if user.org_id else None,
        "unit_id": user.unit_id,
        "grid_id": user.grid_id,
    }
