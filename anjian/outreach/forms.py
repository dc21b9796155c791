"""The outreach activity form, choices narrowed to the user's jurisdiction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms

from anjian.campaigns.forms import DATE, ServiceErrorsMixin, region_choices
from anjian.campaigns.models import Campaign
from anjian.campaigns.selectors import campaign_queryset
from anjian.core.scope import scoped
from anjian.outreach.models import Activity, ActivityKind
from anjian.outreach.services import ActivityData
from anjian.units.models import Unit
from anjian.web.forms import bootstrap

if TYPE_CHECKING:
    from anjian.accounts.models import User


class ActivityForm(ServiceErrorsMixin, forms.Form):
    number = forms.CharField(label="编号", max_length=64)
    kind = forms.ChoiceField(label="类型", choices=ActivityKind.choices)
    date = forms.DateField(label="日期", widget=DATE)
    name = forms.CharField(label="名称", max_length=200, required=False)
    region_code = forms.ChoiceField(label="所属区划", required=False, help_text="选了单位的按单位所在区划")
    unit = forms.ModelChoiceField(label="单位", queryset=Unit.objects.none(), required=False, help_text="可不选")
    attendees = forms.IntegerField(label="人数", min_value=0, initial=0)
    materials = forms.IntegerField(label="资料份数", min_value=0, initial=0)
    campaign = forms.ModelChoiceField(label="专项行动", queryset=Campaign.objects.none(), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = scoped(user, Unit.objects.filter(is_active=True))  # type: ignore[attr-defined]
        self.fields["campaign"].queryset = campaign_queryset(user)  # type: ignore[attr-defined]
        self.fields["region_code"].choices = [("", "—"), *region_choices(user)]  # type: ignore[attr-defined]
        bootstrap(self)

    def to_data(self) -> ActivityData:
        return ActivityData(**self.cleaned_data)

    @staticmethod
    def initial_from(activity: Activity) -> dict[str, Any]:
        names = [n for n in ActivityForm.base_fields if n != "region_code"]
        initial = {n: getattr(activity, n) for n in names}
        initial["region_code"] = "" if activity.unit_id else activity.region_code
        return initial
