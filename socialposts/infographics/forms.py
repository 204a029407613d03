"""Forms of the infographic pages: one form per kind, with fixed rows for
a service flow's steps and a chart's table (no script needed), and the
form that links an image to the post that published it."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin
from opds.models import Opd
from ppid.catalogue.models import InformationItem
from socialposts.accounts.models import Post
from socialposts.infographics.engine import Kind, Size

MAX_STEPS = 10
MAX_ROWS = 12
# A pasted or uploaded table of at most 12 rows is small; anything larger
# is not the table the chart wants.
CSV_MAX_BYTES = 10_000

KIND_HELP = {
    Kind.ITEM_CARD: _(
        "A card of a PPID item: title, category, OPD, summary and where to get it."
    ),
    Kind.SERVICE_FLOW: _(
        "Numbered steps of a service, e.g. how to register at a hospital."
    ),
    Kind.DATA_CHART: _(
        "A bar or line chart of a small table, e.g. free rooms per class."
    ),
    Kind.KIP_CARD: _(
        "The OPD's KIP-readiness score, band and change of a final month."
    ),
    Kind.RANKING_CARD: _("The regency's top ten OPDs of a final month."),
}


def month_value(month: datetime.date) -> str:
    return "{:%Y-%m}".format(month)


class InfographicForm(BootstrapFormMixin, forms.Form):
    """The fields of one kind of infographic.

    The OPD and the item are resolved (and their permissions checked) by
    the view before the form is read; here they are only shown.
    """

    size = forms.ChoiceField(
        label=_("Size"),
        choices=Size.choices,
        initial=Size.PORTRAIT,
        widget=forms.RadioSelect,
    )

    def __init__(
        self,
        *args: Any,
        kind: str,
        opds: QuerySet[Opd],
        items: QuerySet[InformationItem] | None = None,
        item: InformationItem | None = None,
        months: list[datetime.date] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        # Resolved by the view (an OPD admin's own, the item's or the one
        # named); the field only shows it or offers the choice.
        self.fields["opd"] = forms.ModelChoiceField(
            label=_("OPD"), queryset=opds, to_field_name="slug", required=False
        )
        if opds.count() == 1:
            self.fields["opd"].widget = forms.HiddenInput()
        if kind in (Kind.ITEM_CARD, Kind.SERVICE_FLOW, Kind.DATA_CHART):
            self._item_field(kind, items, item)
        if kind == Kind.ITEM_CARD:
            self._item_card_fields()
        elif kind == Kind.SERVICE_FLOW:
            self._flow_fields()
        elif kind == Kind.DATA_CHART:
            self._chart_fields()
        else:
            self.fields["month"] = forms.ChoiceField(
                label=_("Month (final evaluations only)"),
                choices=[(month_value(m), m.strftime("%Y-%m")) for m in months or []],
            )
        self.style_fields()
        self.fields["size"].widget.attrs["class"] = "form-check-input"

    # --- Fields per kind -------------------------------------------------------

    def _item_field(
        self,
        kind: str,
        items: QuerySet[InformationItem] | None,
        item: InformationItem | None,
    ) -> None:
        if item is not None:
            self.fields["item"] = forms.IntegerField(
                widget=forms.HiddenInput(), initial=item.pk, required=False
            )
            return
        if kind != Kind.ITEM_CARD:
            return
        self.fields["item"] = forms.ModelChoiceField(
            label=_("PPID item"),
            queryset=items if items is not None else InformationItem.objects.none(),
            help_text=_("Or open the item's page and press “Make an infographic”."),
        )

    def _item_card_fields(self) -> None:
        self.fields["title"] = forms.CharField(
            label=_("Title"),
            max_length=300,
            required=False,
            help_text=_("Empty: the item's own title."),
        )
        self.fields["summary"] = forms.CharField(
            label=_("Summary"),
            max_length=3000,
            required=False,
            widget=forms.Textarea(attrs={"rows": 4}),
            help_text=_("Empty: the start of the item's summary."),
        )
        self.fields["where"] = forms.CharField(
            label=_("Where to get it"),
            max_length=600,
            required=False,
            help_text=_("Empty: the portal and the OPD's PPID desk."),
        )

    def _flow_fields(self) -> None:
        self.fields["title"] = forms.CharField(label=_("Title"), max_length=300)
        for n in range(1, MAX_STEPS + 1):
            self.fields["step_{}_title".format(n)] = forms.CharField(
                label=_("Step %(n)s: title") % {"n": n},
                max_length=60,
                required=n <= 2,
            )
            self.fields["step_{}_text".format(n)] = forms.CharField(
                label=_("Step %(n)s: text") % {"n": n},
                max_length=160,
                required=False,
            )

    def _chart_fields(self) -> None:
        self.fields["title"] = forms.CharField(label=_("Title"), max_length=300)
        self.fields["chart"] = forms.ChoiceField(
            label=_("Chart"),
            choices=[("bar", _("Bars")), ("line", _("Line"))],
            initial="bar",
        )
        self.fields["unit"] = forms.CharField(
            label=_("Unit"), max_length=30, required=False
        )
        self.fields["source"] = forms.CharField(
            label=_("Source of the data"), max_length=200, required=False
        )
        for n in range(1, MAX_ROWS + 1):
            self.fields["row_{}_label".format(n)] = forms.CharField(
                label=_("Row %(n)s: label") % {"n": n}, max_length=40, required=False
            )
            self.fields["row_{}_value".format(n)] = forms.CharField(
                label=_("Row %(n)s: value") % {"n": n}, max_length=30, required=False
            )
        self.fields["csv"] = forms.CharField(
            label=_("Or paste a table (CSV)"),
            max_length=CSV_MAX_BYTES,
            required=False,
            widget=forms.Textarea(attrs={"rows": 5}),
            help_text=_("Two columns, label and number, one row per line."),
        )
        self.fields["csv_file"] = forms.FileField(
            label=_("Or upload a CSV file"),
            required=False,
            widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
        )

    # --- Groups for the template ------------------------------------------------

    def steps(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [
            (self["step_{}_title".format(n)], self["step_{}_text".format(n)])
            for n in range(1, MAX_STEPS + 1)
            if "step_{}_title".format(n) in self.fields
        ]

    def rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [
            (self["row_{}_label".format(n)], self["row_{}_value".format(n)])
            for n in range(1, MAX_ROWS + 1)
            if "row_{}_label".format(n) in self.fields
        ]

    def main_fields(self) -> list[forms.BoundField]:
        """Every visible field but the steps, the rows and the size."""
        grouped = {"size"} | {
            name for name in self.fields if name.startswith(("step_", "row_"))
        }
        return [
            self[name]
            for name in self.fields
            if name not in grouped and not self[name].is_hidden
        ]

    # --- What the engine gets ------------------------------------------------------

    def clean_csv_file(self) -> str:
        upload = self.cleaned_data.get("csv_file")
        if not upload:
            return ""
        if upload.size > CSV_MAX_BYTES:
            raise ValidationError(
                _("The file is larger than %(kb)s KB.") % {"kb": CSV_MAX_BYTES // 1000}
            )
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(_("The file is not UTF-8 text.")) from None

    def engine_fields(self) -> dict[str, Any]:
        """The typed fields, shaped as the engine's data."""
        data = self.cleaned_data
        fields: dict[str, Any] = {
            name: data[name]
            for name in ("title", "summary", "where", "chart", "unit", "source")
            if data.get(name)
        }
        if self.kind == Kind.SERVICE_FLOW:
            fields["steps"] = [
                {
                    "title": data["step_{}_title".format(n)],
                    "text": data["step_{}_text".format(n)],
                }
                for n in range(1, MAX_STEPS + 1)
                if data.get("step_{}_title".format(n))
                or data.get("step_{}_text".format(n))
            ]
        if self.kind == Kind.DATA_CHART:
            self.csv_field = "csv_file" if data.get("csv_file") else "csv"
            table = data.get("csv_file") or data.get("csv")
            if table:
                fields["csv"] = table
            rows = [
                {
                    "label": data["row_{}_label".format(n)],
                    "value": data["row_{}_value".format(n)],
                }
                for n in range(1, MAX_ROWS + 1)
                if data.get("row_{}_label".format(n))
                or data.get("row_{}_value".format(n))
            ]
            if rows:
                fields["rows"] = rows
        return fields

    def month(self) -> datetime.date | None:
        value = self.cleaned_data.get("month")
        if not value:
            return None
        return datetime.date(int(value[:4]), int(value[5:7]), 1)

    def add_engine_errors(self, error: ValidationError) -> None:
        """Put the engine's refusals (``steps[3].title``, ``rows[2].value``,
        ``csv``) next to the fields they name."""
        for name, messages in error.message_dict.items():
            field = self._field_for(name)
            self.add_error(field, messages)

    def _field_for(self, name: str) -> str | None:
        if name == "csv":
            name = getattr(self, "csv_field", "csv")
        if name in self.fields:
            return name
        for prefix, form_prefix in (("steps[", "step_"), ("rows[", "row_")):
            if name.startswith(prefix) and "]" in name:
                index, _sep, part = name[len(prefix) :].partition("]")
                part = part.lstrip(".") or ("title" if prefix == "steps[" else "label")
                field = "{}{}_{}".format(form_prefix, int(index) + 1, part)
                if index.isdigit() and field in self.fields:
                    return field
        if name == "steps":
            return "step_1_title"
        if name == "rows" and "row_1_label" in self.fields:
            return "row_1_label"
        return None


class LinkPostForm(BootstrapFormMixin, forms.Form):
    """The post that published an infographic, among its OPD's posts."""

    post = forms.ModelChoiceField(
        label=_("Post that published it"), queryset=Post.objects.none()
    )

    def __init__(self, *args: Any, posts: QuerySet[Post], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["post"]
        field.queryset = posts
        field.label_from_instance = _post_label
        self.style_fields()


def _post_label(post: Post) -> str:
    caption = " ".join((post.caption or "").split())
    return "{} · {:%Y-%m-%d} · {}".format(
        post.account.handle,
        post.published_at,
        caption[:60] or post.get_content_type_display(),
    )
