"""Hazard forms: the phone-first report form and one small form per workflow step.

Forms only read and shape the input (uploads go through ``photos.evidence_from_upload``);
every rule about what may be done is the service's and the workflow table's.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from anjian.accounts.roles import Role
from anjian.hazards import selectors, workflow
from anjian.hazards.models import AttachmentKind, Level, MajorCriterion, SelfCheckLevel, SignoffParty, Source
from anjian.hazards.photos import evidence_from_upload
from anjian.hazards.services import MAX_PHOTOS, PLAN_FIELDS, REPORTERS, Evidence, HazardData, HazardError
from anjian.units.models import Unit
from anjian.units.selectors import unit_queryset
from anjian.web.forms import bootstrap

if TYPE_CHECKING:
    from anjian.accounts.models import User
    from anjian.hazards.models import Hazard

# Default time to rectify, in calendar days from the day found; a deployment may set
# ANJIAN_HAZARD_DEADLINE_DAYS = {"general": 7, "major": 30} in its settings.
DEADLINE_DAYS: dict[str, int] = {"general": 7, "major": 30}
CATEGORIES = (
    "消防安全",
    "用电安全",
    "特种设备",
    "有限空间",
    "危化品储存",
    "安全管理",
    "设备设施",
    "作业环境",
    "个体防护",
)
# The default source of a report, by the reporter's role.
DEFAULT_SOURCE = {Role.GRID_WORKER: Source.GRID, Role.UNIT_STAFF: Source.SELF_CHECK}


def deadline_days(level: str) -> int:
    days = {**DEADLINE_DAYS, **getattr(settings, "ANJIAN_HAZARD_DEADLINE_DAYS", {})}
    return int(days.get(level, DEADLINE_DAYS["general"]))


def sources_for(user: User) -> list[tuple[str, str]]:
    """The sources ``user`` may report from, the role's default first (empty: may not report)."""
    allowed = [(value, label) for value, label in Source.choices if user.role in REPORTERS[value]]
    default = DEFAULT_SOURCE.get(user.role, Source.INSPECTION)  # type: ignore[call-overload]
    return sorted(allowed, key=lambda c: c[0] != default)


def can_report(user: User) -> bool:
    return bool(sources_for(user))


def reportable_units(user: User) -> Any:
    """Units the user may report a hazard for: active units in scope."""
    return unit_queryset(user).filter(is_active=True).select_related("sector")


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class EvidenceField(forms.Field):
    """Several uploaded files → list[Evidence], each checked and re-encoded (photos.py)."""

    widget = MultipleFileInput

    def __init__(
        self, *, accept: str = "image/*,application/pdf", capture: bool = False, max_files: int = MAX_PHOTOS, **kw: Any
    ) -> None:
        kw.setdefault("required", False)
        super().__init__(**kw)
        self.max_files = max_files
        self.widget.attrs.update({"accept": accept, "multiple": True})
        if capture:
            self.widget.attrs["capture"] = "environment"

    def bound_data(self, data: Any, initial: Any) -> Any:
        return initial  # a file input never shows a value back

    def clean(self, value: Any) -> list[Evidence]:
        files: list[UploadedFile] = [f for f in (value if isinstance(value, list | tuple) else [value]) if f]
        if not files:
            if self.required:
                raise ValidationError("请选择要上传的照片或文件", code="required")
            return []
        if len(files) > self.max_files:
            raise ValidationError(f"一次最多上传 {self.max_files} 个文件", code="max_files")
        out: list[Evidence] = []
        errors: list[str] = []
        for f in files:
            try:
                out.append(evidence_from_upload(f))
            except HazardError as exc:
                errors.extend(m for ms in exc.errors.values() for m in ms)
        if errors:
            raise ValidationError(errors)
        return out


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ServiceErrorsMixin:
    """Put a service's ``HazardError.errors`` on the form's fields (or on the form)."""

    fields: dict[str, forms.Field]

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        for name, messages in errors.items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)  # type: ignore[attr-defined]


