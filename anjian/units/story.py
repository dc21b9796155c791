"""The unit's whole story (单位档案): one timeline of everything recorded about a unit.

Inspections, hazards (with their status), enforcement actions, interviews/notices/exposure
naming it, accidents, outreach activities and the registry's own changes, newest first.
One query per source, each narrowed by ``anjian.core.scope`` to what the user may see.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from anjian.core.models import AuditEntry
from anjian.core.scope import scoped
from anjian.units.models import Unit

if TYPE_CHECKING:
    from anjian.accounts.models import User

LIMIT = 200  # items per source; a unit's story is read, not exported

AUDIT_LABELS = {
    "unit.create": "登记建档",
    "unit.update": "修改档案",
    "unit.deactivate": "注销",
    "unit.reactivate": "恢复在册",
}


@dataclass(frozen=True)
class StoryItem:
    when: dt.datetime  # for ordering; a date-only record sorts at the start of its day
    date: dt.date
    source: str  # inspection, hazard, enforcement, interview, accident, outreach, registry
    label: str  # 检查, 隐患, 执法, 约谈/通报/曝光, 事故, 宣教, 档案
    title: str
    detail: str = ""
    status: str = ""
    url: str = ""


def _url(name: str, pk: Any) -> str:
    """The detail page's URL when that page exists (other apps' pages may not exist yet)."""
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


def _day(value: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(value, dt.time.min))


def _on(value: dt.datetime) -> dt.date:
    return timezone.localtime(value).date()


def unit_story(user: User, unit: Unit) -> list[StoryItem]:
    """Everything the user may see about ``unit``, newest first. Nothing if the unit is out of scope."""
    from anjian.accidents.models import Accident
    from anjian.enforcement.models import EnforcementAction, Interview
    from anjian.hazards.models import Hazard
    from anjian.inspections.models import Inspection
    from anjian.outreach.models import Activity

    if not scoped(user, Unit.objects.filter(pk=unit.pk)).exists():
        return []
    items: list[StoryItem] = []

    for i in scoped(user, Inspection.objects.filter(unit_id=unit.pk)).select_related("group")[:LIMIT]:
        detail = i.group.name if i.group_id and i.group is not None else ""
        items.append(
            StoryItem(
                _day(i.date),
                i.date,
                "inspection",
                "检查",
                f"{i.get_kind_display()} {i.number}",
                detail or (i.findings or "")[:80],
                "",
                _url("inspections:detail", i.pk),
            )
        )
    for h in scoped(user, Hazard.objects.filter(unit_id=unit.pk))[:LIMIT]:
        items.append(
            StoryItem(
                _day(h.found_on),
                h.found_on,
                "hazard",
                "隐患",
                f"{h.get_level_display()}隐患 {h.number}",
                (h.description or "")[:80],
                h.get_status_display(),
                _url("hazards:detail", h.pk),
            )
        )
    for a in scoped(user, EnforcementAction.objects.filter(unit_id=unit.pk))[:LIMIT]:
        items.append(
            StoryItem(
                _day(a.date),
                a.date,
                "enforcement",
                "执法",
                f"{a.get_kind_display()} {a.number}",
                (a.cause or "")[:80],
                "",
                _url("enforcement:detail", a.pk),
            )
        )
    interviews = scoped(user, Interview.objects.filter(units__id=unit.pk)).distinct()[:LIMIT]
    for v in interviews:
        items.append(
            StoryItem(
                _day(v.date),
                v.date,
                "interview",
                v.get_kind_display(),
                f"{v.get_kind_display()} {v.number}",
                (v.reason or "")[:80],
                "",
                _url("enforcement:interview_detail", v.pk),
            )
        )
    for x in scoped(user, Accident.objects.filter(unit_id=unit.pk))[:LIMIT]:
        loss = f"死亡{x.deaths}人 受伤{x.injuries}人"
        items.append(
            StoryItem(
                x.occurred_at,
                _on(x.occurred_at),
                "accident",
                "事故",
                f"{x.get_category_display()}事故 {x.number}",
                loss,
                x.get_investigation_display(),
                _url("accidents:detail", x.pk),
            )
        )
    for o in scoped(user, Activity.objects.filter(unit_id=unit.pk))[:LIMIT]:
        items.append(
            StoryItem(
                _day(o.date),
                o.date,
                "outreach",
                "宣教",
                f"{o.get_kind_display()} {o.name or o.number}",
                f"{o.attendees}人",
                "",
                _url("outreach:detail", o.pk),
            )
        )
    entries = AuditEntry.objects.filter(object_type=Unit._meta.label_lower, object_id=str(unit.pk)).order_by("-at")
    for e in entries[:LIMIT]:
        label = AUDIT_LABELS.get(e.action, e.action)
        if e.action == "unit.update" and e.changes:
            detail = "、".join(str(k) for k in e.changes)
        elif e.action == "unit.deactivate":
            detail = str(e.changes.get("reason", ""))
        else:
            detail = ""
        items.append(StoryItem(e.at, _on(e.at), "registry", "档案", f"{label}（{e.actor_name}）", detail))
    items.sort(key=lambda s: s.when, reverse=True)
    return items
