"""Navigation for the signed-in user: the menu their role may use, and their to-do count."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from anjian.accounts.roles import ACCOUNT_ADMINS, Role
from anjian.hazards.forms import can_report
from anjian.notifications.selectors import unread_count
from anjian.web import todo


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # One aggregate query (anjian.web.todo): the number of hazards waiting for the user.
    items: list[dict[str, Any]] = [{"label": "首页", "url": reverse("home"), "count": todo.count(user)}]
    if user.role not in (Role.EXPERT,):
        items.append({"label": "生产经营单位", "url": reverse("units:list")})
        items.append({"label": "隐患", "url": reverse("hazards:list")})
        items.append({"label": "包联责任", "url": reverse("units:assignments")})
    items.append({"label": "消息", "url": reverse("notifications:inbox"), "count": unread_count(user)})
    items.append({"label": "API 文档", "url": "/api/docs"})
    return {
        "nav_items": items,
        "nav_role": user.get_role_display(),
        "nav_org": user.unit.name if user.unit_id else (user.org.name if user.org_id else ""),
        "nav_is_account_admin": user.role in ACCOUNT_ADMINS,
        "nav_can_report": can_report(user),
    }
