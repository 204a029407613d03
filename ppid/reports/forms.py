"""The form of the yearly report's written parts. Fields come from the
model; the rules across fields live in the model's ``clean`` and the
services."""

from __future__ import annotations

from typing import Any

from django import forms

from core.forms import BootstrapFormMixin
from ppid.reports.models import YearlyReport


class YearlyReportForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = YearlyReport
        fields = list(YearlyReport.MANUAL_FIELDS)
        widgets = {
            name: forms.Textarea(attrs={"rows": 4}) for name in YearlyReport.TEXT_FIELDS
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()

    def _post_clean(self) -> None:
        # The service validates and saves; the model instance is never used.
        pass
