"""Forms of the catalogue's staff pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from core import files
from core.forms import BootstrapFormMixin, https_formfield
from ppid.catalogue.models import (
    PUBLIC_CATEGORY_CHOICES,
    Category,
    ExclusionDecision,
    InformationItem,
    Subtype,
)
from ppid.catalogue.services import EXCLUSION_FIELDS, ITEM_FIELDS, MAX_FILES_PER_ITEM
from ppid.uploads import clean_upload

MAX_HELD_FILES = MAX_FILES_PER_ITEM


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


class HeldFilesField(forms.MultipleChoiceField):
    """Tokens of files kept from an earlier try, each a ticked box; tokens
    that no longer open a file are dropped by the form, not refused here."""

    widget = forms.CheckboxSelectMultiple

    def validate(self, value: Any) -> None:
        pass


def held_field_name(name: str) -> str:
    return "{}_held".format(name)


class KeepsUploadsMixin:
    """Files that passed the upload gate survive a form that comes back with
    errors: a browser cannot refill a file input, so the page says the file
    was received and a resubmit without choosing it again keeps it.

    The view passes ``session=request.session``, calls ``keep_uploads()``
    before showing the form again and ``release_held_files()`` once saved.
    """

    kept_upload_fields: tuple[str, ...] = ()

    def setup_held_files(self, session: SessionBase | None) -> None:
        self.session = session
        self.held: dict[str, list[files.HeldFile]] = {}
        self.lost_held: set[str] = set()
        if session is None or not self.is_bound:
            return
        for name in self.kept_upload_fields:
            tokens = self._posted_tokens(name)
            found = [
                held
                for token in tokens
                if (held := files.held_file(session, name, token)) is not None
            ]
            if len(found) < len(tokens):
                self.lost_held.add(name)
            if found:
                self.held[name] = found
                self._show_held(name, found, [held.token for held in found])

    def _posted_tokens(self, name: str) -> list[str]:
        getlist = getattr(self.data, "getlist", None)
        tokens = getlist(held_field_name(name)) if getlist else []
        return [token for token in tokens if token][:MAX_HELD_FILES]

    def _chosen_held(self, name: str) -> list[files.HeldFile]:
        ticked = set(self._posted_tokens(name))
        return [held for held in self.held.get(name, []) if held.token in ticked]

    def _show_held(
        self, name: str, held: list[files.HeldFile], ticked: list[str]
    ) -> None:
        field = HeldFilesField(
            label=_("Files already received"),
            required=False,
            choices=[
                (item.token, _("File %(name)s was received") % {"name": item.name})
                for item in held
            ],
            help_text=_(
                "Kept while you correct the form: you need not choose it again. "
                "Untick a file to leave it out."
            ),
        )
        fields = {}
        for key, value in self.fields.items():
            if key != held_field_name(name):
                fields[key] = value
            if key == name:
                fields[held_field_name(name)] = field
        self.fields = fields
        if hasattr(self.data, "setlist"):
            self.data = self.data.copy()
            self.data.setlist(held_field_name(name), ticked)

    def merge_held_files(self) -> None:
        """Put the ticked kept files into ``cleaned_data`` (from ``clean``)."""
        for name in self.kept_upload_fields:
            if name in self.lost_held:
                self.add_error(
                    name,
                    _(
                        "A file you sent earlier is no longer kept; "
                        "please choose it again."
                    ),
                )
            chosen = self._chosen_held(name)
            if not chosen or name not in self.cleaned_data:
                continue
            value = self.cleaned_data.get(name)
            if isinstance(value, list):
                self.cleaned_data[name] = [h.as_upload() for h in chosen] + value
            elif not value:
                self.cleaned_data[name] = chosen[0].as_upload()

    def keep_uploads(self) -> None:
        """Before the form is shown again: keep every new file that passes
        the upload gate (a refused one gets the gate's reason)."""
        if self.session is None:
            return
        for name in self.kept_upload_fields:
            kept = self._chosen_held(name)
            new = self.files.getlist(name) if hasattr(self.files, "getlist") else []
            if new and not isinstance(self.fields[name], MultipleFileField):
                kept = []
            for held in self.held.get(name, []):
                if held not in kept:
                    files.release_held_file(held)
            for upload in new[: max(MAX_HELD_FILES - len(kept), 0)]:
                try:
                    clean = clean_upload(upload)
                except ValidationError as exc:
                    if name not in self.errors:
                        self.add_error(name, exc.messages)
                    continue
                upload.seek(0)
                kept.append(
                    files.hold_file(
                        self.session, name, clean.original_name, upload.read()
                    )
                )
            self.held[name] = kept
            if kept:
                self._show_held(name, kept, [held.token for held in kept])
            else:
                self.fields.pop(held_field_name(name), None)

    def release_held_files(self) -> None:
        """After a save: the kept copies are in the record now, or unwanted."""
        for held in [h for kept in self.held.values() for h in kept]:
            files.release_held_file(held)
        self.held = {}


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


class InformationItemForm(KeepsUploadsMixin, BootstrapFormMixin, forms.Form):
    """The DIP fields of an item, with its files.

    A plain form over the model's fields: the service validates and saves,
    so a refused change never touches the item the page still shows.
    """

    kept_upload_fields = ("files",)

    files = MultipleFileField(
        label=_("Files"),
        required=False,
        help_text=_(
            "PDF, JPEG, PNG, WebP, DOCX, XLSX, PPTX, ODT, ODS or CSV; "
            "the type is read from the content."
        ),
    )

    def __init__(
        self,
        *args: Any,
        item: InformationItem | None = None,
        session: SessionBase | None = None,
        **kwargs: Any,
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
        self.setup_held_files(session)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.merge_held_files()
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
