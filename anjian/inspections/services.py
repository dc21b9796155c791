"""Writes of inspections: people, groups, inspections, checklist results, hazards found, signatures.

Every write checks the role and the scope first, validates (a rejected request changes nothing),
runs in one transaction and leaves an audit record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from anjian.accounts.roles import Role
from anjian.core import audit
from anjian.core.numbering import next_value
from anjian.core.scope import ScopePaths, region_prefix, scope_q
from anjian.core.text import clean
from anjian.hazards.models import Hazard, Level, Source
from anjian.hazards.services import MAX_PHOTOS, Evidence, HazardError
from anjian.inspections.models import (
    Attachment,
    Checklist,
    ChecklistItem,
    ExpertLevel,
    Inspection,
    InspectionGroup,
    InspectionItem,
    InspectionKind,
    ItemResult,
    Person,
    PersonKind,
)
from anjian.units.models import Unit

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from anjian.accounts.models import Organization, User
    from anjian.campaigns.models import Campaign
    from anjian.hazards.models import MajorCriterion
    from anjian.units.models import Sector

# Who records inspections, groups and people: the offices that go out (not experts, who take
# part but are recorded by the organising office; not leaders or auditors, who read).
CREATORS: frozenset[str] = frozenset({Role.COUNTY_ADMIN, Role.DEPARTMENT, Role.TOWNSHIP})
# Days a failed checklist item gets for rectification unless the inspector sets a deadline.
DEFAULT_DEADLINE_DAYS = 30
INSPECTION_FIELDS = [
    "number",
    "unit",
    "kind",
    "date",
    "group",
    "official_count",
    "expert_count",
    "campaign",
    "checklist",
    "findings",
    "follows",
]


class InspectionError(Exception):
    """Invalid input; ``errors`` maps a field (or '__all__') to Chinese reasons."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("；".join(m for ms in errors.values() for m in ms))


class PermissionDenied(Exception):
    """The actor's role may not take this action, or the object is not theirs."""


def _check_creator(actor: User) -> None:
    if actor.role not in CREATORS:
        raise PermissionDenied(f"{actor.get_role_display()}无权录入监督检查")


def people_q(user: User, field_name: str = "region_code") -> Q:
    """People, groups and campaigns of the user's region and the regions above (``ScopePaths.ancestors``)."""
    return scope_q(user, ScopePaths(region=field_name, ancestors=True))


def unit_in_scope(actor: User, unit: Unit) -> bool:
    return Unit.objects.filter(scope_q(actor, Unit.SCOPE), pk=unit.pk).exists()


def inspection_in_scope(actor: User, inspection: Inspection) -> bool:
    return Inspection.objects.filter(scope_q(actor, Inspection.SCOPE), pk=inspection.pk).exists()


# --- people -----------------------------------------------------------------------------------


@dataclass
class PersonData:
    kind: str
    name: str
    cert_no: str = ""
    phone: str = ""
    expert_level: str = ""
    employer: str = ""
    sectors: list[Sector] = field(default_factory=list)
    available: bool = True
    org: Organization | None = None  # default: the actor's organisation


def person_create(*, actor: User, data: PersonData) -> Person:
    _check_creator(actor)
    errors: dict[str, list[str]] = {}
    name = clean(data.name)
    if not name:
        errors["name"] = ["请填写姓名"]
    if data.kind not in PersonKind.values:
        errors["kind"] = ["类别应为 执法/监管人员 或 专家"]
    if data.kind == PersonKind.EXPERT and data.expert_level not in ExpertLevel.values:
        errors["expert_level"] = ["专家须选择级别：省级、市级、县级"]
    if data.kind == PersonKind.OFFICIAL and data.expert_level:
        errors["expert_level"] = ["执法/监管人员不填专家级别"]
    org = data.org or actor.org
    if org is None:
        errors["org"] = ["没有所属机构的账号不能登记人员"]
    elif not org.region_code.startswith((region_prefix(actor) or "")[:6]):
        errors["org"] = ["所属机构不在您的辖区内"]
    if errors:
        raise InspectionError(errors)
    assert org is not None
    with transaction.atomic():
        person = Person.objects.create(
            kind=data.kind,
            name=name,
            org=org,
            region_code=org.region_code,
            cert_no=clean(data.cert_no),
            phone=clean(data.phone),
            expert_level=data.expert_level if data.kind == PersonKind.EXPERT else "",
            employer=clean(data.employer),
            available=data.available,
        )
        if data.sectors:
            person.sectors.set(data.sectors)
        audit.record(
            actor=actor,
            action="person.create",
            obj=person,
            changes={"kind": person.kind, "name": name, "cert_no": person.cert_no, "level": person.expert_level},
        )
    return person


