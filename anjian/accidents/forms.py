"""The accident form, choices narrowed to the user's jurisdiction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms

from anjian.accidents.models import Accident, Category, Investigation
from anjian.accidents.services import AccidentData
from anjian.campaigns.forms import ServiceErrorsMixin, region_choices
from anjian.core.scope import scoped
from anjian.units.models import Unit
from anjian.web.forms import bootstrap

if TYPE_CHECKING:
    from anjian.accounts.models import User


class AccidentForm(ServiceErrorsMixin, forms.Form):
    number = forms.CharField(label="事故编号", max_length=64)
    occurred_at = forms.DateTimeField(
        label="发生时间", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    unit = forms.ModelChoiceField(label="单位", queryset=Unit.objects.none(), required=False, help_text="可不选")
    region_code = forms.ChoiceField(label="所属区划", required=False, help_text="选了单位的按单位所在区划")
    category = forms.ChoiceField(label="事故类别", choices=Category.choices)
    road = forms.BooleanField(label="道路交通", required=False)
    deaths = forms.IntegerField(label="死亡人数", min_value=0, initial=0)
    injuries = forms.IntegerField(label="受伤人数", min_value=0, initial=0)
    direct_loss = forms.DecimalField(label="直接经济损失(元)", min_value=0, decimal_places=2, initial=0)
    investigation = forms.ChoiceField(label="调查状态", choices=Investigation.choices)
    summary = forms.CharField(label="简要经过", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = scoped(user, Unit.objects.filter(is_active=True))  # type: ignore[attr-defined]
        self.fields["region_code"].choices = [("", "—"), *region_choices(user)]  # type: ignore[attr-defined]
        bootstrap(self)

    def to_data(self) -> AccidentData:
        return AccidentData(**self.cleaned_data)

    @staticmethod
    def initial_from(accident: Accident) -> dict[str, Any]:
        names = [n for n in AccidentForm.base_fields if n != "region_code"]
        initial = {n: getattr(accident, n) for n in names}
        initial["region_code"] = "" if accident.unit_id else accident.region_code
        return initial
