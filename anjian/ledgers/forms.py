from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile

from anjian.ledgers.readers import LedgerFileError
from anjian.ledgers.services import check_upload


class UploadForm(forms.Form):
    file = forms.FileField(
        label="选择文件",
        help_text="支持 .xlsx 和 .csv（UTF-8 或 GB18030 编码）",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv", "class": "form-control"}),
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        try:
            check_upload(upload)
        except LedgerFileError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return upload
