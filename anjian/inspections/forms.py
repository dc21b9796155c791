"""Forms of the inspection pages; choices limited to what the user may see."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone

from anjian.campaigns.models import Campaign
from anjian.core.scope import scoped
from anjian.inspections.models import Checklist, ExpertLevel, InspectionGroup, InspectionKind, Person, PersonKind
from anjian.inspections.selectors import group_list, person_list
from anjian.inspections.services import people_q
from anjian.units.models import Sector, Unit

if TYPE_CHECKING:
    from anjian.accounts.models import User


class InspectionForm(forms.Form):
    unit = forms.ModelChoiceField(label="被检查单位", queryset=Unit.objects.none())
    kind = forms.ChoiceField(label="检查类型", choices=InspectionKind.choices)
    date = forms.DateField(label="检查日期", widget=forms.DateInput(attrs={"type": "date"}))
    group = forms.ModelChoiceField(label="检查组", queryset=InspectionGroup.objects.none(), required=False)
    officials = forms.ModelMultipleChoiceField(
        label="检查人员", queryset=Person.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    experts = forms.ModelMultipleChoiceField(
        label="专家", queryset=Person.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    official_count = forms.IntegerField(label="检查人数", min_value=0, required=False, help_text="未勾选人员时填写")
    expert_count = forms.IntegerField(label="专家人数", min_value=0, required=False)
    campaign = forms.ModelChoiceField(label="专项行动", queryset=Campaign.objects.none(), required=False)
    checklist = forms.ModelChoiceField(label="检查表", queryset=Checklist.objects.none(), required=False)
    findings = forms.CharField(label="检查情况", widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        self.fields["unit"].queryset = scoped(user, Unit.objects.filter(is_active=True))  # type: ignore[attr-defined]
        self.fields["group"].queryset = group_list(user)  # type: ignore[attr-defined]
        self.fields["officials"].queryset = person_list(user, PersonKind.OFFICIAL)  # type: ignore[attr-defined]
        self.fields["experts"].queryset = person_list(user, PersonKind.EXPERT)  # type: ignore[attr-defined]
        self.fields["campaign"].queryset = Campaign.objects.filter(people_q(user))  # type: ignore[attr-defined]
        self.fields["checklist"].queryset = Checklist.objects.filter(active=True)  # type: ignore[attr-defined]
        for name, field in self.fields.items():
            if not isinstance(field.widget, forms.CheckboxSelectMultiple):
                css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
                field.widget.attrs.setdefault("class", css)
            del name


class PersonForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=PersonKind.choices)
    name = forms.CharField(label="姓名", max_length=32)
    cert_no = forms.CharField(label="执法证号", max_length=32, required=False, help_text="执法/监管人员填写")
    phone = forms.CharField(label="联系电话", max_length=32, required=False)
    expert_level = forms.ChoiceField(label="专家级别", choices=[("", "—"), *ExpertLevel.choices], required=False)
    employer = forms.CharField(label="工作单位", max_length=128, required=False)
    sectors = forms.ModelMultipleChoiceField(
        label="专业领域", queryset=Sector.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    available = forms.BooleanField(label="可参加检查", required=False, initial=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == PersonKind.OFFICIAL and not data.get("cert_no"):
            self.add_error("cert_no", "执法/监管人员须填写执法证号")
        return data


class GroupForm(forms.Form):
    name = forms.CharField(label="检查组名称", max_length=128)
    leader = forms.ModelChoiceField(label="组长", queryset=Person.objects.none(), required=False)
    members = forms.ModelMultipleChoiceField(
        label="成员（含专家）", queryset=Person.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    start = forms.DateField(label="开始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="结束日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    campaign = forms.ModelChoiceField(label="专项行动", queryset=Campaign.objects.none(), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = person_list(user, PersonKind.OFFICIAL)  # type: ignore[attr-defined]
        self.fields["members"].queryset = person_list(user)  # type: ignore[attr-defined]
        self.fields["campaign"].queryset = Campaign.objects.filter(people_q(user))  # type: ignore[attr-defined]


class ItemHazardForm(forms.Form):
    note = forms.CharField(label="具体情况", required=False, widget=forms.Textarea(attrs={"rows": 2}))
