"""Forms of the social-media staff pages."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import Q
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core import months
from core.forms import BootstrapFormMixin, https_formfield
from ppid.catalogue.forms import DATE, DATETIME
from ppid.catalogue.models import Category, InformationItem
from socialposts.accounts import exports, selectors
from socialposts.accounts.labels import METRIC_LABELS
from socialposts.accounts.models import Post, SocialAccount
from socialposts.accounts.services import CLASSIFICATION_FIELDS, FIGURES, POST_FIELDS

FIGURE_LABELS = {metric: METRIC_LABELS[metric] for metric in FIGURES}


class PostForm(BootstrapFormMixin, forms.Form):
    """One post of an account, and its latest figures.

    A plain form over the model's fields: the service validates and saves.
    A pulled post (API account) shows only what staff classify.
    """

    def __init__(
        self,
        *args: Any,
        account: SocialAccount,
        post: Post | None = None,
        full: bool | None = None,
        **kwargs: Any,
    ) -> None:
        # ``full``: the user may enter the post and its figures, not only
        # classify it (perms.can_add_social_post).
        self.manual = (
            account.connection == SocialAccount.Connection.MANUAL
            if full is None
            else full
        )
        self.names = POST_FIELDS if self.manual else CLASSIFICATION_FIELDS
        if post is not None and "initial" not in kwargs:
            kwargs["initial"] = self._initial(post)
        super().__init__(*args, **kwargs)
        fields = forms.fields_for_model(
            Post,
            fields=self.names,
            formfield_callback=https_formfield,
            widgets={
                "published_at": DATETIME,
                "caption": forms.Textarea(attrs={"rows": 4}),
                "topics": forms.CheckboxSelectMultiple,
            },
        )
        # The published items of the account's OPD, and whatever the post
        # already links to (it may have been withdrawn since).
        fields["information_item"].queryset = InformationItem.objects.filter(
            Q(opd=account.opd, status=InformationItem.Status.PUBLISHED)
            & ~Q(category=Category.DIKECUALIKAN)
            | Q(pk=post.information_item_id if post else None)
        ).order_by("-published_at", "-id")
        if self.manual:
            fields["external_id"].required = False
            fields["external_id"].help_text = _(
                "As in the platform's export; if empty, it is taken from the link."
            )
            fields["thumbnail"] = forms.FileField(
                label=capfirst(Post._meta.get_field("thumbnail").verbose_name),
                required=False,
                widget=forms.FileInput(
                    attrs={"accept": "image/jpeg,image/png,image/webp"}
                ),
                help_text=_(
                    "JPEG, PNG or WebP; stored reduced to at most 640 × 640 pixels."
                ),
            )
            fields["figures_as_of"] = forms.DateField(
                label=_("Figures as of"),
                required=False,
                widget=DATE,
                help_text=_("The day the figures were read; today if empty."),
            )
            for metric in FIGURES:
                fields[metric] = forms.IntegerField(
                    label=FIGURE_LABELS[metric], min_value=0, required=False
                )
        self.fields = {**fields, **self.fields}
        self.style_fields()

    def _initial(self, post: Post) -> dict[str, Any]:
        initial = model_to_dict(post, fields=self.names)
        if self.manual:
            day, values = selectors.post_figures(post, FIGURES)
            # The figures shown are those of their own day: saved unchanged,
            # they rewrite the same snapshot instead of dating it today.
            initial["figures_as_of"] = day
            for metric, value in values.items():
                initial[metric] = int(value) if value.is_integer() else value
        return initial

    def post_fields(self) -> list[forms.BoundField]:
        return [
            self[name] for name in (*self.names, "thumbnail") if name in self.fields
        ]

    def figure_fields(self) -> list[forms.BoundField]:
        if not self.manual:
            return []
        return [self["figures_as_of"], *(self[metric] for metric in FIGURES)]

    def post_data(self) -> dict[str, Any]:
        """What ``services.save_post`` takes as ``data``."""
        data = {name: self.cleaned_data[name] for name in self.names}
        if self.manual:
            data["figures"] = {
                metric: self.cleaned_data[metric]
                for metric in FIGURES
                if self.cleaned_data.get(metric) is not None
            }
            data["figures_as_of"] = self.cleaned_data.get("figures_as_of")
        return data


class ImportForm(forms.Form):
    """An export of Meta Business Suite or YouTube Studio, uploaded from the
    account's page (socialposts.imports reads it)."""

    file = forms.FileField(label=_("CSV export"))
    as_of = forms.DateField(
        label=_("Figures as of"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The day the export was made; today if empty."),
    )


class ExportForm(BootstrapFormMixin, forms.Form):
    """What to download: the daily metrics or the posts of a date range,
    as CSV or XLSX (socialposts.accounts.exports)."""

    data = forms.ChoiceField(
        label=_("Data"),
        choices=exports.Data.choices,
        error_messages={"invalid_choice": _("Data: choose daily metrics or posts.")},
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=exports.Format.choices,
        error_messages={"invalid_choice": _("Format: choose CSV or XLSX.")},
    )
    start = forms.DateField(
        label=_("Start date"),
        widget=DATE,
        error_messages={
            "required": _("Give the start date."),
            "invalid": _("Start date: enter a date as YYYY-MM-DD."),
        },
    )
    end = forms.DateField(
        label=_("End date"),
        widget=DATE,
        error_messages={
            "required": _("Give the end date."),
            "invalid": _("End date: enter a date as YYYY-MM-DD."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        today = timezone.localdate()
        kwargs.setdefault(
            "initial",
            {
                "data": exports.Data.METRICS,
                "format": exports.Format.XLSX,
                "start": today - datetime.timedelta(days=29),
                "end": today,
            },
        )
        super().__init__(*args, **kwargs)
        self.style_fields()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("start") and data.get("end"):
            for field, message in exports.range_errors(
                data["start"], data["end"]
            ).items():
                self.add_error(field, message)
        return data


class MonthForm(BootstrapFormMixin, forms.Form):
    """The month of an OPD's one-page summary (PDF)."""

    month = forms.CharField(
        label=_("Month"),
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-10"}),
        help_text=_("As YYYY-MM, e.g. 2026-10."),
        error_messages={"required": _("Give the month.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        previous = months.previous_month(timezone.localdate())
        kwargs.setdefault("initial", {"month": "{:%Y-%m}".format(previous)})
        super().__init__(*args, **kwargs)
        self.style_fields()

    def clean_month(self) -> datetime.date:
        month = months.parse_month(self.cleaned_data["month"])
        if month is None:
            raise forms.ValidationError(
                _("Month: give a month as YYYY-MM, e.g. 2026-10.")
            )
        for message in exports.month_errors(month).values():
            raise forms.ValidationError(message)
        return month


# The period a page shows when none is asked for, and the longest it may
# show (a year: the daily charts stay legible and the sums cheap).
DEFAULT_PERIOD_DAYS = 90
MAX_PERIOD_DAYS = 366


class PeriodForm(BootstrapFormMixin, forms.Form):
    """The period of the charts and totals (``?start=…&end=…``); either
    end may be left empty. Read it with ``period()``, valid or not."""

    start = forms.DateField(
        label=_("From"),
        required=False,
        widget=DATE,
        error_messages={"invalid": _("From: enter a date as YYYY-MM-DD.")},
    )
    end = forms.DateField(
        label=_("To"),
        required=False,
        widget=DATE,
        error_messages={"invalid": _("To: enter a date as YYYY-MM-DD.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.has_error("start") or self.has_error("end"):
            return data
        today = timezone.localdate()
        start, end = self._fill(data.get("start"), data.get("end"), today)
        if start > today:
            self.add_error(
                "start", _("From: the date is in the future; choose today or earlier.")
            )
        elif end < start:
            self.add_error("end", _("To: the date must be on or after the From date."))
        elif (end - start).days + 1 > MAX_PERIOD_DAYS:
            self.add_error(
                "end",
                _("To: the period may span at most %(days)s days.")
                % {"days": MAX_PERIOD_DAYS},
            )
        else:
            data["start"], data["end"] = start, end
        return data

    @staticmethod
    def _fill(
        start: datetime.date | None, end: datetime.date | None, today: datetime.date
    ) -> tuple[datetime.date, datetime.date]:
        """Complete a half-given period: up to today, or the default span."""
        span = datetime.timedelta(days=DEFAULT_PERIOD_DAYS - 1)
        if end is None:
            end = today if start is None or start + span > today else start + span
        if start is None:
            start = end - span
        return start, end

    def period(self) -> tuple[datetime.date, datetime.date]:
        """The period asked for when the form is valid, else the default
        (the page then shows the errors above the default's figures)."""
        if self.is_bound:
            self.is_valid()
            if not (self.has_error("start") or self.has_error("end")):
                return self.cleaned_data["start"], self.cleaned_data["end"]
        return self._fill(None, None, timezone.localdate())


# The orders the OPD comparison offers in its menu; the column headers
# also sort the other way round (selectors.OVERVIEW_SORTS).
OVERVIEW_SORT_CHOICES = (
    ("-interactions", _("Most interactions")),
    ("-reach", _("Highest reach")),
    ("-engagement_rate", _("Highest engagement rate")),
    ("-posts", _("Most posts")),
    ("-followers", _("Most followers")),
    ("-growth", _("Largest follower growth")),
    ("opd", _("OPD name (A–Z)")),
)
DEFAULT_OVERVIEW_SORT = "-interactions"


class OverviewForm(PeriodForm):
    """The overview's period and the order of its OPD comparison."""

    sort = forms.CharField(
        label=_("Sort OPDs by"),
        required=False,
        widget=forms.Select(choices=OVERVIEW_SORT_CHOICES),
    )

    def clean_sort(self) -> str:
        sort = self.cleaned_data.get("sort") or DEFAULT_OVERVIEW_SORT
        if sort.lstrip("-") not in selectors.OVERVIEW_SORTS:
            raise forms.ValidationError(_("Sort OPDs by: choose one of the list."))
        return sort

    def ordering(self) -> str:
        """The order asked for when it is valid (even if the period is
        not), else the default."""
        if self.is_bound and not self.is_valid() and "sort" in self.errors:
            return DEFAULT_OVERVIEW_SORT
        return (self.cleaned_data if self.is_bound else {}).get(
            "sort"
        ) or DEFAULT_OVERVIEW_SORT
