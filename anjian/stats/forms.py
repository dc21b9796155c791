"""The filter form shared by the dashboard, the progress table and the rankings.

Region within the user's jurisdiction (default: their own), a period (default: this year to date),
``as_of``, campaign and sector; the table and ranking pages add department and inspection kind.
The form only parses and offers choices: access and jurisdiction are :func:`anjian.stats.api.scope_for`'s.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone

from anjian.stats import indicators as ind
from anjian.stats.grouped import DEPARTMENT, TOWNSHIP
from anjian.stats.progress import DEFAULT_INDICATORS
from anjian.stats.scope import ScopeError, region_prefix
from anjian.web.forms import bootstrap

if TYPE_CHECKING:
    from anjian.accounts.models import User

BY_CHOICES = [(TOWNSHIP, "按乡镇（街道）"), (DEPARTMENT, "按监管部门")]
ORDER_CHOICES = [("desc", "从高到低"), ("asc", "从低到高")]
INDICATOR_CHOICES = [(i.code, f"{i.family} · {i.name}（{i.unit}）") for i in ind.CATALOGUE]
# What a monthly notice usually ranks by.
DEFAULT_RANKING = "rectification_rate"

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """This year to date."""
    today = today or timezone.localdate()
    return today.replace(month=1, day=1), today


def region_choices(user: User) -> list[tuple[str, str]]:
    """The user's own division and the counties and townships below it (one query)."""
    from anjian.regions.models import Division, Level

    if user.org_id is None:
        return []
    prefix: str = user.org.region_prefix  # type: ignore[union-attr]
    divisions = Division.objects.filter(code__startswith=prefix, level__lte=Level.TOWNSHIP).order_by("code")
    out = []
    for d in divisions.only("code", "name", "level"):
        depth = max(0, d.level - divisions_level(prefix))
        out.append((region_prefix(d.code), "\u3000" * depth + d.name))
    return out


def divisions_level(prefix: str) -> int:
    """The level of a division from its significant digits (2 → province … 9 → township)."""
    return {2: 1, 4: 2, 6: 3, 9: 4, 12: 5}.get(len(prefix), 3)


class StatsFilterForm(forms.Form):
    region = forms.CharField(label="区划", required=False)
    date_from = forms.DateField(label="起始日期", required=False, widget=DATE)
    date_to = forms.DateField(label="截止日期", required=False, widget=DATE)
    as_of = forms.DateField(label="整改判定日期", required=False, widget=DATE,
                            help_text="判定已整改、未销号、逾期的日期；默认为截止日期（或今天）")
    campaign = forms.ChoiceField(label="专项行动", required=False)
    sector = forms.ChoiceField(label="行业领域", required=False)

    # Fields of the table and ranking pages only.
    EXTRA = ("department", "inspection_kind")

    def __init__(self, data: Any, *, user: User, extra: bool = False, **kwargs: Any) -> None:
        if data is not None:
            # Show the default period in the date fields instead of leaving them blank.
            data = data.copy()
            start, end = default_period()
            for name, default in (("date_from", start), ("date_to", end)):
                if not data.get(name):
                    data[name] = default.isoformat()
        super().__init__(data, **kwargs)
        from anjian.campaigns.models import Campaign
        from anjian.core.scope import scoped
        from anjian.units.models import Sector

        self.user = user
        regions = region_choices(user)
        if regions:
            self.fields["region"].widget = forms.Select(choices=regions)
        else:
            self.fields["region"].help_text = "区划代码，如 430626"
        campaigns = scoped(user, Campaign.objects.all()).order_by("-start", "name").values_list("pk", "name")
        self.fields["campaign"].choices = [("", "全部")] + [(str(pk), name) for pk, name in campaigns]  # type: ignore[attr-defined]
        sectors = Sector.objects.order_by("id").values_list("code", "name")
        self.fields["sector"].choices = [("", "全部"), *sectors]  # type: ignore[attr-defined]
        if extra:
            from anjian.accounts.models import Organization, OrgKind
            from anjian.inspections.models import InspectionKind

            prefix = user.org.region_prefix if user.org_id else ""  # type: ignore[union-attr]
            departments = Organization.objects.filter(kind=OrgKind.DEPARTMENT, region_code__startswith=prefix)
            names = departments.order_by("name").values_list("pk", "name")
            self.fields["department"] = forms.ChoiceField(
                label="监管部门", required=False, choices=[("", "全部")] + [(str(pk), n) for pk, n in names],
            )
            self.fields["inspection_kind"] = forms.ChoiceField(
                label="检查类型", required=False, choices=[("", "全部"), *InspectionKind.choices],
            )
        bootstrap(self)

    def clean_region(self) -> str:
        region = str(self.cleaned_data.get("region") or "").strip()
        if region:
            try:
                region_prefix(region)
            except ScopeError:
                raise forms.ValidationError("区划代码无效：应为 6 位县级代码或 9、12 位乡镇、村代码") from None
        return region

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = default_period()
        data["date_from"] = data.get("date_from") or (start if not self.errors.get("date_from") else None)
        data["date_to"] = data.get("date_to") or (end if not self.errors.get("date_to") else None)
        if data["date_from"] and data["date_to"] and data["date_to"] < data["date_from"]:
            self.add_error("date_to", "截止日期不能早于起始日期")
        return data

    def scope_params(self) -> dict[str, Any]:
        """The parameters of :func:`anjian.stats.api.scope_for` (names as the API's)."""
        d = self.cleaned_data
        return {
            "region": d.get("region") or None, "from": d["date_from"], "to": d["date_to"], "as_of": d.get("as_of"),
            "campaign": d.get("campaign") or None, "sector": d.get("sector") or None,
            "department": d.get("department") or None, "inspection_kind": d.get("inspection_kind") or None,
        }


class ProgressForm(StatsFilterForm):
    def __init__(self, data: Any, *, user: User, **kwargs: Any) -> None:
        super().__init__(data, user=user, extra=True, **kwargs)
        self.fields["by"] = forms.ChoiceField(label="分组", choices=BY_CHOICES, required=False)
        self.fields["indicators"] = forms.MultipleChoiceField(
            label="指标", choices=INDICATOR_CHOICES, required=False,
            widget=forms.SelectMultiple(attrs={"size": 8}), help_text="可多选；不选为常用指标",
        )
        bootstrap(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data["by"] = data.get("by") or TOWNSHIP
        data["indicators"] = list(data.get("indicators") or DEFAULT_INDICATORS)
        return data


class RankingForm(StatsFilterForm):
    def __init__(self, data: Any, *, user: User, **kwargs: Any) -> None:
        super().__init__(data, user=user, extra=True, **kwargs)
        self.fields["indicator"] = forms.ChoiceField(label="排名指标", choices=INDICATOR_CHOICES, required=False)
        self.fields["by"] = forms.ChoiceField(label="排名对象", choices=BY_CHOICES, required=False)
        self.fields["order"] = forms.ChoiceField(label="顺序", choices=ORDER_CHOICES, required=False)
        bootstrap(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data["indicator"] = data.get("indicator") or DEFAULT_RANKING
        data["by"] = data.get("by") or TOWNSHIP
        data["order"] = data.get("order") or "desc"
        return data
