"""The inbox (消息): list, open (marks read and follows the message's link), mark read; and the
SMS log for the system administrator (the logging SMS backend's output)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from anjian.accounts.roles import Role
from anjian.notifications import selectors, services

if TYPE_CHECKING:
    from anjian.accounts.models import User

PAGE_SIZE = 30


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(selectors.inbox(user, unread_only=unread_only), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "unread_only": unread_only, "unread": selectors.unread_count(user)}
    return render(request, "notifications/inbox.html", context)


@login_required
def message_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Opening a message reads it; then on to what it is about (only ever within this site)."""
    user = _user(request)
    message = selectors.message_get(user, pk)
    services.message_read(actor=user, message=message)
    if message.url and url_has_allowed_host_and_scheme(
        message.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(message.url)
    return redirect("notifications:inbox")


@login_required
@require_POST
def message_read(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    services.message_read(actor=user, message=selectors.message_get(user, pk))
    return _back(request)


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    services.messages_read_all(actor=_user(request))
    return _back(request)


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:inbox")


@login_required
def sms_log(request: HttpRequest) -> HttpResponse:
    if _user(request).role != Role.SYSADMIN:
        return HttpResponseForbidden("只有系统管理员可以查看短信记录")
    page = Paginator(selectors.sms_log(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/sms_log.html", {"page": page})
