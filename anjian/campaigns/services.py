"""Writes of campaigns (专项行动, a "1+2+N" plan tree) and their roadmap tasks.

Every write validates first (a rejected request changes nothing), runs in one transaction and
leaves an audit record. Office roles write (county admin, department, township); the region
must lie in the actor's jurisdiction and a parent must be a campaign the actor can see.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from anjian.accounts.models import Organization, OrgKind
from anjian.accounts.roles import UNIT_EDITORS, Role
from anjian.campaigns import scoring
from anjian.campaigns.models import (
    Adjustment,
    AssessedGroup,
    Assessment,
    AssessmentItem,
    AssessmentRow,
    AssessmentScheme,
    AssessmentStatus,
    Campaign,
    Direction,
    QuotaOverride,
    Task,
)
from anjian.campaigns.selectors import campaign_queryset, campaign_tree_ids, task_queryset
from anjian.core import audit
from anjian.core.scope import region_in_scope
from anjian.core.text import clean
from anjian.regions.models import Division, Level
from anjian.stats import indicators as ind
from anjian.stats.grouped import TOWNSHIP_DIGITS, compute_by
from anjian.stats.ranking import NOT_RANKED
from anjian.stats.scope import Scope, build_scope, default_as_of
from anjian.stats.scope import region_prefix as region_prefix_of

if TYPE_CHECKING:
    from anjian.accounts.models import User

CAMPAIGN_FIELDS = ["name", "parent", "start", "end", "lead_department", "region_code", "description"]
TASK_FIELDS = ["campaign", "number", "content", "due", "responsible", "completed_on", "progress"]
WRITERS = UNIT_EDITORS


class CampaignError(Exception):
    """A rejected write. ``errors`` maps a field name (or '__all__') to Chinese reasons."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("；".join(f"{k}: {'、'.join(v)}" for k, v in errors.items()))


class PermissionDenied(Exception):
    """The actor's role may not take this action."""


def check_writer(actor: User) -> None:
    if actor.role not in WRITERS:
        raise PermissionDenied(f"{actor.get_role_display()}无权登记专项行动")


@dataclass
class CampaignData:
    name: str
    start: dt.date
    end: dt.date
    region_code: str
    parent: Campaign | None = None
    lead_department: Organization | None = None
    description: str = ""


@dataclass
class TaskData:
    campaign: Campaign
    number: str
    content: str
    due: dt.date
    responsible: str
    completed_on: dt.date | None = None
    progress: str = ""


def descendant_ids(campaign: Campaign) -> set[int]:
    from anjian.campaigns.selectors import campaign_tree_ids

    return campaign_tree_ids(campaign)


