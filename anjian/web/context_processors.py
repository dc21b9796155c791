"""Navigation for the signed-in user: the menu their role may use, and their to-do count."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from anjian.accounts.roles import ACCOUNT_ADMINS, Role
from anjian.hazards.forms import can_report
from anjian.notifications.selectors import unread_count
from anjian.web import todo


def _url(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # One aggregate query (anjian.web.todo): the number of hazards waiting for the user.
    items: list[dict[str, Any]] = [{"label": "首页", "url": reverse("home"), "count": todo.count(user)}]
    more: list[dict[str, Any]] = []
    if user.role not in (Role.UNIT_STAFF, Role.GRID_WORKER):
        items.append({"label": "监督检查", "url": reverse("inspections:list")})
    items.append({"label": "隐患", "url": reverse("hazards:list")})
    items.append({"label": "生产经营单位", "url": reverse("units:list")})
    if user.role not in (Role.UNIT_STAFF, Role.GRID_WORKER):
        more += [
            {"label": "执法记录", "url": _url("enforcement:list")},
            {"label": "执法文书", "url": _url("enforcement:documents")},
            {"label": "约谈通报曝光", "url": _url("enforcement:interviews")},
            {"label": "专项行动", "url": reverse("campaigns:list")},
            {"label": "事故", "url": reverse("accidents:list")},
            {"label": "宣教活动", "url": reverse("outreach:list")},
            {"label": "包联责任", "url": reverse("units:assignments")},
        ]
    # 双随机抽查: the roles that read draws (anjian.plans.services.DRAW_READERS; not experts).
    from anjian.plans.services import DRAW_READERS

    if user.role in DRAW_READERS:
        more.append({"label": "双随机抽查", "url": _url("plans:list")})
        more.append({"label": "年度监督检查计划", "url": _url("plans:annual_list")})
    # 举报受理: the roles that read tip-offs (anjian.tipoffs.services.READERS; not units, grids, experts).
    from anjian.tipoffs.services import READERS as TIPOFF_READERS

    if user.role in TIPOFF_READERS:
        more.append({"label": "举报受理", "url": _url("tipoffs:list")})
    # 网格巡查: the roles that read patrols (anjian.patrols.services.READERS; not units, experts, auditors).
    from anjian.patrols.services import READERS as PATROL_READERS
    from anjian.patrols.services import can_record as can_patrol

    if user.role in PATROL_READERS:
        more.append({"label": "网格巡查", "url": _url("patrols:list")})
    more.append({"label": "API 文档", "url": "/api/docs"})
    # 统计: the roles that may read statistics (the same set as the API's, anjian.stats.api).
    from anjian.stats.api import STATS_READERS

    stats: list[dict[str, Any]] = []
    if user.role in STATS_READERS:
        stats = [
            {"label": "统计看板", "url": _url("stats:dashboard")},
            {"label": "进展情况统计表", "url": _url("stats:progress")},
            {"label": "通报排名", "url": _url("stats:ranking")},
            # The risk map has the same readers (anjian.stats.maps.MAP_READERS); listed once it is routed.
            {"label": "隐患风险分布图", "url": _url("stats:map")},
        ]
    # 分级上报: the readers of the upper office's summary (anjian.reporting.services.READERS).
    from anjian.reporting.services import can_read as can_read_reports

    if can_read_reports(user):
        stats.append({"label": "分级上报汇总", "url": _url("reporting:summary")})
    items.append({"label": "消息", "url": reverse("notifications:inbox"), "count": unread_count(user)})
    return {
        "nav_items": items,
        "nav_more": [m for m in more if m["url"]],
        "nav_stats": [m for m in stats if m["url"]],
        "nav_role": user.get_role_display(),
        "nav_org": user.unit.name if user.unit_id else (user.org.name if user.org_id else ""),
        "nav_is_account_admin": user.role in ACCOUNT_ADMINS,
        "nav_can_report": can_report(user),
        "nav_can_patrol": can_patrol(user),
    }
