"""The draw form: the pool's conditions, choices narrowed to the user's jurisdiction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms

from anjian.accounts.roles import Role
from anjian.campaigns.forms import ServiceErrorsMixin
from anjian.core.scope import region_prefix
from anjian.plans.selectors import PoolFilters
from anjian.plans.services import MIN_INSPECTORS, DrawData
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
            note=d.get("note") or "",
        )


def pool_filters_from_params(params: Any) -> PoolFilters:
    """The pool's conditions as typed so far (the pool-size preview); bad values are ignored."""
    township = str(params.get("township") or "")
    return PoolFilters(
        township=township[:9] if township.isdigit() else "",
        sectors=[s for s in params.getlist("sectors") if s],
        risk_classes=[c for c in params.getlist("risk_classes") if c in RiskClass.values],
        key_supervision=str(params.get("key_supervision") or "") in ("on", "1", "true"),
    )
