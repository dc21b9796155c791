"""The draw form (the pool's conditions, choices narrowed to the user's jurisdiction) and the annual plan's
forms (the workday inputs and limits, the generation conditions, one unit, its 次数)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone

from anjian.accounts.roles import Role
from anjian.campaigns.forms import ServiceErrorsMixin
from anjian.core.scope import region_prefix
from anjian.inspections.models import Person, PersonKind
from anjian.plans.capacity import limit_for
from anjian.plans.models import DAYS_PER_INSPECTION, KEY_SHARE, LEGAL_WORKDAYS, AnnualPlan, default_limits
from anjian.plans.selectors import PoolFilters
from anjian.plans.services import MAX_LIMIT, MIN_INSPECTORS, AnnualPlanData, DrawData, GenerateCriteria
from anjian.regions.selectors import townships_within
from anjian.units.models import RiskClass, Sector

if TYPE_CHECKING:
    from anjian.accounts.models import User


class DrawForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(label="名称", max_length=200, help_text="如“2026年第三季度危险化学品双随机抽查”")
    township = forms.ChoiceField(label="乡镇（街道）", required=False, help_text="不选为本辖区全部")
    sectors = forms.MultipleChoiceField(
        label="行业领域", required=False, widget=forms.SelectMultiple(attrs={"size": 8}), help_text="可多选；不选为全部"
    )
    risk_classes = forms.MultipleChoiceField(
        label="分级分类", required=False, choices=RiskClass.choices, widget=forms.CheckboxSelectMultiple,
        help_text="不选为全部",
    )
    key_supervision = forms.BooleanField(label="只抽重点监管单位", required=False)
    not_in_annual_plan = forms.BooleanField(
        label="只抽未列入年度计划的单位", required=False,
        help_text="不含已列入本年度已批准的年度监督检查计划的单位（计划外单位由双随机抽查覆盖）",
    )
    unit_target = forms.IntegerField(label="抽取单位数", min_value=1)
    inspectors_per_unit = forms.IntegerField(
        label="每家检查人员数", min_value=MIN_INSPECTORS, initial=MIN_INSPECTORS,
        help_text="至少 2 人（《行政处罚法》第四十二条：执法人员不得少于两人）",
        error_messages={"min_value": "每家单位至少抽取 2 名检查人员（《行政处罚法》第四十二条：执法人员不得少于两人）"},
    )
    note = forms.CharField(label="备注", widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        prefix = region_prefix(user) or ""
        townships = townships_within(prefix)
        self.fields["township"].choices = [  # type: ignore[attr-defined]
            ("", "全部"), *((d.code[:9], d.name) for d in townships)
        ]
        sectors = Sector.objects.all()
        if user.role == Role.DEPARTMENT and user.org is not None:
            # 管行业必须管安全: a department draws among the units of its own sectors.
            sectors = user.org.sectors.all()
        self.fields["sectors"].choices = [(s.code, s.name) for s in sectors]  # type: ignore[attr-defined]
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                continue
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")

    def to_data(self) -> DrawData:
        d = self.cleaned_data
        return DrawData(
            title=d["title"], unit_target=d["unit_target"], inspectors_per_unit=d["inspectors_per_unit"],
            township=d.get("township") or "", sectors=list(d.get("sectors") or []),
            risk_classes=list(d.get("risk_classes") or []), key_supervision=bool(d.get("key_supervision")),
            note=d.get("note") or "", not_in_annual_plan=bool(d.get("not_in_annual_plan")),
        )


def pool_filters_from_params(params: Any) -> PoolFilters:
    """The pool's conditions as typed so far (the pool-size preview); bad values are ignored."""
    township = str(params.get("township") or "")
    return PoolFilters(
        township=township[:9] if township.isdigit() else "",
        sectors=[s for s in params.getlist("sectors") if s],
        risk_classes=[c for c in params.getlist("risk_classes") if c in RiskClass.values],
        key_supervision=_checked(params, "key_supervision"),
        not_in_annual_plan=timezone.localdate().year if _checked(params, "not_in_annual_plan") else None,
    )


def _checked(params: Any, name: str) -> bool:
    return str(params.get(name) or "") in ("on", "1", "true")


# --- 年度监督检查计划 ----------------------------------------------------------------------------

WORKDAY_FIELDS = ["officers", "legal_workdays", "other_enforcement_days", "non_enforcement_days", "key_share",
                  "days_per_inspection"]
LIMIT_GROUPS = [("high_risk", "高危行业"), ("other", "其他行业")]
LIMIT_KEYS = [("A", "A 类"), ("B", "B 类"), ("C", "C 类"), ("D", "D 类"), ("", "未分级")]


def limit_field_name(group: str, key: str) -> str:
    return f"limit_{group}_{key or 'none'}"


def _style(form: forms.Form) -> None:
    for f in form.fields.values():
        widget = f.widget
        if isinstance(widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)):
            continue
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


