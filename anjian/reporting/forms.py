"""Forms of the reporting pages: the period, a package to download or upload, a subordinate's registration.

Forms only read and shape the input; the rules (a region below this office, a valid Ed25519 key, the
checks of a package) are the services'.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from anjian.campaigns.forms import DATE, ServiceErrorsMixin
from anjian.reporting.package import MAX_BYTES
from anjian.reporting.services import SubordinateData
from anjian.web.forms import bootstrap

INVALID_DATE = {"invalid": "请填写正确的日期"}


def this_month(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The first and last day of the month (a 月报's period)."""
    today = today or timezone.localdate()
    return today.replace(day=1), today.replace(day=calendar.monthrange(today.year, today.month)[1])


class PeriodForm(forms.Form):
    """The summary's period: exactly the from/to of the packages (default: this month, 1st to last day)."""

    date_from = forms.DateField(label="起始日期", widget=DATE, required=False, error_messages=INVALID_DATE)
    date_to = forms.DateField(label="截止日期", widget=DATE, required=False, error_messages=INVALID_DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        if "date_from" in self.errors or "date_to" in self.errors:
            return d
        # Missing ends: the month of the other end (or this month), as a 月报 covers a whole month.
        start, end = d.get("date_from"), d.get("date_to")
        d["date_from"], d["date_to"] = (
            (start, end) if start and end
            else (start, this_month(start)[1]) if start
            else (this_month(end)[0], end) if end
            else this_month()
        )
        if d["date_from"] > d["date_to"]:
            self.add_error("date_to", "截止日期不能早于起始日期")
        return d


class PackageForm(PeriodForm):
    """The lower side: this deployment's package for a period (判定日期 optional: the stats default)."""

    as_of = forms.DateField(label="判定日期（可不填）", widget=DATE, required=False,
                            error_messages=INVALID_DATE)


class UploadForm(forms.Form):
    file = forms.FileField(
        label="上报数据包（.json）",
        error_messages={"required": "请选择下级报来的数据包文件", "empty": "文件是空的"},
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        if f.size > MAX_BYTES:
            raise forms.ValidationError(f"文件过大（超过 {MAX_BYTES // 1024 // 1024} MB），不是上报数据包")
        return f


class SubordinateForm(ServiceErrorsMixin, forms.Form):
    region_code = forms.CharField(label="区划代码", max_length=12, help_text="下级的统计用区划代码，如县 430626",
                                  error_messages={"required": "请填写区划代码"})
    name = forms.CharField(label="名称", max_length=64, required=False, help_text="不填时用区划名称")
    public_key = forms.CharField(
        label="签名公钥（base64）", max_length=200, error_messages={"required": "请填写下级的签名公钥"},
        widget=forms.Textarea(attrs={"rows": 2, "spellcheck": "false", "autocomplete": "off"}),
        help_text="下级平台“本级上报”页或 anjian report-key 显示的公钥",
    )
    base_url = forms.CharField(label="平台地址（可不填）", max_length=200, required=False,
                               help_text="自动拉取时使用，如 https://pj.example.gov.cn")
    token = forms.CharField(
        label="API 令牌（可不填）", max_length=200, required=False, strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="下级平台中有上报权限账号的令牌，加密保存",
    )
    is_active = forms.BooleanField(label="启用", required=False, initial=True)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.editing = editing
        if editing:
            self.fields["token"].help_text = "不填则保留已保存的令牌；填写则替换"
            self.fields["clear_token"] = forms.BooleanField(label="清除已保存的令牌", required=False)
        bootstrap(self)

    def to_data(self) -> SubordinateData:
        d = self.cleaned_data
        token: str | None = d["token"] or (None if self.editing else "")
        if self.editing and d.get("clear_token"):
            token = ""
        return SubordinateData(region_code=d["region_code"].strip(), name=d["name"], public_key=d["public_key"],
                               base_url=d["base_url"], token=token, is_active=d["is_active"])
