"""Forms of the tip-off pages: receive, and one small form per step; choices narrowed to the user's scope."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone

from anjian.campaigns.forms import DATE, ServiceErrorsMixin
from anjian.core.scope import scoped
from anjian.enforcement.models import EnforcementAction
from anjian.hazards.models import Hazard
from anjian.tipoffs import selectors
from anjian.tipoffs.models import AccidentLevel, Channel, Kind, Outcome
from anjian.tipoffs.services import MAX_EXTENSION_DAYS, REPORTER_NAME_MAX, CloseData, TipoffData
from anjian.units.models import Unit
from anjian.web.forms import bootstrap

if TYPE_CHECKING:
    from anjian.accounts.models import User


class ReceiveForm(ServiceErrorsMixin, forms.Form):
    received_on = forms.DateField(label="受理日期", widget=DATE)
    channel = forms.ChoiceField(label="举报渠道", choices=Channel.choices)
    kind = forms.ChoiceField(label="举报类型", choices=Kind.choices)
    unit = forms.ModelChoiceField(
        label="被举报单位", queryset=Unit.objects.none(), required=False, help_text="台账中有的选择；没有的填写下一项"
    )
    unit_text = forms.CharField(
        label="举报所称单位（场所）", max_length=200, required=False, help_text="按举报人所说填写；已选单位的可不填"
    )
    township = forms.ChoiceField(label="所在乡镇（街道）", required=False, help_text="未选择单位时必选")
    content = forms.CharField(label="举报内容", widget=forms.Textarea(attrs={"rows": 4}))
    real_name = forms.BooleanField(label="实名举报", required=False)
    employee = forms.BooleanField(label="举报人为被举报单位从业人员", required=False)
    reporter_name = forms.CharField(
        label="举报人姓名", max_length=REPORTER_NAME_MAX, required=False, help_text="保密，仅受理人和县级管理员可见"
    )
    reporter_phone = forms.CharField(label="举报人联系电话", max_length=32, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = timezone.localdate()
        self.fields["unit"].queryset = scoped(user, Unit.objects.filter(is_active=True))  # type: ignore[attr-defined]
        self.fields["township"].choices = [  # type: ignore[attr-defined]
            ("", "—"), *((d.code[:9], d.name) for d in selectors.townships(user))
        ]
        bootstrap(self)

    def to_data(self) -> TipoffData:
        d = self.cleaned_data
        return TipoffData(
            received_on=d["received_on"], channel=d["channel"], kind=d["kind"], content=d["content"],
            unit=d.get("unit"), unit_text=d.get("unit_text") or "", township=d.get("township") or "",
            reporter_name=d.get("reporter_name") or "", reporter_phone=d.get("reporter_phone") or "",
            real_name=bool(d.get("real_name")), employee=bool(d.get("employee")),
        )


class StartCheckForm(forms.Form):
    note = forms.CharField(
        label="核查安排", max_length=500, required=False, help_text="如：交由安定镇会同应急局现场核查"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)


class ExtendForm(ServiceErrorsMixin, forms.Form):
    days = forms.IntegerField(
        label="延长天数", min_value=1, max_value=MAX_EXTENSION_DAYS,
        error_messages={"min_value": "延长期限为 1 至 30 天", "max_value": "延长期限为 1 至 30 天"},
    )
    reason = forms.CharField(label="延期理由", widget=forms.Textarea(attrs={"rows": 2}), help_text="须告知举报人")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)


class MergeForm(ServiceErrorsMixin, forms.Form):
    into = forms.CharField(
        label="并入的举报编号", max_length=32, help_text="先受理的同一事项举报，如 JB430626202600001"
    )
    note = forms.CharField(label="说明", max_length=500, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)
        bootstrap(self)

    def clean_into(self) -> Any:
        number = self.cleaned_data["into"]
        found = selectors.tipoff_by_number(self.user, number)
        if found is None:
            raise forms.ValidationError(f"未找到举报编号 {number}")
        return found


class CloseForm(ServiceErrorsMixin, forms.Form):
    outcome = forms.ChoiceField(label="核查结论", choices=[("", "—"), *Outcome.choices])
    result_note = forms.CharField(label="办理结果", widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text="核查情况和处理意见，用于答复举报人")
    hazard = forms.CharField(label="关联隐患编号", max_length=32, required=False)
    hazard_deadline = forms.DateField(
        label="或上报一般隐患，整改期限", widget=DATE, required=False,
        help_text="填写后以“群众举报”方式为被举报单位上报一般隐患",
    )
    action = forms.CharField(label="关联行政处罚（文书编号）", max_length=64, required=False,
                             help_text="奖励按其罚款决定金额计算")
    accident_level = forms.ChoiceField(label="事故等级（瞒报谎报事故）", choices=[("", "—"), *AccidentLevel.choices],
                                       required=False)
    accident_deaths = forms.IntegerField(label="查实瞒报谎报死亡人数", min_value=0, required=False)

    def __init__(self, *args: Any, user: User, kind: str, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)
        if kind != Kind.CONCEALED_ACCIDENT:
            # The accident's level and deaths are asked only of a report of a concealed accident.
            del self.fields["accident_level"], self.fields["accident_deaths"]
        bootstrap(self)

    def clean_hazard(self) -> Any:
        number = (self.cleaned_data.get("hazard") or "").strip()
        if not number:
            return None
        found = scoped(self.user, Hazard.objects.filter(number=number.upper())).first()
        if found is None:
            raise forms.ValidationError(f"未找到隐患编号 {number}")
        return found

    def clean_action(self) -> Any:
        number = (self.cleaned_data.get("action") or "").strip()
        if not number:
            return None
        found = scoped(self.user, EnforcementAction.objects.filter(number=number)).first()
        if found is None:
            raise forms.ValidationError(f"未找到执法文书编号 {number}")
        return found

    def to_data(self) -> CloseData:
        d = self.cleaned_data
        return CloseData(
            outcome=d["outcome"], result_note=d["result_note"], hazard=d.get("hazard"), action=d.get("action"),
            accident_level=d.get("accident_level") or "", accident_deaths=d.get("accident_deaths") or 0,
            hazard_deadline=d.get("hazard_deadline"),
        )


class ApproveForm(ServiceErrorsMixin, forms.Form):
    notified_on = forms.DateField(label="通知举报人日期", widget=DATE, help_text="自该日起 60 日内领取")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["notified_on"].initial = timezone.localdate()
        bootstrap(self)


class PayForm(ServiceErrorsMixin, forms.Form):
    paid_on = forms.DateField(label="发放日期", widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["paid_on"].initial = timezone.localdate()
        bootstrap(self)
