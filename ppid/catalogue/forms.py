"""Forms of the catalogue's staff pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.models import model_to_dict
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin, https_formfield
from ppid.catalogue.models import (
    PUBLIC_CATEGORY_CHOICES,
    Category,
    ExclusionDecision,
    InformationItem,
    Subtype,
)
from ppid.catalogue.services import EXCLUSION_FIELDS, ITEM_FIELDS


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked later by ppid.uploads."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(
    attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
)


class SubtypeSelect(forms.Select):
    """The sub-type list, each option marked with its category so that the
    page's script offers only the chosen category's sub-types."""

    def create_option(self, name, value, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-category"] = instance.category
        return option


class InformationItemForm(BootstrapFormMixin, forms.Form):
    """The DIP fields of an item, with its files.

    A plain form over the model's fields: the service validates and saves,
    so a refused change never touches the item the page still shows.
    """

    files = MultipleFileField(
        label=_("Files"),
        required=False,
        help_text=_(
            "PDF, JPEG, PNG, WebP, DOCX, XLSX, PPTX, ODT, ODS or CSV; "
            "the type is read from the content."
        ),
    )

    def __init__(
        self, *args: Any, item: InformationItem | None = None, **kwargs: Any
    ) -> None:
        if item is not None and "initial" not in kwargs:
            kwargs["initial"] = model_to_dict(item, fields=ITEM_FIELDS)
        super().__init__(*args, **kwargs)
        fields = forms.fields_for_model(
            InformationItem,
            fields=ITEM_FIELDS,
            formfield_callback=https_formfield,
            widgets={
                "summary": forms.Textarea(attrs={"rows": 4}),
                "made_on": DATE,
                "event_occurred_at": DATETIME,
            },
        )
        fields["subtype"].queryset = Subtype.objects.filter(is_active=True)
        fields["subtype"].widget = SubtypeSelect(choices=fields["subtype"].choices)
        fields["event_occurred_at"].input_formats = ["%Y-%m-%dT%H:%M"]
        self.fields = {**fields, **self.fields}
        if item is not None and item.files.exists():
            self.fields["remove_files"] = forms.ModelMultipleChoiceField(
                queryset=item.files.all(),
                required=False,
                widget=forms.CheckboxSelectMultiple,
                label=_("Remove files"),
            )
        self.style_fields()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        category, subtype = data.get("category"), data.get("subtype")
        if subtype is not None and category:
            label = self.fields["subtype"].label
            if category == Category.DIKECUALIKAN:
                self.add_error(
                    "subtype",
                    _(
                        "%(field)s: excluded information has no sub-type; leave it empty."
                    )
                    % {"field": label},
                )
            elif subtype.category != category:
                self.add_error(
                    "subtype",
                    _(
                        "%(field)s: “%(subtype)s” belongs to the category "
                        "%(its)s, not %(chosen)s. Choose a sub-type of %(chosen)s."
                    )
                    % {
                        "field": label,
                        "subtype": subtype.name,
                        "its": Category(subtype.category).label,
                        "chosen": Category(category).label,
                    },
                )
        return data

    def item_data(self) -> dict[str, Any]:
        return {field: self.cleaned_data[field] for field in ITEM_FIELDS}


class ExclusionDecisionForm(BootstrapFormMixin, forms.Form):
    """The surat penetapan klasifikasi of an excluded item.

    Bound to a page whose category is not Dikecualikan it checks nothing:
    its fields are only asked of excluded information, and a periodic item
    with one wrong field must not come back with nine empty ones.
    """

    prefix = "exclusion"
    signed_sheet = forms.FileField(
        label=_("Signed consequence-test sheet"),
        required=False,
        help_text=_("PDF or scan; seen by staff only."),
    )

    def __init__(
        self, *args: Any, decision: ExclusionDecision | None = None, **kwargs: Any
    ) -> None:
        if decision is not None and "initial" not in kwargs:
            kwargs["initial"] = model_to_dict(decision, fields=EXCLUSION_FIELDS)
        super().__init__(*args, **kwargs)
        # The item form's category, posted beside this form's prefixed fields.
        self.active = not self.is_bound or (
            self.data.get("category") == Category.DIKECUALIKAN
        )
        self.fields = {
            **forms.fields_for_model(
                ExclusionDecision,
                fields=EXCLUSION_FIELDS,
                widgets={
                    "legal_basis": forms.Textarea(attrs={"rows": 2}),
                    "consequence": forms.Textarea(attrs={"rows": 3}),
                    "public_interest": forms.Textarea(attrs={"rows": 3}),
                    "redacted_summary": forms.Textarea(attrs={"rows": 3}),
                    "period_start": DATE,
                    "period_end": DATE,
                    "review_date": DATE,
                    "decided_on": DATE,
                    "consequence_tested_on": DATE,
                },
            ),
            **self.fields,
        }
        self.style_fields()

    def full_clean(self) -> None:
        if self.active:
            super().full_clean()
            return
        self._errors = ErrorDict()
        self.cleaned_data = {}

    def decision_data(self) -> dict[str, Any]:
        return {field: self.cleaned_data[field] for field in EXCLUSION_FIELDS}


class NoteForm(forms.Form):
    """Why an item is returned or withdrawn."""

    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))


class OpenExcludedForm(NoteForm):
    """The decision that ends an exclusion."""

    category = forms.ChoiceField(
        label=_("Opens as"),
        choices=PUBLIC_CATEGORY_CHOICES,
    )