# --- groups -----------------------------------------------------------------------------------


@dataclass
class GroupData:
    name: str
    leader: Person | None = None
    members: list[Person] = field(default_factory=list)
    start: dt.date | None = None
    end: dt.date | None = None
    campaign: Campaign | None = None


def _people_visible(actor: User, people: list[Person]) -> bool:
    ids = {p.pk for p in people}
    return Person.objects.filter(people_q(actor), pk__in=ids).count() == len(ids)


def group_create(*, actor: User, data: GroupData) -> InspectionGroup:
    _check_creator(actor)
    errors: dict[str, list[str]] = {}
    name = clean(data.name)
    org = actor.org
    if not name:
        errors["name"] = ["请填写检查组名称"]
    if org is None:
        errors["__all__"] = ["没有所属机构的账号不能组建检查组"]
    members = list(data.members)
    if data.leader is not None and data.leader not in members:
        members.insert(0, data.leader)  # the leader is a member too
    if not _people_visible(actor, members):
        errors["members"] = ["成员须为本县登记的人员"]
    if data.start and data.end and data.end < data.start:
        errors["end"] = ["结束日期不能早于开始日期"]
    if data.campaign is not None and not data.campaign.region_code.startswith((region_prefix(actor) or "")[:6]):
        errors["campaign"] = ["专项行动不在您的辖区内"]
    if org is not None and name and InspectionGroup.objects.filter(region_code=org.region_code, name=name).exists():
        errors["name"] = ["已有同名检查组"]
    if errors:
        raise InspectionError(errors)
    assert org is not None
    with transaction.atomic():
        group = InspectionGroup.objects.create(
            name=name,
            org=org,
            region_code=org.region_code,
            leader=data.leader,
            start=data.start,
            end=data.end,
            campaign=data.campaign,
        )
        group.members.set(members)
        audit.record(
            actor=actor,
            action="group.create",
            obj=group,
            changes={
                "name": name,
                "leader": data.leader.pk if data.leader else None,
                "members": [p.pk for p in members],
            },
        )
    return group


# --- inspections ------------------------------------------------------------------------------


@dataclass
class InspectionData:
    unit: Unit
    kind: str
    date: dt.date
    group: InspectionGroup | None = None
    officials: list[Person] = field(default_factory=list)
    experts: list[Person] = field(default_factory=list)
    official_count: int = 0
    expert_count: int = 0
    campaign: Campaign | None = None
    checklist: Checklist | None = None
    findings: str = ""
    follows: Inspection | None = None
    number: str = ""  # empty: generated (JC + county + year + 6-digit sequence)


