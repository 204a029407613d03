"""The small forms of the evaluation pages; the services decide, these only
read and type what was posted."""

from __future__ import annotations

import datetime
import re
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


HUNDRED = Decimal(100)
# The models keep a share with four decimals: a percentage with two.
PERCENT_PLACES = Decimal("0.01")
RATIO_PLACES = Decimal("0.0001")
PERCENT_PATTERN = re.compile(r"[0-9]{1,3}(?:[.,][0-9]+)?")


def percent_text(ratio: Decimal | None) -> str:
    """A stored share (0 to 1) as the percentage typed in the forms:
    ``0.625`` → ``62,5``, with the Indonesian decimal comma."""
    if ratio is None:
        return ""
    value = (Decimal(ratio) * HUNDRED).quantize(PERCENT_PLACES)
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def parse_percent(text: str) -> Decimal | None:
    """``"62,5"``, ``"62.5"`` or ``"62,5 %"`` as the share ``0.625``; None
    when it is not a number from 0 to 100."""
    cleaned = text.strip().removesuffix("%").strip()
    # Digits with one decimal separator at most: not "1.000,5", "1e2", "NaN".
    if not PERCENT_PATTERN.fullmatch(cleaned):
        return None
    value = Decimal(cleaned.replace(",", "."))
    if not (0 <= value <= HUNDRED):
        return None
    return (value.quantize(PERCENT_PLACES) / HUNDRED).quantize(RATIO_PLACES)


class PercentField(forms.CharField):
    """A share typed as a percentage from 0 to 100, with a decimal comma
    (or a dot), cleaned to the 0–1 share the models keep; its error names
    ``subject`` (the item scored)."""

    def __init__(self, *, subject: str = "", **kwargs) -> None:
        # No max_length: its validator would measure the cleaned share.
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"inputmode": "decimal", "autocomplete": "off", "maxlength": 12}
            ),
        )
        super().__init__(**kwargs)
        self.subject = subject

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return percent_text(value)
        return value

    def to_python(self, value) -> Decimal | None:
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        ratio = parse_percent(text)
        if ratio is None:
            if self.subject:
                message = _(
                    "%(item)s: enter a percentage from 0 to 100, e.g. 75 or 62,5."
                ) % {"item": self.subject}
            else:
                message = _("Enter a percentage from 0 to 100, e.g. 75 or 62,5.")
            raise ValidationError(message, code="percent")
        return ratio


class ManualScoresForm(_Styled):
    """Every manual item of one OPD in one form: a percentage and a
    comment each, saved together or not at all."""

    # The template's column heading too: a "%" in a template's msgid would
    # be extracted as "%%".
    percent_label = _("Fulfilment, %")

    def __init__(self, *args, item_scores: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.item_scores = list(item_scores)
        for score in self.item_scores:
            self.fields[self.percent_name(score)] = PercentField(
                label=self.percent_label,
                required=False,
                subject=score.item.name,
                initial=percent_text(score.ratio),
            )
            self.fields[self.comment_name(score)] = forms.CharField(
                label=_("Comment"),
                required=False,
                max_length=2000,
                initial=score.comment,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.style_fields()

    @staticmethod
    def percent_name(score) -> str:
        return "nilai-{}".format(score.pk)

    @staticmethod
    def comment_name(score) -> str:
        return "catatan-{}".format(score.pk)

    def rows(self) -> list[tuple]:
        """(item score, its percentage field, its comment field), for the
        template."""
        return [
            (score, self[self.percent_name(score)], self[self.comment_name(score)])
            for score in self.item_scores
        ]

    def clean(self) -> dict:
        data = super().clean()
        for score in self.item_scores:
            name = self.percent_name(score)
            if name in self.errors:
                continue
            ratio = data.get(name)
            comment = (data.get(self.comment_name(score)) or "").strip()
            if ratio is None and score.ratio is not None:
                self.add_error(
                    name,
                    _("%(item)s: a score given cannot be emptied; enter 0 to 100.")
                    % {"item": score.item.name},
                )
            elif ratio is None and comment:
                self.add_error(
                    name,
                    _("%(item)s: enter the percentage the comment explains.")
                    % {"item": score.item.name},
                )
        return data

    def _post_clean(self) -> None:
        super()._post_clean()
        # A wrong value is marked where it was typed, and read out with it.
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] = attrs.get("class", "") + " is-invalid"
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = "id_{}-galat".format(name)

    def changed_scores(self) -> dict[int, tuple[Decimal, str]]:
        """The items whose percentage or comment differ from what is
        stored: ``item score id → (share 0 to 1, comment)``."""
        changed = {}
        for score in self.item_scores:
            ratio = self.cleaned_data.get(self.percent_name(score))
            comment = (self.cleaned_data.get(self.comment_name(score)) or "").strip()
            if ratio is None:
                continue
            if ratio != score.ratio or comment != score.comment:
                changed[score.pk] = (ratio, comment)
        return changed


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
    percent = PercentField(
        label=_("New fulfilment, %"),
        required=False,
        help_text=_("Needed to accept: from 0 to 100."),
    )
    response = forms.CharField(
        label=_("Response"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict:
        data = super().clean()
        if (
            data.get("decision") == "accept"
            and data.get("percent") is None
            and "percent" not in self.errors
        ):
            self.add_error("percent", _("Give the new fulfilment to accept."))
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
