"""Forms of campaigns and tasks, choices narrowed to the user's jurisdiction."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms

from anjian.accounts.models import Organization, OrgKind
from anjian.campaigns.models import AssessedGroup, Campaign, Direction, Task
from anjian.campaigns.selectors import campaign_queryset
from anjian.campaigns.services import CampaignData, ItemData, TaskData
from anjian.core.scope import region_prefix
from anjian.regions.models import Division, Level
from anjian.stats import indicators as ind
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


# --- 指标任务与月度考核 -------------------------------------------------------------------------------

def indicator_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The catalogue grouped by family (台账, 检查, 隐患 …) for a <select> with optgroups."""
    families: dict[str, list[tuple[str, str]]] = {}
    for i in ind.CATALOGUE:
        families.setdefault(i.family, []).append((i.code, f"{i.name}（{i.unit}）"))
    return list(families.items())


class SchemeForm(ServiceErrorsMixin, forms.Form):
    group = forms.ChoiceField(label="考核对象", choices=AssessedGroup.choices)
    adjustment_limit = forms.DecimalField(
        label="加减分上限（分）", initial=Decimal("5"), min_value=Decimal(0), max_digits=7, decimal_places=2,
        help_text="每个乡镇（部门）每月加减分合计不超过此分数（正负）",
    )
    note = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)


class ItemForm(ServiceErrorsMixin, forms.Form):
    indicator = forms.ChoiceField(label="指标", choices=indicator_choices)
    direction = forms.ChoiceField(label="要求", choices=Direction.choices)
    quota = forms.DecimalField(
        label="月度指标", min_value=Decimal(0), max_digits=14, decimal_places=2,
        help_text="比率按百分数填写：90 即 90%",
    )
    points = forms.DecimalField(label="分值", min_value=Decimal("0.01"), max_digits=7, decimal_places=2)
    deduction = forms.DecimalField(
        label="超出每单位扣分", initial=Decimal("1"), min_value=Decimal(0), max_digits=7, decimal_places=2,
        help_text="仅“不高于”指标使用；比率按每个百分点计",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)

    def to_data(self) -> ItemData:
        d = self.cleaned_data
        return ItemData(d["indicator"], d["direction"], d["quota"], d["points"], d["deduction"])


class OverridesForm(forms.Form):
    """One optional quota per township (department): blank keeps the item's default quota."""

    def __init__(self, *args: Any, groups: dict[str, str], default: Decimal, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, name in groups.items():
            self.fields[f"g_{key}"] = forms.DecimalField(
                label=name, required=False, min_value=Decimal(0), max_digits=14, decimal_places=2,
                widget=forms.NumberInput(attrs={"placeholder": f"{default:f}", "step": "any"}),
            )
        bootstrap(self)

    def overrides(self) -> dict[str, Decimal]:
        return {name[2:]: v for name, v in self.cleaned_data.items() if v is not None}


class ComputeForm(ServiceErrorsMixin, forms.Form):
    month = forms.DateField(
        label="考核月份", input_formats=["%Y-%m"], widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    )
    as_of = forms.DateField(
        label="数据截至", widget=DATE, required=False, help_text="留空：该月最后一天（尚未到月底时为今天）"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)


class AdjustmentForm(ServiceErrorsMixin, forms.Form):
    group_key = forms.ChoiceField(label="考核对象")
    points = forms.DecimalField(label="加减分", help_text="减分填负数，如 -2", max_digits=7, decimal_places=2)
    reason = forms.CharField(label="理由", max_length=200)

    def __init__(self, *args: Any, groups: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group_key"].choices = groups  # type: ignore[attr-defined]
        bootstrap(self)