def _validate(actor: User, data: InspectionData, instance: Inspection | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if not unit_in_scope(actor, data.unit):
        add("unit", "该单位不在您的管辖范围内")
    if data.kind not in InspectionKind.values:
        add("kind", "检查类型无效")
    if data.date > timezone.localdate():
        add("date", "检查日期不能晚于今天")
    county = (region_prefix(actor) or "")[:6]
    if data.group is not None and not data.group.region_code.startswith(county):
        add("group", "检查组不在您的辖区内")
    if any(p.kind != PersonKind.OFFICIAL for p in data.officials):
        add("officials", "检查人员须为执法/监管人员")
    if any(p.kind != PersonKind.EXPERT for p in data.experts):
        add("experts", "专家须为专家库人员")
    if not _people_visible(actor, [*data.officials, *data.experts]):
        add("officials", "检查人员须为本县登记的人员")
    if data.official_count < 0 or data.expert_count < 0:
        add("official_count", "人数不能为负数")
    if data.campaign is not None and not data.campaign.region_code.startswith(county):
        add("campaign", "专项行动不在您的辖区内")
    if data.follows is not None:
        # A follow-up checks the same unit's rectification, after the inspection it follows.
        if data.follows.unit_id != data.unit.pk:
            add("follows", "复查对象须为同一单位的检查")
        elif data.follows.date > data.date:
            add("follows", "复查日期不能早于被复查的检查")
        if instance is not None and data.follows.pk == instance.pk:
            add("follows", "不能复查自身")
    number = clean(data.number)
    if number:
        clash = Inspection.objects.filter(number=number)
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            add("number", f"检查编号 {number} 已存在")
    return errors


def _apply(inspection: Inspection, data: InspectionData) -> None:
    unit = data.unit
    inspection.unit = unit
    # Copied from the unit so that scope and statistics need no join (ARCHITECTURE.md principle 2).
    inspection.region_code = unit.region_code
    inspection.sector_id = unit.sector_id
    inspection.grid_id = unit.grid_id
    inspection.kind = data.kind
    inspection.date = data.date
    inspection.group = data.group
    # Names, when given, are the count (ledgers.md: 检查人数 is used only when names are empty).
    inspection.official_count = len(data.officials) or data.official_count
    inspection.expert_count = len(data.experts) or data.expert_count
    inspection.campaign = data.campaign
    inspection.checklist = data.checklist
    inspection.findings = clean(data.findings)
    inspection.follows = data.follows


def next_inspection_number(unit: Unit, date: dt.date) -> str:
    """The next record number of the unit's county and year: JC + county code + year + 6 digits.

    Gap-free and repeat-free (``core.numbering``); call inside the transaction that saves it.
    """
    county = unit.region_code[:6]
    return f"JC{county}{date.year}{next_value(f'inspection:{county}:{date.year}'):06d}"


def inspection_create(*, actor: User, data: InspectionData) -> Inspection:
    _check_creator(actor)
    errors = _validate(actor, data, None)
    if errors:
        raise InspectionError(errors)
    inspection = Inspection(created_by=actor)
    _apply(inspection, data)
    with transaction.atomic():
        number = clean(data.number)
        if not number:
            number = next_inspection_number(data.unit, data.date)
        inspection.number = number
        inspection.save()
        inspection.officials.set(data.officials)
        inspection.experts.set(data.experts)
        changes = audit.snapshot(inspection, INSPECTION_FIELDS)
        audit.record(actor=actor, action="inspection.create", obj=inspection, changes=changes)
    return inspection


def inspection_update(*, actor: User, inspection: Inspection, data: InspectionData) -> Inspection:
    _check_creator(actor)
    if not inspection_in_scope(actor, inspection):
        raise PermissionDenied("该检查记录不在您的管辖范围内")
    data.number = inspection.number
    errors = _validate(actor, data, inspection)
    if errors:
        raise InspectionError(errors)
    before = audit.snapshot(inspection, INSPECTION_FIELDS)
    _apply(inspection, data)
    with transaction.atomic():
        inspection.save()
        inspection.officials.set(data.officials)
        inspection.experts.set(data.experts)
        changes = audit.diff(before, audit.snapshot(inspection, INSPECTION_FIELDS))
        audit.record(actor=actor, action="inspection.update", obj=inspection, changes=changes)
    return inspection


def _writable(actor: User, inspection: Inspection) -> None:
    _check_creator(actor)
    if not inspection_in_scope(actor, inspection):
        raise PermissionDenied("该检查记录不在您的管辖范围内")


def record_item_result(
    *, actor: User, inspection: Inspection, item: ChecklistItem, result: str, note: str = ""
) -> InspectionItem:
    _writable(actor, inspection)
    if inspection.checklist_id is None or item.checklist_id != inspection.checklist_id:
        raise InspectionError({"item": ["该检查项不属于本次检查所用的检查表"]})
    if result not in ItemResult.values:
        raise InspectionError({"result": ["结果应为 符合、不符合、不适用 之一"]})
    with transaction.atomic():
        row = InspectionItem.objects.select_for_update().filter(inspection=inspection, item=item).first()
        if row is not None and row.hazard_id is not None and result != ItemResult.FAIL:
            raise InspectionError({"result": ["该项已转为隐患，不能改为符合"]})
        if row is None:
            row = InspectionItem(inspection=inspection, item=item)
        row.result = result
        row.note = clean(note)
        row.save()
        audit.record(actor=actor, action="inspection.item", obj=inspection, changes={"item": item.pk, "result": result})
    return row


def fail_item_to_hazard(
    *,
    actor: User,
    inspection: Inspection,
    item: ChecklistItem,
    note: str = "",
    deadline: dt.date | None = None,
    criterion: MajorCriterion | None = None,
) -> tuple[InspectionItem, Hazard, list[str]]:
    """A failed checklist item becomes a hazard in one step, linked to the inspection.

    Returns (item result, hazard, notices). An item marked 涉及重大隐患 is reported 重大 only
    with a criterion clause (the hazard rules require one); without it the hazard is reported
    一般 and a notice says so, so the inspector can re-grade it.
    """
    from anjian.hazards.services import HazardData, HazardError, hazard_report

    _writable(actor, inspection)
    notices: list[str] = []
    level = Level.GENERAL
    if item.major:
        if criterion is not None:
            level = Level.MAJOR
        else:
            notices.append("该项涉及重大事故隐患判定标准，但未选择判定条款，已按一般隐患上报，请核实后调整等级")
    elif criterion is not None:
        criterion = None  # a general item takes no criterion
    note = clean(note)
    description = item.text + (f"（{note}）" if note else "")
    with transaction.atomic():
        row = record_item_result(actor=actor, inspection=inspection, item=item, result=ItemResult.FAIL, note=note)
        row = InspectionItem.objects.select_for_update().get(pk=row.pk)
        if row.hazard_id is not None:
            raise InspectionError({"item": ["该项已转为隐患"]})
        try:
            hazard, _ = _report(actor, HazardData, hazard_report, inspection, description, level, deadline, criterion)
        except HazardError as exc:
            raise InspectionError(exc.errors) from exc
        row.hazard = hazard
        row.save(update_fields=["hazard"])
        audit.record(
            actor=actor,
            action="inspection.item_hazard",
            obj=inspection,
            changes={"item": item.pk, "hazard": hazard.pk, "level": level},
        )
    return row, hazard, notices


def _report(
    actor: User,
    data_class: Any,
    report: Any,
    inspection: Inspection,
    description: str,
    level: str,
    deadline: dt.date | None,
    criterion: MajorCriterion | None,
) -> tuple[Hazard, bool]:
    days = dt.timedelta(DEFAULT_DEADLINE_DAYS)
    data = data_class(
        unit=inspection.unit,
        description=description,
        level=level,
        found_on=inspection.date,
        deadline=deadline or max(inspection.date, timezone.localdate()) + days,
        source=Source.INSPECTION,
        inspection_ref=inspection.number,
        criterion=criterion,
        inspection=inspection,
        # A hazard found by an inspection of a campaign belongs to that campaign (indicators.md).
        campaign=inspection.campaign,
    )
    return report(actor=actor, data=data)


def inspection_sign(*, actor: User, inspection: Inspection, signatory: str) -> Inspection:
    """The unit's representative signs the on-site record (现场签字)."""
    _writable(actor, inspection)
    signatory = clean(signatory)
    if not signatory:
        raise InspectionError({"signatory": ["请填写被检查单位签字人"]})
    with transaction.atomic():
        inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if inspection.signed_at is not None:
            raise InspectionError({"signatory": ["该检查记录已签字"]})
        inspection.unit_signatory = signatory
        inspection.signed_at = timezone.now()
        inspection.save(update_fields=["unit_signatory", "signed_at"])
        audit.record(actor=actor, action="inspection.sign", obj=inspection, changes={"signatory": signatory})
    return inspection


# --- photos and documents (照片、签字材料) --------------------------------------------------------


def _evidence(files: Sequence[UploadedFile | Evidence]) -> list[Evidence]:
    """Uploads → Evidence through the hazards' reader: type from the bytes, photos re-encoded, GPS kept."""
    from anjian.hazards.photos import evidence_from_upload

    out: list[Evidence] = []
    errors: list[str] = []
    for f in files:
        if isinstance(f, Evidence):
            out.append(f)
            continue
        try:
            out.append(evidence_from_upload(f, field="files"))
        except HazardError as exc:
            errors.extend(m for ms in exc.errors.values() for m in ms)
    if errors:
        raise InspectionError({"files": errors})
    return out


def _suffix(content_type: str) -> str:
    return {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}.get(content_type, ".bin")


def inspection_attach(
    *, actor: User, inspection: Inspection, files: Sequence[UploadedFile | Evidence]
) -> list[Attachment]:
    """Photos and signed records of an inspection, each stored with the SHA-256 of its stored bytes.

    Photos are re-encoded by ``anjian.hazards.photos.evidence_from_upload`` (metadata dropped, the
    GPS position kept); PDF files are kept as they are. Nothing is stored if any file is refused.
    """
    from django.core.files.base import ContentFile

    _writable(actor, inspection)
    if not files:
        raise InspectionError({"files": ["请选择要上传的照片或文件"]})
    if len(files) > MAX_PHOTOS:
        raise InspectionError({"files": [f"一次最多上传{MAX_PHOTOS}个文件"]})
    evidence = _evidence(files)
    saved: list[Attachment] = []
    with transaction.atomic():
        for ev in evidence:
            sha = hashlib.sha256(ev.content).hexdigest()
            item = Attachment(
                inspection=inspection,
                name=ev.name[:200],
                content_type=ev.content_type,
                size=len(ev.content),
                sha256=sha,
                lat=ev.lat,
                lng=ev.lng,
                taken_at=ev.taken_at,
                uploaded_by=actor,
            )
            item.file.save(f"{sha[:16]}{_suffix(ev.content_type)}", ContentFile(ev.content), save=False)
            item.save()
            saved.append(item)
        audit.record(
            actor=actor,
            action="inspection.attach",
            obj=inspection,
            changes={"files": [{"id": a.pk, "name": a.name, "sha256": a.sha256, "size": a.size} for a in saved]},
        )
    return saved


# --- case closure (结案) ----------------------------------------------------------------------


def open_hazards(inspection: Inspection) -> int:
    """How many hazards the inspection found are not closed yet (the enforcement rule's own query)."""
    from anjian.enforcement.services import inspection_open_hazards

    return inspection_open_hazards(inspection).count()


def case_close_refusal(inspection: Inspection) -> str | None:
    """Why the case cannot be closed now (Chinese), or None when it can."""
    from anjian.enforcement.services import inspection_case_closable

    if inspection.case_closed_on is not None:
        return f"该检查已于{inspection.case_closed_on:%Y-%m-%d}结案"
    if not inspection_case_closable(inspection):
        count = open_hazards(inspection)
        return f"本次检查发现的隐患尚有{count}项未销号，全部销号后才能结案"
    return None


def inspection_close_case(*, actor: User, inspection: Inspection) -> Inspection:
    """结案: allowed only when every hazard the inspection found is closed."""
    _writable(actor, inspection)
    with transaction.atomic():
        inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
        reason = case_close_refusal(inspection)
        if reason:
            raise InspectionError({"__all__": [reason]})
        inspection.case_closed_on = timezone.localdate()
        inspection.case_closed_by = actor
        inspection.save(update_fields=["case_closed_on", "case_closed_by"])
        audit.record(
            actor=actor,
            action="inspection.close_case",
            obj=inspection,
            changes={"case_closed_on": inspection.case_closed_on.isoformat()},
        )
    return inspection
