"""Forms of the citizen's pages: the aspiration form, tracking and reply.
The rules across fields (name and contact unless anonymous, the phone's
shape) live in ``aspirations.portal.services``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from aspirations.inbox.models import Kind
from aspirations.portal import services
from core.forms import BootstrapFormMixin
from opds.models import Opd
from ppid.catalogue.forms import KeepsUploadsMixin, MultipleFileField

VILLAGE_LIST_ID = "daftar-kelurahan"


def _kind_help() -> str:
    return format_html(
        "{} <a href='{}'>{}</a>",
        _(
            "Asking for a document or data the government holds? That is an "
            "information request under UU 14/2008, with a written answer "
            "within 10 working days:"
        ),
        reverse("ppid:request-form"),
        _("use the information request form"),
    ) + format_html(
        " {}",
        _(
            "We accept it here too and the coordinator may register it for you. "
            "Whistle-blowing is always kept confidential."
        ),
    )


class AspirationForm(KeepsUploadsMixin, BootstrapFormMixin, forms.Form):
    """The citizen's aspiration, complaint or question."""

    kept_upload_fields = ("files",)

    kind = forms.ChoiceField(
        label=_("What do you want to send?"),
        choices=[(kind.value, kind.label) for kind in services.FORM_KINDS],
        widget=forms.RadioSelect,
        initial=Kind.ASPIRATION,
        help_text=lazy(_kind_help, SafeString)(),
    )
    title = forms.CharField(label=_("Title"), max_length=services.TITLE_LIMIT)
    text = forms.CharField(
        label=_("Your message"),
        max_length=services.TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "What happened, where and when. Do not write your NIK or anyone "
            "else's personal data here."
        ),
    )
    opd = forms.ModelChoiceField(
        label=_("Agency concerned (if known)"),
        queryset=Opd.objects.none(),
        required=False,
        empty_label=_("I don't know: the coordinator sends it to the right agency"),
    )
    kecamatan = forms.ModelChoiceField(
        label=_("Kecamatan"),
        queryset=Opd.objects.none(),
        required=False,
        empty_label=_("(not about a place)"),
    )
    village = forms.CharField(
        label=_("Desa or kelurahan"),
        max_length=services.VILLAGE_LIMIT,
        required=False,
        widget=forms.TextInput(attrs={"list": VILLAGE_LIST_ID, "autocomplete": "off"}),
    )
    anonymous = forms.BooleanField(
        label=_("Anonymous"),
        required=False,
        help_text=_(
            "Your name and contacts are not shown to the agency; only the "
            "coordinator at Dinkominfo sees them. Name and contacts become "
            "optional: you follow the case with the tracking code."
        ),
    )
    confidential = forms.BooleanField(
        label=_("Confidential"),
        required=False,
        help_text=_(
            "Only the coordinator and the agency handling it see your message."
        ),
    )
    name = forms.CharField(
        label=_("Your name"),
        max_length=services.NAME_LIMIT,
        required=False,
        help_text=_("Required unless you send anonymously."),
    )
    phone = forms.CharField(
        label=_("Phone or WhatsApp number"),
        max_length=30,
        required=False,
        help_text=_(
            "A phone number or an e-mail address, so the agency can ask you "
            "for details (not needed if anonymous). Stored encrypted and never "
            "published."
        ),
    )
    email = forms.EmailField(label=_("E-mail"), max_length=254, required=False)
    files = MultipleFileField(
        label=_("Photos or documents (optional)"),
        required=False,
        help_text=_("Up to 5 files: photos (JPG, PNG), PDF or office documents."),
    )
    # A field people never see; bots fill every field they find.
    website = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(
        self, *args: Any, session: SessionBase | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["opd"].queryset = (
            Opd.objects.active()
            .exclude(kind__in=[Opd.Kind.KECAMATAN, Opd.Kind.KELURAHAN])
            .order_by("name")
        )
        self.fields["kecamatan"].queryset = (
            Opd.objects.active().filter(kind=Opd.Kind.KECAMATAN).order_by("name")
        )
        self.fields["kecamatan"].widget.attrs.update(
            {
                "hx-get": reverse("aspirations:villages"),
                "hx-target": "#" + VILLAGE_LIST_ID,
                "hx-trigger": "change",
            }
        )
        self.style_fields()
        self.setup_held_files(session)

    def clean_website(self) -> str:
        if self.cleaned_data.get("website"):
            raise ValidationError(_("This form could not be sent."), code="honeypot")
        return ""

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.merge_held_files()
        return data

    def service_data(self) -> dict[str, Any]:
        """The form's values as ``submit_aspiration`` takes them."""
        return {key: self.cleaned_data.get(key) for key in services.FIELDS}

    def chosen_kecamatan(self) -> Opd | None:
        """The kecamatan picked (even on a form with errors), for the list of
        its kelurahan."""
        value = self.data.get("kecamatan") if self.is_bound else None
        if not value or not str(value).isdigit():
            return None
        return self.fields["kecamatan"].queryset.filter(pk=value).first()


def villages_of(kecamatan: Opd | None) -> list[str]:
    """The kelurahan (OPDs under the kecamatan) offered in the village list;
    desa are not OPDs and are typed in."""
    if kecamatan is None:
        return []
    return list(
        Opd.objects.active()
        .filter(parent=kecamatan, kind=Opd.Kind.KELURAHAN)
        .order_by("name")
        .values_list("name", flat=True)
    )


class TrackingForm(BootstrapFormMixin, forms.Form):
    """The case number and the tracking code given on submitting."""

    number = forms.CharField(
        label=_("Case number"),
        max_length=40,
        widget=forms.TextInput(attrs={"placeholder": "ASP-PBG/2026/000123"}),
    )
    tracking_code = forms.CharField(label=_("Tracking code"), max_length=40)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()


class ReplyForm(BootstrapFormMixin, forms.Form):
    """The citizen writes again on the tracking page."""

    text = forms.CharField(
        label=_("Your reply"),
        max_length=services.REPLY_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()