def _criterion_choices(on: dt.date) -> list[Any]:
    """Criteria in force on ``on``, grouped by industry, in the order of the lists."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for c in selectors.criteria_for(on):
        item = c.item if c.item.startswith("第") else f"第{c.item}项"
        text = c.text if len(c.text) <= 60 else f"{c.text[:60]}…"
        groups.setdefault(c.industry, []).append((str(c.pk), f"{item} {text}"))
    return [("", "请选择所符合的条款"), *groups.items()]


class ReportForm(ServiceErrorsMixin, forms.Form):
    """上报隐患: few required fields, everything else defaulted, photos straight from the camera."""

    unit = forms.ModelChoiceField(
        label="单位",
        queryset=Unit.objects.none(),
        widget=forms.HiddenInput,
        error_messages={"required": "请选择隐患所在单位", "invalid_choice": "请从列表中选择单位"},
    )
    description = forms.CharField(
        label="隐患描述",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "如：仓库消防通道堆放杂物，灭火器过期"}),
        error_messages={"required": "请描述隐患"},
    )
    photos = EvidenceField(label="现场照片", accept="image/*", capture=True)
    level = forms.ChoiceField(label="隐患等级", choices=Level.choices, initial=Level.GENERAL, widget=forms.RadioSelect)
    criterion = forms.ChoiceField(
        label="重大隐患判定依据",
        required=False,
        error_messages={"invalid_choice": "所选条款在发现日期不适用，请重新选择"},
    )
    deadline = forms.DateField(label="整改期限", required=False, widget=DateInput)
    on_the_spot = forms.BooleanField(label="当场整改完毕", required=False)
    after_photos = EvidenceField(label="整改后照片", accept="image/*", capture=True)
    source = forms.ChoiceField(label="发现方式")
    self_check_level = forms.ChoiceField(
        label="自查层级", choices=SelfCheckLevel.choices, required=False, initial=SelfCheckLevel.ENTERPRISE
    )
    found_on = forms.DateField(label="发现日期", widget=DateInput, error_messages={"required": "请填写发现日期"})
    category = forms.CharField(
        label="隐患类别", max_length=32, required=False, widget=forms.TextInput(attrs={"list": "hazard-categories"})
    )
    location = forms.CharField(
        label="具体位置",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "如：二号仓库东侧"}),
    )
    inspection_ref = forms.CharField(label="检查编号", max_length=64, required=False)
    measures = forms.CharField(
        label="整改措施", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    responsible_person = forms.CharField(label="整改责任人", max_length=32, required=False)
    funds = forms.DecimalField(label="整改资金(元)", max_digits=14, decimal_places=2, required=False, min_value=0)
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)

    # Fields shown under “更多信息” (collapsed) on the phone.
    MORE = ("source", "found_on", "category", "location", "inspection_ref", "measures", "responsible_person", "funds")

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        today = timezone.localdate()
        self.fields["unit"].queryset = reportable_units(user)  # type: ignore[attr-defined]
        self.fields["source"].choices = sources_for(user)  # type: ignore[attr-defined]
        self.fields["found_on"].initial = today
        self.fields["deadline"].initial = today + dt.timedelta(days=deadline_days(Level.GENERAL))
        self.fields[
            "deadline"
        ].help_text = f"默认一般隐患 {deadline_days(Level.GENERAL)} 天、重大隐患 {deadline_days(Level.MAJOR)} 天"
        self.fields["idempotency_key"].initial = uuid.uuid4()  # one per rendered form: a re-post is a retry
        found = self._found_on_hint() or today
        self.fields["criterion"].choices = _criterion_choices(found)  # type: ignore[attr-defined]
        if user.role != Role.UNIT_STAFF:
            del self.fields["self_check_level"]
        if user.role in (Role.UNIT_STAFF, Role.GRID_WORKER):
            del self.fields["inspection_ref"]
        bootstrap(self)
        self.fields["level"].widget.attrs["class"] = "btn-check"
        for name in ("photos", "after_photos"):
            self.fields[name].widget.attrs["class"] = "form-control form-control-lg"
        self.fields["deadline"].widget.attrs.update(
            {
                "data-general": str(today + dt.timedelta(days=deadline_days(Level.GENERAL))),
                "data-major": str(today + dt.timedelta(days=deadline_days(Level.MAJOR))),
            }
        )

    def _found_on_hint(self) -> dt.date | None:
        raw = self.data.get("found_on") if self.is_bound else None
        try:
            return dt.date.fromisoformat(str(raw)) if raw else None
        except ValueError:
            return None

    @property
    def single_source(self) -> bool:
        return len(self.fields["source"].choices) <= 1  # type: ignore[attr-defined]

    def more_has_errors(self) -> bool:
        return any(self.has_error(name) for name in self.MORE if name in self.fields)

    def clean_criterion(self) -> MajorCriterion | None:
        value = self.cleaned_data.get("criterion")
        if not value:
            return None
        found = self._found_on_hint() or timezone.localdate()
        criterion = selectors.criteria_for(found).filter(pk=value).first() if str(value).isdigit() else None
        if criterion is None:
            raise ValidationError("所选条款在发现日期不适用，请重新选择")
        return criterion

    def to_data(self) -> HazardData:
        d = self.cleaned_data
        deadline = d["deadline"] or d["found_on"] + dt.timedelta(days=deadline_days(d["level"]))
        source = d["source"]
        return HazardData(
            unit=d["unit"],
            description=d["description"],
            level=d["level"],
            found_on=d["found_on"],
            deadline=deadline,
            source=source,
            category=d["category"],
            location=d["location"],
            self_check_level=(d.get("self_check_level") or "") if source == Source.SELF_CHECK else "",
            inspection_ref=d.get("inspection_ref") or "",
            criterion=d["criterion"] if d["level"] == Level.MAJOR else None,
            measures=d["measures"],
            responsible_person=d["responsible_person"],
            funds=d["funds"],
            on_the_spot=d["on_the_spot"],
            photos=d["photos"],
            after_photos=d["after_photos"] if d["on_the_spot"] else [],
        )


# --- step forms ------------------------------------------------------------------------------
# Each is rendered with ``prefix`` = its step name, so several on one page keep distinct ids.


class StepForm(ServiceErrorsMixin, forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)


class NoteForm(StepForm):
    """签字认领 and 摘牌: an optional note."""

    note = forms.CharField(label="说明（可不填）", max_length=1000, required=False)


class SubmitForm(StepForm):
    note = forms.CharField(
        label="整改情况",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "如：杂物已清理，通道已畅通"}),
        error_messages={"required": "请说明整改情况"},
    )
    evidence = EvidenceField(label="整改后照片或材料")
    rectified_on = forms.DateField(label="整改完成日期", widget=DateInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rectified_on"].initial = timezone.localdate()


class VerifyForm(StepForm):
    note = forms.CharField(
        label="验收意见",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "通过：现场核实情况；不通过：原因"}),
        error_messages={"required": "请填写验收意见"},
    )
    evidence = EvidenceField(label="验收照片或材料")
    result = forms.ChoiceField(choices=[("pass", "通过"), ("fail", "不通过")], widget=forms.HiddenInput)

    @property
    def step(self) -> str:
        return "verify_fail" if self.data.get(self.add_prefix("result")) == "fail" else "verify_pass"


class ExtendRequestForm(StepForm):
    new_deadline = forms.DateField(label="申请延至", widget=DateInput, error_messages={"required": "请选择新的期限"})
    reason = forms.CharField(
        label="延期理由",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写延期理由"},
    )


class ExtendDecideForm(StepForm):
    decision = forms.ChoiceField(choices=[("approve", "批准"), ("reject", "驳回")], widget=forms.HiddenInput)
    note = forms.CharField(label="审批意见（驳回须填写）", max_length=1000, required=False)


class PlanForm(StepForm):
    """治理方案: the six contents of 16号令 第十五条."""

    def __init__(self, *args: Any, hazard: Hazard, **kwargs: Any) -> None:
        kwargs.setdefault("initial", dict(hazard.plan or {}))
        super().__init__(*args, **kwargs)
        for name, label in PLAN_FIELDS.items():
            self.fields[name] = forms.CharField(
                label=label, max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
        bootstrap(self)

    def plan(self) -> dict[str, str]:
        return {k: self.cleaned_data.get(k, "") for k in PLAN_FIELDS}


class SuperviseForm(StepForm):
    until = forms.DateField(label="督办期限", widget=DateInput, error_messages={"required": "请选择督办期限"})
    note = forms.CharField(label="督办要求", max_length=1000, required=False)


class SignForm(StepForm):
    party = forms.ChoiceField(label="签字身份")
    note = forms.CharField(label="意见（可不填）", max_length=1000, required=False)

    def __init__(self, *args: Any, user: User, signed: Iterable[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        done = set(signed)
        self.fields["party"].choices = [  # type: ignore[attr-defined]
            (p, SignoffParty(p).label)
            for p, roles in workflow.SIGNOFF_ROLES.items()
            if user.role in roles and p not in done
        ]

    @property
    def has_parties(self) -> bool:
        return bool(self.fields["party"].choices)  # type: ignore[attr-defined]


# What each side may upload outside a step.
ATTACH_KINDS = {
    Role.UNIT_STAFF: (AttachmentKind.RECTIFIED, AttachmentKind.PLAN),
}
OFFICE_ATTACH_KINDS = (AttachmentKind.VERIFIED, AttachmentKind.FOUND, AttachmentKind.PLAN)


class AttachForm(StepForm):
    kind = forms.ChoiceField(label="材料类型")
    evidence = EvidenceField(label="照片或文件", required=True)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = ATTACH_KINDS.get(user.role, OFFICE_ATTACH_KINDS)  # type: ignore[call-overload]
        self.fields["kind"].choices = [(k.value, k.label) for k in kinds]  # type: ignore[attr-defined]