def _number(label: str, *, min_value: int = 0, max_value: int | None = None, help_text: str = "",
            required: bool = True, initial: int | None = None) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, min_value=min_value, max_value=max_value, help_text=help_text, required=required,
        initial=initial, widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class AnnualPlanForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(label="名称", max_length=200, help_text="如“平江县应急管理局2027年度安全生产监督检查计划”")
    year = _number("年度", min_value=2000)
    officers = _number("执法人员数", min_value=1, help_text="默认为本机构“可参加检查”的执法人员人数")
    legal_workdays = _number("国家法定工作日", initial=LEGAL_WORKDAYS, help_text="每人每年，一般为 247—248 日")
    other_enforcement_days = _number(
        "其他执法工作日（人·日）", initial=0,
        help_text="行政许可、事故调查、投诉举报核查、联合执法、宣传培训、行政复议和应诉等",
    )
    non_enforcement_days = _number(
        "非执法工作日（人·日）", initial=0, help_text="值班、学习培训会议、党群活动、病事假、年休假等",
    )
    key_share = _number("重点检查工作日占比（%）", max_value=100, initial=KEY_SHARE,
                        help_text="其余为一般检查工作日（双随机抽查等），留有余地")
    days_per_inspection = _number("每家次所需工作日（人·日）", min_value=1, initial=DAYS_PER_INSPECTION,
                                  help_text="默认 2：两名执法人员一日（《行政处罚法》第四十二条）")
    note = forms.CharField(label="备注", widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, user: User, plan: AnnualPlan | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limits = plan.limits if plan is not None else default_limits()
        for group, group_name in LIMIT_GROUPS:
            for key, key_name in LIMIT_KEYS:
                self.fields[limit_field_name(group, key)] = _number(
                    f"{group_name}{key_name}", min_value=1, max_value=MAX_LIMIT,
                    initial=limit_for(limits, high_risk=group == "high_risk", risk_class=key),
                )
        if plan is not None:
            for name in ("title", "year", "note", *WORKDAY_FIELDS):
                self.fields[name].initial = getattr(plan, name)
        else:
            self.fields["year"].initial = timezone.localdate().year + 1
            if user.org_id is not None:
                officers = Person.objects.filter(kind=PersonKind.OFFICIAL, available=True, org_id=user.org_id).count()
                self.fields["officers"].initial = officers or None
        _style(self)

    def main_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in ("title", "year", *WORKDAY_FIELDS, "note")]

    def limit_rows(self) -> list[dict[str, Any]]:
        return [{"label": group_name, "cells": [self[limit_field_name(group, key)] for key, _ in LIMIT_KEYS]}
                for group, group_name in LIMIT_GROUPS]

    def to_data(self) -> AnnualPlanData:
        d = self.cleaned_data
        limits = {group: {key: d[limit_field_name(group, key)] for key, _ in LIMIT_KEYS} for group, _ in LIMIT_GROUPS}
        return AnnualPlanData(
            title=d["title"], year=d["year"], officers=d["officers"], legal_workdays=d["legal_workdays"],
            other_enforcement_days=d["other_enforcement_days"], non_enforcement_days=d["non_enforcement_days"],
            key_share=d["key_share"], days_per_inspection=d["days_per_inspection"], limits=limits,
            note=d.get("note") or "",
        )


def workday_inputs(params: Any) -> dict[str, int] | None:
    """The workday inputs as typed so far (the live capacity preview); None while one is missing or not a number."""
    out: dict[str, int] = {}
    for name in WORKDAY_FIELDS:
        try:
            out[name] = int(str(params.get(name, "")).strip())
        except ValueError:
            return None
    return out


RISK_CHOICES = [*RiskClass.choices, ("", "未分级")]


class GenerateForm(ServiceErrorsMixin, forms.Form):
    township = forms.ChoiceField(label="乡镇（街道）", required=False, help_text="不选为本机构辖区全部")
    sectors = forms.MultipleChoiceField(
        label="行业领域", required=False, widget=forms.SelectMultiple(attrs={"size": 6}), help_text="可多选；不选为全部"
    )
    risk_classes = forms.MultipleChoiceField(
        label="分级分类", required=False, choices=RISK_CHOICES, widget=forms.CheckboxSelectMultiple,
        help_text="不选为全部",
    )
    key_supervision = forms.BooleanField(label="只列重点监管单位", required=False)
    high_risk_only = forms.BooleanField(label="只列高危行业单位", required=False)
    times = _number("每家计划检查次数", min_value=1, initial=1, help_text="超过单位年度上限的，按上限列入")

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["township"].choices = [  # type: ignore[attr-defined]
            ("", "全部"), *((d.code[:9], d.name) for d in townships_within(region_prefix(user) or ""))
        ]
        sectors = Sector.objects.all()
        if user.role == Role.DEPARTMENT and user.org is not None:
            sectors = user.org.sectors.all()
        self.fields["sectors"].choices = [(s.code, s.name) for s in sectors]  # type: ignore[attr-defined]
        _style(self)

    def to_criteria(self) -> GenerateCriteria:
        d = self.cleaned_data
        return GenerateCriteria(
            township=d.get("township") or "", sectors=list(d.get("sectors") or []),
            risk_classes=list(d.get("risk_classes") or []), key_supervision=bool(d.get("key_supervision")),
            high_risk_only=bool(d.get("high_risk_only")), times=d["times"],
        )


QUARTER_CHOICES = [("", "不限"), ("1", "第一季度"), ("2", "第二季度"), ("3", "第三季度"), ("4", "第四季度")]


class ItemForm(ServiceErrorsMixin, forms.Form):
    """One unit's 次数 and quarter (``unit`` only when adding: the picker's radio buttons)."""

    unit = forms.IntegerField(label="单位", required=False, widget=forms.HiddenInput)
    times = _number("计划检查次数", min_value=1, initial=1)
    quarter = forms.TypedChoiceField(label="计划季度", choices=QUARTER_CHOICES, required=False, coerce=int,
                                     empty_value=None)
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args: Any, adding: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if adding:
            self.fields["unit"].required = True
            self.fields["unit"].error_messages["required"] = "请选择单位"
        _style(self)
