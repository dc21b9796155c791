"""Forms of the patrol pages: the phone-first 巡查打卡 form, the hazard link, the coverage period.

Forms only read and shape the input; every rule about who may record what is the service's.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone

from anjian.campaigns.forms import DATE, ServiceErrorsMixin
from anjian.core.scope import scoped
from anjian.hazards.models import Hazard
from anjian.patrols.models import Outcome
from anjian.patrols.selectors import GROUPS
from anjian.patrols.services import MAX_NOTE, PatrolData
from anjian.units.models import Unit
from anjian.web.forms import bootstrap

if TYPE_CHECKING:
    from anjian.accounts.models import User


COORD = Decimal("0.000001")  # the model's 6 decimal places (a phone reports more)


def coordinate(label: str, limit: int) -> forms.DecimalField:
    """A hidden coordinate filled by the 获取当前位置 button (patrols.js); empty when no location was taken."""
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=Decimal(-limit),
        max_value=Decimal(limit),
        widget=forms.HiddenInput,
        error_messages={
            "invalid": f"{label}应为数字",
            "min_value": f"{label}应在 -{limit} 至 {limit} 之间",
            "max_value": f"{label}应在 -{limit} 至 {limit} 之间",
        },
    )


def patrollable_units(user: User) -> Any:
    """Units the user may record a visit to: the units in the registry in scope (a grid worker: their grid's).

    A closed unit stays on the list: checking that it has not started up again is a visit too (outcome
    单位停产或关闭); the coverage page does not count it.
    """
    return scoped(user, Unit.objects.filter(is_active=True)).select_related("sector")


class PatrolForm(ServiceErrorsMixin, forms.Form):
    """巡查打卡: the unit, what was found, the day (today unless changed), a note."""

    unit = forms.ModelChoiceField(
        label="单位",
        queryset=Unit.objects.none(),
        widget=forms.HiddenInput,
        error_messages={"required": "请选择巡查的单位", "invalid_choice": "请从列表中选择单位"},
    )
    outcome = forms.ChoiceField(
        label="巡查结果", choices=Outcome.choices, initial=Outcome.NORMAL, widget=forms.RadioSelect,
        error_messages={"required": "请选择巡查结果", "invalid_choice": "请选择巡查结果"},
    )
    patrolled_on = forms.DateField(
        label="巡查日期", widget=DATE, error_messages={"required": "请填写巡查日期", "invalid": "请填写正确的日期"}
    )
    note = forms.CharField(
        label="情况说明",
        max_length=MAX_NOTE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "如：现场检查消防通道、灭火器，未见异常"}),
    )
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    # Where the visit was recorded (optional): the phone's position, from the 获取当前位置 button.
    lat = coordinate("纬度", 90)
    lng = coordinate("经度", 180)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = patrollable_units(user)  # type: ignore[attr-defined]
        self.fields["patrolled_on"].initial = timezone.localdate()
        self.fields["idempotency_key"].initial = uuid.uuid4()  # one per rendered form: a re-post is a retry
        bootstrap(self)
        self.fields["outcome"].widget.attrs["class"] = "btn-check"
        self.fields["patrolled_on"].widget.attrs["max"] = str(timezone.localdate())

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        lat, lng = d.get("lat"), d.get("lng")
        if "lat" not in self.errors and "lng" not in self.errors and (lat is None) != (lng is None):
            self.add_error(None, "位置须同时有经度和纬度，请重新获取当前位置")
        for name in ("lat", "lng"):
            if d.get(name) is not None:
                d[name] = d[name].quantize(COORD, rounding=ROUND_HALF_UP)
        return d

    def location(self) -> tuple[str, str] | None:
        """The location a re-rendered form holds (both coordinates, valid), for the page to say so."""
        if not self.is_bound or "lat" in self.errors or "lng" in self.errors:
            return None
        lat, lng = str(self.data.get("lat") or ""), str(self.data.get("lng") or "")
        return (lat, lng) if lat and lng else None

    def to_data(self) -> PatrolData:
        d = self.cleaned_data
        return PatrolData(unit=d["unit"], outcome=d["outcome"], patrolled_on=d["patrolled_on"], note=d["note"],
                          lat=d.get("lat"), lng=d.get("lng"))


class LinkHazardForm(ServiceErrorsMixin, forms.Form):
    hazard = forms.ModelChoiceField(
        label="上报的隐患", queryset=Hazard.objects.none(),
        error_messages={"required": "请选择隐患", "invalid_choice": "请从列表中选择隐患"},
    )

    def __init__(self, *args: Any, hazards: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["hazard"]
        field.queryset = hazards  # type: ignore[attr-defined]
        field.label_from_instance = lambda h: f"{h.number} {h.found_on:%Y-%m-%d} {h.description[:30]}"  # type: ignore[attr-defined]
        bootstrap(self)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


class CoverageForm(forms.Form):
    """The coverage page's period (default: this month so far) and grouping."""

    date_from = forms.DateField(label="起始日期", widget=DATE, required=False)
    date_to = forms.DateField(label="截止日期", widget=DATE, required=False)
    by = forms.ChoiceField(label="统计口径", choices=[(k, f"按{v}") for k, v in GROUPS.items()], required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        today = timezone.localdate()
        d["date_to"] = d.get("date_to") or today
        d["date_from"] = d.get("date_from") or month_start(d["date_to"])
        d["by"] = d.get("by") or "grid"
        if d["date_from"] > d["date_to"]:
            self.add_error("date_to", "截止日期不能早于起始日期")
        return d
