"""Forms of the enforcement pages; every choice limited to what the user may see."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.urls import reverse
from django.utils import timezone

from anjian.campaigns.models import Campaign
from anjian.core.scope import scoped
from anjian.enforcement.models import ActionKind, EnforcementAction, InterviewKind, PenaltyStage
from anjian.enforcement.services import MAX_FINE
from anjian.hazards.models import Hazard
from anjian.inspections.models import Inspection
from anjian.inspections.services import people_q
from anjian.units.models import Unit

if TYPE_CHECKING:
    from anjian.accounts.models import User


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        if isinstance(field.widget, forms.CheckboxSelectMultiple):
            continue
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs.setdefault("class", css)


class ActionForm(forms.Form):
    unit = forms.ModelChoiceField(label="被处理单位", queryset=Unit.objects.none())
    kind = forms.ChoiceField(label="措施类型", choices=ActionKind.choices)
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    inspection = forms.ModelChoiceField(
        label="检查记录", queryset=Inspection.objects.none(), required=False, help_text="先选择单位，列出该单位的检查"
    )
    hazards = forms.ModelMultipleChoiceField(
        label="涉及隐患", queryset=Hazard.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    campaign = forms.ModelChoiceField(label="专项行动", queryset=Campaign.objects.none(), required=False)
    cause = forms.CharField(label="案由", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    legal_basis = forms.CharField(label="法律依据", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    fine = forms.DecimalField(
        label="罚款金额（元）",
        required=False,
        min_value=0,
        max_value=MAX_FINE,
        decimal_places=2,
        max_digits=14,
        help_text="仅行政处罚填写",
    )

    def __init__(self, *args: Any, user: User, unit: Unit | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        units = scoped(user, Unit.objects.filter(is_active=True))
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        inspections = scoped(user, Inspection.objects.select_related("unit"))
        hazards = scoped(user, Hazard.objects.all())
        if unit is not None:
            inspections = inspections.filter(unit=unit)
            hazards = hazards.filter(unit=unit)
        else:
            hazards = hazards.none()
        self.fields["inspection"].queryset = inspections.order_by("-date", "-id")  # type: ignore[attr-defined]
        self.fields["hazards"].queryset = hazards.order_by("-found_on", "-id")  # type: ignore[attr-defined]
        self.fields["campaign"].queryset = Campaign.objects.filter(people_q(user))  # type: ignore[attr-defined]
        self.fields["unit"].widget.attrs.update(
            {
                "hx-get": reverse("enforcement:create"),
                "hx-trigger": "change",
                "hx-target": "#linked",
                "hx-select": "#linked",
                "hx-swap": "outerHTML",
                "hx-include": "this",
            }
        )
        _style(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == ActionKind.PENALTY and data.get("fine") is None:
            self.add_error("fine", "行政处罚须填写罚款金额（无罚款的填 0）")
        return data


class PenaltyForm(forms.Form):
    stage = forms.ChoiceField(
        label="阶段", choices=[(v, label) for v, label in PenaltyStage.choices if v != PenaltyStage.DECIDED]
    )
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.DecimalField(
        label="现行罚款金额（元）",
        required=False,
        min_value=0,
        max_value=MAX_FINE,
        decimal_places=2,
        max_digits=14,
        help_text="仅变更、行政复议、行政诉讼改变金额时填写",
    )
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        _style(self)


class InterviewForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=InterviewKind.choices)
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    units = forms.ModelMultipleChoiceField(
        label="涉及单位", queryset=Unit.objects.none(), widget=forms.SelectMultiple(attrs={"size": 8})
    )
    persons = forms.IntegerField(label="人数", min_value=0, required=False)
    person_names = forms.CharField(label="被约谈（通报、曝光）人员", max_length=200, required=False)
    reason = forms.CharField(label="事由", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    campaign = forms.ModelChoiceField(label="专项行动", queryset=Campaign.objects.none(), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        self.fields["units"].queryset = scoped(user, Unit.objects.filter(is_active=True))  # type: ignore[attr-defined]
        self.fields["campaign"].queryset = Campaign.objects.filter(people_q(user))  # type: ignore[attr-defined]
        _style(self)
        self.fields["units"].widget.attrs["class"] = "form-select"


class ActionEditForm(forms.Form):
    """What may change on a recorded action: the unit, kind and fine are fixed (the fine moves only
    through the penalty history, so that the amount first decided is never overwritten)."""

    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    inspection = forms.ModelChoiceField(label="检查记录", queryset=Inspection.objects.none(), required=False)
    campaign = forms.ModelChoiceField(label="专项行动", queryset=Campaign.objects.none(), required=False)
    cause = forms.CharField(label="案由", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    legal_basis = forms.CharField(label="法律依据", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, user: User, action: EnforcementAction, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        inspections = scoped(user, Inspection.objects.filter(unit_id=action.unit_id))
        self.fields["inspection"].queryset = inspections.order_by("-date", "-id")  # type: ignore[attr-defined]
        self.fields["campaign"].queryset = Campaign.objects.filter(people_q(user))  # type: ignore[attr-defined]
        _style(self)
