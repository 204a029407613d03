"""The small forms of the evaluation pages; the services decide, these only
read and type what was posted."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin
from core.months import parse_month


class _Styled(BootstrapFormMixin, forms.Form):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()


class BuildForm(_Styled):
    """Compute a month's draft, or a new version of a final month."""

    month = forms.CharField(
        label=_("Month"),
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month"}),
        help_text=_("As YYYY-MM."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the month is final: a new version is made."),
    )

    def clean_month(self) -> datetime.date:
        month = parse_month(self.cleaned_data["month"])
        if month is None:
            raise ValidationError(_("Write the month as YYYY-MM, e.g. 2026-10."))
        return month


class DeadlineForm(_Styled):
    """Open a draft for the OPDs' reply."""

    deadline = forms.DateField(
        label=_("Reply deadline"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class ManualScoreForm(_Styled):
    """The team's score of a manual item."""

    ratio = forms.DecimalField(
        label=_("Fulfilment"),
        min_value=Decimal(0),
        max_value=Decimal(1),
        max_digits=5,
        decimal_places=4,
        help_text=_("From 0 (not at all) to 1 (fully)."),
        widget=forms.NumberInput(attrs={"step": "0.05"}),
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ContestForm(_Styled):
    """An OPD's objection to one item."""

    argument = forms.CharField(
        label=_("Argument"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    evidence_url = forms.URLField(
        label=_("Evidence link"),
        required=False,
        max_length=500,
        assume_scheme="https",
    )


class DecisionForm(_Styled):
    """The team's decision on a contest."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept")), ("reject", _("Reject"))],
    )
    ratio = forms.DecimalField(
        label=_("New fulfilment"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(1),
        max_digits=5,
        decimal_places=4,
        help_text=_("Needed to accept: from 0 to 1."),
        widget=forms.NumberInput(attrs={"step": "0.05"}),
    )
    response = forms.CharField(
        label=_("Response"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("decision") == "accept" and data.get("ratio") is None:
            self.add_error("ratio", _("Give the new fulfilment to accept."))
        return data


class MonthPickForm(_Styled):
    """The month picker: one of the months the page may show, as YYYY-MM."""

    month = forms.ChoiceField(label=_("Month"))

    def __init__(self, *args, months: list[datetime.date], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = [
            ("{:%Y-%m}".format(month), formats.date_format(month, "F Y"))
            for month in months
        ]

    def clean_month(self) -> datetime.date:
        value = self.cleaned_data["month"]
        return datetime.date(int(value[:4]), int(value[5:]), 1)
