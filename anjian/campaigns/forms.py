"""Forms of campaigns and tasks, choices narrowed to the user's jurisdiction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms

from anjian.accounts.models import Organization, OrgKind
from anjian.campaigns.models import Campaign, Task
from anjian.campaigns.selectors import campaign_queryset
from anjian.campaigns.services import CampaignData, TaskData
from anjian.core.scope import region_prefix
from anjian.regions.models import Division, Level
from anjian.units.forms import regions_for
from anjian.web.forms import bootstrap

if TYPE_CHECKING:
    from anjian.accounts.models import User

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def region_choices(user: User) -> list[tuple[str, str]]:
    """The user's county (when it is the user's whole region) and its townships and villages."""
    prefix = region_prefix(user) or ""
    counties = Division.objects.filter(code__startswith=prefix, level=Level.COUNTY) if len(prefix) <= 6 else []
    return [(d.code, d.name) for d in counties] + regions_for(user)


class ServiceErrorsMixin:
    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        for name, messages in errors.items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)  # type: ignore[attr-defined]


class CampaignForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label="名称", max_length=128)
    parent = forms.ModelChoiceField(label="上级行动", queryset=Campaign.objects.none(), required=False)
    start = forms.DateField(label="开始日期", widget=DATE)
    end = forms.DateField(label="结束日期", widget=DATE)
    lead_department = forms.ModelChoiceField(label="牵头部门", queryset=Organization.objects.none(), required=False)
    region_code = forms.ChoiceField(label="所属区划")
    description = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        prefix = region_prefix(user) or ""
        self.fields["parent"].queryset = campaign_queryset(user)  # type: ignore[attr-defined]
        self.fields["lead_department"].queryset = Organization.objects.filter(  # type: ignore[attr-defined]
            kind=OrgKind.DEPARTMENT, region_code__startswith=prefix[:6]
        )
        self.fields["region_code"].choices = region_choices(user)  # type: ignore[attr-defined]
        bootstrap(self)

    def to_data(self) -> CampaignData:
        return CampaignData(**self.cleaned_data)

    @staticmethod
    def initial_from(campaign: Campaign) -> dict[str, Any]:
        names = ("name", "parent", "start", "end", "lead_department", "region_code", "description")
        return {n: getattr(campaign, n) for n in names}


class TaskForm(ServiceErrorsMixin, forms.Form):
    number = forms.CharField(label="任务编号", max_length=32)
    content = forms.CharField(label="任务内容", widget=forms.Textarea(attrs={"rows": 3}))
    due = forms.DateField(label="时间节点", widget=DATE)
    responsible = forms.CharField(label="责任单位", max_length=128)
    completed_on = forms.DateField(label="完成日期", widget=DATE, required=False)
    progress = forms.CharField(label="进展情况", widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)

    def to_data(self, campaign: Campaign) -> TaskData:
        return TaskData(campaign=campaign, **self.cleaned_data)

    @staticmethod
    def initial_from(task: Task) -> dict[str, Any]:
        return {n: getattr(task, n) for n in ("number", "content", "due", "responsible", "completed_on", "progress")}


class TaskCompleteForm(forms.Form):
    """标记完成: the date a roadmap task was done and how it went."""

    completed_on = forms.DateField(label="完成日期", widget=DATE)
    progress = forms.CharField(label="进展情况", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)