def campaign_validate(actor: User, data: CampaignData, instance: Campaign | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    data.name = clean(data.name)
    data.description = (data.description or "").strip()
    if not data.name:
        add("name", "名称不能为空")
    data.region_code = (data.region_code or "").strip().ljust(12, "0")
    if not Division.objects.filter(code=data.region_code).exists():
        add("region_code", f"区划代码 {data.region_code} 不存在")
    elif not region_in_scope(actor, data.region_code):
        add("region_code", "该区划不在您的管辖范围内")
    if data.start and data.end and data.end < data.start:
        add("end", "结束日期不能早于开始日期")
    if data.parent is not None:
        if not campaign_queryset(actor).filter(pk=data.parent.pk).exists():
            add("parent", "上级行动不在您的管辖范围内")
        elif instance is not None and instance.pk is not None and data.parent.pk in descendant_ids(instance):
            add("parent", "上级行动不能是本行动或其下级行动（不能形成循环）")
    if data.lead_department is not None and data.lead_department.kind != OrgKind.DEPARTMENT:
        add("lead_department", "牵头部门应为行业主管部门")
    if errors:
        return errors
    others = Campaign.objects.exclude(pk=instance.pk) if instance is not None else Campaign.objects.all()
    if others.filter(region_code=data.region_code, name=data.name).exists():
        add("name", "同一区划已有同名专项行动")
    return errors


def _apply(obj: Any, data: Any, fields: list[str]) -> None:
    for name in fields:
        setattr(obj, name, getattr(data, name))


def campaign_create(*, actor: User, data: CampaignData) -> Campaign:
    check_writer(actor)
    errors = campaign_validate(actor, data, None)
    if errors:
        raise CampaignError(errors)
    campaign = Campaign()
    _apply(campaign, data, CAMPAIGN_FIELDS)
    try:
        audit.save_audited(campaign, actor=actor, action="campaign.create", fields=CAMPAIGN_FIELDS)
    except IntegrityError as exc:
        raise CampaignError({"__all__": ["同一区划已有同名专项行动"]}) from exc
    return campaign


def campaign_update(*, actor: User, campaign: Campaign, data: CampaignData) -> tuple[Campaign, dict[str, Any]]:
    check_writer(actor)
    # Seeing a campaign (the county's, from a township) is not owning it: writes need its region.
    if not campaign_queryset(actor).filter(pk=campaign.pk).exists() or not region_in_scope(actor, campaign.region_code):
        raise PermissionDenied("该专项行动不在您的管辖范围内")
    errors = campaign_validate(actor, data, campaign)
    if errors:
        raise CampaignError(errors)
    before = audit.snapshot(campaign, CAMPAIGN_FIELDS)
    _apply(campaign, data, CAMPAIGN_FIELDS)
    try:
        changes = audit.save_audited(
            campaign, actor=actor, action="campaign.update", fields=CAMPAIGN_FIELDS, before=before
        )
    except IntegrityError as exc:
        raise CampaignError({"__all__": ["同一区划已有同名专项行动"]}) from exc
    return campaign, changes


def task_validate(actor: User, data: TaskData, instance: Task | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    data.number = clean(data.number)
    data.content = (data.content or "").strip()
    data.responsible = clean(data.responsible)
    if not data.number:
        add("number", "任务编号不能为空")
    if not data.content:
        add("content", "任务内容不能为空")
    if not data.responsible:
        add("responsible", "责任单位不能为空")
    if not campaign_queryset(actor).filter(pk=data.campaign.pk).exists() or not region_in_scope(
        actor, data.campaign.region_code
    ):
        add("campaign", "该专项行动不在您的管辖范围内")
    if errors:
        return errors
    others = Task.objects.exclude(pk=instance.pk) if instance is not None else Task.objects.all()
    if others.filter(campaign=data.campaign, number=data.number).exists():
        add("number", "该专项行动已有此任务编号")
    return errors


def task_create(*, actor: User, data: TaskData) -> Task:
    check_writer(actor)
    errors = task_validate(actor, data, None)
    if errors:
        raise CampaignError(errors)
    task = Task(region_code=data.campaign.region_code)
    _apply(task, data, TASK_FIELDS)
    try:
        audit.save_audited(task, actor=actor, action="task.create", fields=TASK_FIELDS)
    except IntegrityError as exc:
        raise CampaignError({"number": ["该专项行动已有此任务编号"]}) from exc
    return task


def task_update(*, actor: User, task: Task, data: TaskData) -> tuple[Task, dict[str, Any]]:
    check_writer(actor)
    # Seeing a task of the county's campaign is not owning it: writes need its region.
    if not task_queryset(actor).filter(pk=task.pk).exists() or not region_in_scope(actor, task.region_code):
        raise PermissionDenied("该任务不在您的管辖范围内")
    errors = task_validate(actor, data, task)
    if errors:
        raise CampaignError(errors)
    before = audit.snapshot(task, TASK_FIELDS)
    _apply(task, data, TASK_FIELDS)
    task.region_code = data.campaign.region_code
    try:
        changes = audit.save_audited(task, actor=actor, action="task.update", fields=TASK_FIELDS, before=before)
    except IntegrityError as exc:
        raise CampaignError({"number": ["该专项行动已有此任务编号"]}) from exc
    return task, changes


def task_complete(*, actor: User, task: Task, on: dt.date, progress: str = "") -> Task:
    """Mark a roadmap task done on ``on`` (a later call moves the date)."""
    check_writer(actor)
    # Seeing a task of the county's campaign is not owning it: writes need its region.
    if not task_queryset(actor).filter(pk=task.pk).exists() or not region_in_scope(actor, task.region_code):
        raise PermissionDenied("该任务不在您的管辖范围内")
    if on is None:
        raise CampaignError({"completed_on": ["请填写完成日期"]})
    before = audit.snapshot(task, ["completed_on", "progress"])
    task.completed_on = on
    if progress.strip():
        task.progress = progress.strip()
    with transaction.atomic():
        task.save(update_fields=["completed_on", "progress"])
        audit.record(
            actor=actor,
            action="task.complete",
            obj=task,
            changes=audit.diff(before, audit.snapshot(task, ["completed_on", "progress"])),
        )
    return task


# === 指标任务与月度考核 (quotas and monthly assessments) ===========================================
#
# The county office of a campaign's region sets the scheme (考核细则) and scores the months; the other
# offices and the read-only roles read the results (a township sees the whole ranking, as in a notice).
# A draft is recomputed at will; a published assessment (通报) is a snapshot that never changes.

ASSESSORS = frozenset({Role.COUNTY_ADMIN})
ASSESSMENT_READERS = ASSESSORS | frozenset(
    {Role.DEPARTMENT, Role.TOWNSHIP, Role.LEADER, Role.AUDITOR, Role.SYSADMIN}
)
MAX_POINTS = Decimal("1000")
MAX_ADJUSTMENT_LIMIT = Decimal("100")


class AssessmentError(CampaignError):
    """A rejected scheme or assessment write; ``errors`` maps a field to Chinese reasons."""


@dataclass
class ItemData:
    indicator: str
    direction: str
    quota: Decimal
    points: Decimal
    deduction: Decimal = Decimal("1")
    # group key (a township's 9-digit prefix, a department's id) → that group's own quota
    overrides: dict[str, Decimal] = field(default_factory=dict)


@dataclass
class SchemeData:
    group: str
    adjustment_limit: Decimal = Decimal("5")
    note: str = ""
    items: list[ItemData] = field(default_factory=list)

    @classmethod
    def of(cls, scheme: AssessmentScheme) -> SchemeData:
        """The scheme as it is (items and overrides), for a caller that changes one part of it."""
        return cls(
            group=scheme.group, adjustment_limit=scheme.adjustment_limit, note=scheme.note,
            items=[
                ItemData(i.indicator, i.direction, i.quota, i.points, i.deduction,
                         {o.group_key: o.quota for o in i.overrides.all()})
                for i in scheme.items.all()
            ],
        )


def check_assessor(actor: User, campaign: Campaign) -> None:
    """The county office of the campaign's region; a township or department reads only."""
    if actor.role not in ASSESSORS:
        raise PermissionDenied(f"{actor.get_role_display()}无权设置或计算考核")
    if not campaign_queryset(actor).filter(pk=campaign.pk).exists() or not region_in_scope(
        actor, campaign.region_code
    ):
        raise PermissionDenied("该专项行动不在您的管辖范围内")


def assessed_groups(campaign: Campaign, group: str) -> dict[str, str]:
    """The townships or departments a scheme of ``campaign`` assesses: key → name.

    The keys and the rows are those of ``stats.grouped.compute_by`` for the campaign's region: a
    township's 9-digit code prefix, a department's id.
    """
    prefix = region_prefix_of(campaign.region_code)
    if group == AssessedGroup.TOWNSHIP:
        towns = Division.objects.filter(level=Level.TOWNSHIP, code__startswith=prefix).order_by("code")
        return {t.code[:TOWNSHIP_DIGITS]: t.name for t in towns}
    depts = Organization.objects.filter(kind=OrgKind.DEPARTMENT, region_code__startswith=prefix)
    return {str(d.pk): d.name for d in depts.order_by("region_code", "name")}


def _decimal(raw: Any) -> Decimal | None:
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def scheme_validate(campaign: Campaign, data: SchemeData, instance: AssessmentScheme | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    data.note = (data.note or "").strip()
    if data.group not in AssessedGroup.values:
        add("group", "请选择考核对象（乡镇（街道）或行业主管部门）")
    else:
        others = AssessmentScheme.objects.filter(campaign=campaign, group=data.group)
        if instance is not None:
            others = others.exclude(pk=instance.pk)
            if data.group != instance.group and instance.assessments.exists():
                add("group", "已有月度考核，不能再改考核对象")
        if others.exists():
            add("group", f"该专项行动已有{AssessedGroup(data.group).label}考核细则")
    limit = _decimal(data.adjustment_limit)
    if limit is None or not Decimal(0) <= limit <= MAX_ADJUSTMENT_LIMIT:
        add("adjustment_limit", f"加减分上限应在0至{MAX_ADJUSTMENT_LIMIT}分之间")
    else:
        data.adjustment_limit = limit
    groups = assessed_groups(campaign, data.group) if data.group in AssessedGroup.values else {}
    seen: set[str] = set()
    for item in data.items:
        i = ind.BY_CODE.get(item.indicator)
        if i is None:
            add("indicator", f"指标代码无效：{item.indicator}")
            continue
        name = i.name
        if item.indicator in seen:
            add("indicator", f"{name}：同一指标只能考核一次")
        seen.add(item.indicator)
        if item.direction not in Direction.values:
            add("direction", f"{name}：请选择“不低于”或“不高于”")
        points = _decimal(item.points)
        if points is None or not Decimal(0) < points <= MAX_POINTS:
            add("points", f"{name}：分值应大于0且不超过{MAX_POINTS}分")
        deduction = _decimal(item.deduction)
        if deduction is None or not Decimal(0) <= deduction <= MAX_POINTS:
            add("deduction", f"{name}：超出每单位扣分应在0至{MAX_POINTS}分之间")
        quotas = {"": item.quota, **item.overrides}
        for key, raw in quotas.items():
            quota = _decimal(raw)
            where = f"{groups.get(key, key)}的" if key else ""
            field_name = "overrides" if key else "quota"
            if key and key not in groups:
                add("overrides", f"{name}：{key} 不是本行动所属区划的{AssessedGroup(data.group).label}")
            elif quota is None or quota < 0:
                add(field_name, f"{name}：{where}月度指标应为不小于0的数")
            elif i.kind == ind.RATE and quota > 100:
                add(field_name, f"{name}：{where}月度指标是百分数，不能超过100")
            elif quota >= Decimal("1e12"):
                add(field_name, f"{name}：{where}月度指标过大")
        if not errors and points is not None and deduction is not None:
            # Normalised once valid: the form's strings and numbers become the Decimals saved.
            item.points, item.deduction, item.quota = points, deduction, Decimal(str(item.quota))
            item.overrides = {k: Decimal(str(v)) for k, v in item.overrides.items()}
    return errors


def _scheme_snapshot(scheme: AssessmentScheme) -> dict[str, Any]:
    return {
        "group": scheme.group,
        "adjustment_limit": str(scheme.adjustment_limit),
        "note": scheme.note,
        "items": [
            {"indicator": i.indicator, "direction": i.direction, "quota": str(i.quota), "points": str(i.points),
             "deduction": str(i.deduction), "overrides": {o.group_key: str(o.quota) for o in i.overrides.all()}}
            for i in scheme.items.all()
        ],
    }


def scheme_save(
    *, actor: User, campaign: Campaign, data: SchemeData, scheme: AssessmentScheme | None = None
) -> AssessmentScheme:
    """Create a scheme, or replace an existing one's settings, items and overrides, as one write.

    The pages add or remove one item, or set one item's overrides, by passing the whole scheme
    changed in that one place (``SchemeData.of``): one validation for every way of editing.
    """
    check_assessor(actor, campaign)
    if scheme is not None and scheme.campaign_id != campaign.pk:
        raise PermissionDenied("考核细则不属于该专项行动")
    errors = scheme_validate(campaign, data, scheme)
    if errors:
        raise AssessmentError(errors)
    groups = assessed_groups(campaign, data.group)
    with transaction.atomic():
        if scheme is None:
            scheme = AssessmentScheme(campaign=campaign)
            before: dict[str, Any] = {}
        else:
            scheme = AssessmentScheme.objects.select_for_update().get(pk=scheme.pk)
            before = _scheme_snapshot(scheme)
        scheme.group, scheme.adjustment_limit, scheme.note = data.group, data.adjustment_limit, data.note
        try:
            with transaction.atomic():
                scheme.save()
        except IntegrityError as exc:
            raise AssessmentError({"group": ["该专项行动已有此考核对象的考核细则"]}) from exc
        scheme.items.all().delete()
        for position, item in enumerate(data.items, start=1):
            saved = AssessmentItem.objects.create(
                scheme=scheme, position=position, indicator=item.indicator, direction=item.direction,
                quota=item.quota, points=item.points, deduction=item.deduction,
            )
            QuotaOverride.objects.bulk_create(
                QuotaOverride(item=saved, group_key=k, group_name=groups[k], quota=q) for k, q in item.overrides.items()
            )
        scheme = AssessmentScheme.objects.prefetch_related("items__overrides").get(pk=scheme.pk)
        after = _scheme_snapshot(scheme)
        changes = audit.diff(before, after)
        if changes:
            audit.record(actor=actor, action="assessment_scheme.create" if not before else "assessment_scheme.update",
                         obj=scheme, changes=changes)
    return scheme


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return first, last


def assessment_scope(campaign: Campaign, month: dt.date, as_of: dt.date) -> Scope:
    """The statistics scope of one month of a campaign: its region, the month, the campaign tree."""
    first, last = month_bounds(month)
    s = build_scope(region=campaign.region_code, date_from=first, date_to=last, as_of=as_of)
    # The campaign by id (build_scope looks a campaign up by name or id, which a name like "12" confuses).
    return replace(s, campaign=campaign.name, campaign_ids=frozenset(campaign_tree_ids(campaign)))


def _cells(items: list[dict[str, Any]], values: dict[str, Any], key: str) -> tuple[dict[str, Any], Decimal]:
    """One group's cells (figure, quota, score per indicator) and the sum of its item scores."""
    cells: dict[str, Any] = {}
    total = Decimal("0.00")
    for item in items:
        code = item["indicator"]
        i = ind.BY_CODE[code]
        quota = Decimal(item["overrides"].get(key, item["quota"]))
        score = scoring.item_score(
            direction=item["direction"], figure=scoring.figure_of(code, values), quota=quota,
            points=Decimal(item["points"]), deduction=Decimal(item["deduction"]),
        )
        cell: dict[str, Any] = {"quota": str(quota), "score": str(score)}
        if i.kind == ind.RATE:
            num, den = (int(values[c] or 0) for c in i.ratio)  # type: ignore[union-attr]
            cell.update(value=None if not den else num / den, num=num, den=den)
        elif i.kind == ind.MONEY_KIND:
            cell["value"] = str(values[code])
        else:
            cell["value"] = int(values[code])
        cells[code] = cell
        total += score
    return cells, total


def assessment_compute(
    *, actor: User, scheme: AssessmentScheme, month: dt.date, as_of: dt.date | None = None,
    today: dt.date | None = None,
) -> Assessment:
    """Compute (or recompute, while a draft) the month's figures and scores of every group.

    The figures are one ``compute_by(scope, group)`` for the campaign's region, the month and the
    campaign: a fixed number of queries however many townships or departments there are. ``as_of``
    (数据截至) defaults to the month's last day, or today if that is earlier. Adjustments already
    entered are kept.
    """
    campaign = scheme.campaign
    check_assessor(actor, campaign)
    today = today or timezone.localdate()
    first, last = month_bounds(month)
    errors: dict[str, list[str]] = {}
    if first > today:
        errors.setdefault("month", []).append("该月份尚未开始，不能考核")
    if last < campaign.start.replace(day=1) or first > campaign.end:
        errors.setdefault("month", []).append(
            f"考核月份应在专项行动期间（{campaign.start:%Y-%m-%d} 至 {campaign.end:%Y-%m-%d}）"
        )
    day = as_of or default_as_of(last, today)
    if day < first or day > today:
        errors.setdefault("as_of", []).append(f"数据截至日期应在 {first:%Y-%m-%d} 至今天（{today:%Y-%m-%d}）之间")
    items = list(scheme.items.prefetch_related("overrides"))
    if not items:
        errors.setdefault("__all__", []).append("考核细则尚无考核指标，请先添加")
    if errors:
        raise AssessmentError(errors)
    existing = Assessment.objects.filter(scheme=scheme, month=first).first()
    if existing is not None and not existing.is_draft:
        raise AssessmentError({"__all__": [f"{existing.month_label}的考核已通报，不能重新计算"]})

    snapshot_items = [
        {"indicator": i.indicator, "name": ind.BY_CODE[i.indicator].name, "unit": ind.BY_CODE[i.indicator].unit,
         "kind": ind.BY_CODE[i.indicator].kind, "direction": i.direction, "quota": str(i.quota),
         "points": str(i.points), "deduction": str(i.deduction),
         "overrides": {o.group_key: str(o.quota) for o in i.overrides.all()}}
        for i in items
    ]
    grouped = compute_by(assessment_scope(campaign, first, day), scheme.group, totals=False)
    with transaction.atomic():
        assessment, created = Assessment.objects.select_for_update().get_or_create(
            scheme=scheme, month=first, defaults={"as_of": day}
        )
        if not assessment.is_draft:  # published by someone else meanwhile
            raise AssessmentError({"__all__": [f"{assessment.month_label}的考核已通报，不能重新计算"]})
        before = {"as_of": str(assessment.as_of)} if not created else {}
        assessment.as_of, assessment.items = day, snapshot_items
        assessment.computed_at, assessment.computed_by = timezone.now(), actor
        assessment.save()
        assessment.rows.all().delete()
        rows = []
        for r in grouped.rows:
            # The county's own records and units without a department are no township or department.
            if r.name in NOT_RANKED:
                continue
            cells, item_total = _cells(snapshot_items, r.values, r.key)
            rows.append(AssessmentRow(assessment=assessment, group_key=r.key, group_name=r.name, cells=cells,
                                      item_total=item_total))
        AssessmentRow.objects.bulk_create(rows)
        audit.record(
            actor=actor, action="assessment.compute" if created else "assessment.recompute", obj=assessment,
            changes={"as_of": [before.get("as_of"), str(day)], "rows": len(rows), "items": len(items)},
        )
    return assessment


def _draft_locked(assessment: Assessment, what: str) -> Assessment:
    locked = Assessment.objects.select_for_update().select_related("scheme__campaign").get(pk=assessment.pk)
    if not locked.is_draft:
        raise AssessmentError({"__all__": [f"{locked.month_label}的考核已通报，不能再{what}"]})
    return locked


def adjustment_add(
    *, actor: User, assessment: Assessment, group_key: str, points: Any, reason: str
) -> Adjustment:
    """加减分 for one group of a draft; the group's adjustments add up to within ± the scheme's limit."""
    check_assessor(actor, assessment.scheme.campaign)
    errors: dict[str, list[str]] = {}
    value = _decimal(points)
    reason = clean(reason or "")
    if value is None or value == 0 or value != value.quantize(Decimal("0.01")):
        errors.setdefault("points", []).append("加减分应为非零的数（最多两位小数），减分填负数")
    if not reason:
        errors.setdefault("reason", []).append("请填写加减分理由")
    elif len(reason) > 200:
        errors.setdefault("reason", []).append("理由不能超过200字")
    with transaction.atomic():
        locked = _draft_locked(assessment, "加减分")
        if not locked.rows.filter(group_key=group_key).exists():
            errors.setdefault("group_key", []).append("请选择本次考核中的乡镇（街道）或部门")
        if value is not None and not errors.get("points"):
            limit = locked.scheme.adjustment_limit
            current = locked.adjustments.filter(group_key=group_key).aggregate(s=Sum("points"))["s"] or Decimal(0)
            if abs(current + value) > limit:
                errors.setdefault("points", []).append(
                    f"加减分合计应在 ±{limit} 分以内（已有 {current:+.2f} 分）"
                )
        if errors:
            raise AssessmentError(errors)
        assert value is not None
        adjustment = Adjustment.objects.create(
            assessment=locked, group_key=group_key, points=value, reason=reason, created_by=actor
        )
        audit.record(actor=actor, action="assessment.adjust", obj=locked,
                     changes={"group_key": group_key, "points": str(value), "reason": reason})
    return adjustment


def adjustment_remove(*, actor: User, adjustment: Adjustment) -> None:
    check_assessor(actor, adjustment.assessment.scheme.campaign)
    with transaction.atomic():
        locked = _draft_locked(adjustment.assessment, "删除加减分")
        gone = Adjustment.objects.filter(pk=adjustment.pk, assessment=locked).delete()[0]
        if gone:
            audit.record(actor=actor, action="assessment.unadjust", obj=locked,
                         changes={"group_key": adjustment.group_key, "points": str(adjustment.points),
                                  "reason": adjustment.reason})


def assessment_publish(*, actor: User, assessment: Assessment) -> Assessment:
    """通报: freeze the month's results. Publishing one already published does nothing (a retried click)."""
    check_assessor(actor, assessment.scheme.campaign)
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if locked.is_draft:
            if not locked.rows.exists():
                raise AssessmentError({"__all__": ["尚未计算，不能通报"]})
            locked.status = AssessmentStatus.PUBLISHED
            locked.published_at, locked.published_by = timezone.now(), actor
            locked.save(update_fields=["status", "published_at", "published_by"])
            audit.record(actor=actor, action="assessment.publish", obj=locked,
                         changes={"status": [AssessmentStatus.DRAFT, AssessmentStatus.PUBLISHED]})
    assessment.status, assessment.published_at = locked.status, locked.published_at
    assessment.published_by_id = locked.published_by_id
    return assessment
