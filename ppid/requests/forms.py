"""Forms of the request pages. Fields come from the models, so lengths and
choices are declared once; the rules across fields live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin
from opds.models import Opd
from ppid.catalogue.forms import DATE, KeepsUploadsMixin, MultipleFileField
from ppid.catalogue.models import InformationItem
from ppid.requests.fees import format_rupiah
from ppid.requests.grounds import REQUEST_GROUNDS
from ppid.requests.models import (
    Channel,
    Dispute,
    HeldForm,
    InformationRequest,
    Objection,
    Tariff,
)
from ppid.requests.selectors import citable_exclusions
from ppid.requests.services import (
    DISPUTE_RESULT_FIELDS,
    OBJECTOR_FIELDS,
    REQUEST_FIELDS,
)


class InformationRequestForm(KeepsUploadsMixin, BootstrapFormMixin, forms.ModelForm):
    """The public request form (and the staff form for paper requests)."""

    kept_upload_fields = ("identity_scan",)

    nik = forms.CharField(
        label=_("NIK"),
        max_length=32,
        required=False,
        help_text=_("16 digits, as on the KTP; stored encrypted and never published."),
    )
    identity_scan = forms.FileField(
        label=_("Identity document (optional)"),
        required=False,
        help_text=_(
            "A scan of the KTP or, for a legal entity, its deed (PDF or image)."
        ),
    )
    # A field people never see; bots fill every field they find.
    website = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    class Meta:
        model = InformationRequest
        fields = [f for f in REQUEST_FIELDS if f != "nik"]
        widgets = {
            "requested_information": forms.Textarea(attrs={"rows": 4}),
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "address": forms.TextInput(),
        }

    def __init__(
        self,
        *args: Any,
        staff: bool = False,
        session: SessionBase | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["opd"].queryset = Opd.objects.filter(is_active=True).order_by(
            "name"
        )
        self.fields["opd"].required = False
        self.fields["opd"].label = _("Agency that holds the information (if known)")
        order = ["requester_type", "full_name", "nik", *REQUEST_FIELDS[3:]]
        if staff:
            self.fields["channel"] = forms.ChoiceField(
                label=_("Channel"),
                choices=[c for c in Channel.choices if c[0] != Channel.WEB],
            )
            self.fields["received_on"] = forms.DateField(
                label=_("Received on"), widget=DATE
            )
            self.fields["received_time"] = forms.TimeField(
                label=_("Received at (time)"),
                required=False,
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                help_text=_(
                    "If known. Received after office hours or on a day off, "
                    "the request counts from the next working day."
                ),
            )
            order += ["channel", "received_on", "received_time"]
        self.order_fields([*order, "identity_scan"])
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

    def request_data(self) -> dict[str, Any]:
        return {key: self.cleaned_data.get(key) for key in REQUEST_FIELDS}

    def _post_clean(self) -> None:
        # The service validates and saves; the model instance is never used.
        pass


class TrackingForm(BootstrapFormMixin, forms.Form):
    registration_number = forms.CharField(
        label=_("Registration number"),
        max_length=40,
        widget=forms.TextInput(attrs={"placeholder": "PPID-PBG/2026/000123"}),
    )
    tracking_code = forms.CharField(label=_("Tracking code"), max_length=40)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()


class ObjectionForm(BootstrapFormMixin, forms.ModelForm):
    """An objection to a request: grounds a and c-g (ground b has its own
    form, against an agency, with no request)."""

    class Meta:
        model = Objection
        fields = ["reason", "description"]
        widgets = {
            "reason": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(
        self,
        *args: Any,
        staff: bool = False,
        grounds: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # A requester sees the grounds open to the request today; staff
        # record paper objections dated on another day, checked on saving.
        offered = REQUEST_GROUNDS if grounds is None else grounds
        self.fields["reason"].choices = [
            choice for choice in Objection.Reason.choices if choice[0] in offered
        ]
        if staff:
            self.fields["filed_on"] = forms.DateField(label=_("Filed on"), widget=DATE)
            self.fields["channel"] = forms.ChoiceField(
                label=_("Channel"), choices=Channel.choices
            )
        self.style_fields()

    def _post_clean(self) -> None:
        pass


class OpdObjectionForm(BootstrapFormMixin, forms.ModelForm):
    """An objection on ground b (UU Pasal 35(1)b): periodic information an
    agency did not provide. No request number: the objector names the
    agency and says who they are."""

    # A field people never see; bots fill every field they find.
    website = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    class Meta:
        model = Objection
        fields = ["opd", "description", "full_name", "address", "phone", "email"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "address": forms.TextInput(),
        }

    def __init__(self, *args: Any, staff: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["opd"].queryset = Opd.objects.filter(is_active=True).order_by(
            "name"
        )
        # The service names what is missing, with the law's words.
        self.fields["opd"].required = False
        self.fields["opd"].label = _(
            "Agency that did not provide the periodic information"
        )
        self.fields["opd"].help_text = ""
        self.fields["description"].label = _(
            "Which periodic information is missing (UU 14/2008 Pasal 9)"
        )
        for name in ("full_name", "address"):
            self.fields[name].required = True
        self.fields["phone"].help_text = _("A phone number or an e-mail address.")
        if staff:
            del self.fields["website"]
            self.fields["filed_on"] = forms.DateField(label=_("Filed on"), widget=DATE)
            self.fields["channel"] = forms.ChoiceField(
                label=_("Channel"),
                choices=[c for c in Channel.choices if c[0] != Channel.WEB],
            )
        self.style_fields()

    def clean_website(self) -> str:
        if self.cleaned_data.get("website"):
            raise ValidationError(_("This form could not be sent."), code="honeypot")
        return ""

    def service_kwargs(self) -> dict[str, Any]:
        """The form's values as ``file_objection`` takes them."""
        data = self.cleaned_data
        kwargs = {
            "reason": Objection.Reason.B,
            "opd": data.get("opd"),
            "description": data.get("description", ""),
            "objector": {key: data.get(key, "") for key in OBJECTOR_FIELDS},
        }
        if "filed_on" in self.fields:
            kwargs["filed_on"] = data.get("filed_on")
            kwargs["channel"] = data.get("channel")
        return kwargs

    def _post_clean(self) -> None:
        pass


class ComplyForm(BootstrapFormMixin, forms.Form):
    """The PPID's new written answer after the Atasan granted the objection."""

    answer = forms.CharField(
        label=_("New written answer"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    files = MultipleFileField(label=_("Files"), required=False)

    def __init__(self, *args: Any, files_allowed: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not files_allowed:
            del self.fields["files"]
        self.style_fields()


class ReasonForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()


class RouteForm(BootstrapFormMixin, forms.Form):
    opd = forms.ModelChoiceField(
        label=_("Route to"),
        queryset=Opd.objects.filter(is_active=True).order_by("name"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()


class AnswerForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=InformationRequest.Decision.choices
    )
    letter = forms.CharField(
        label=_("Written notice"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    files = MultipleFileField(label=_("Files"), required=False)
    redaction_notes = forms.CharField(
        label=_("What was blacked out and why"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    excluded_item = forms.ModelChoiceField(
        label=_("DIK entry"),
        queryset=InformationItem.objects.none(),
        required=False,
    )
    referred_body = forms.CharField(
        label=_("Public body that holds it"), max_length=200, required=False
    )
    held_form = forms.ChoiceField(
        label=_("Form of the information held"),
        choices=[("", "—"), *HeldForm.choices],
        required=False,
    )
    # The cost (UU Pasal 22(7)g) is reckoned at the OPD's tariff.
    copy_pages = forms.IntegerField(
        label=_("Pages copied"), min_value=0, required=False, initial=0
    )
    media_items = forms.IntegerField(
        label=_("Storage media (CD, flash disk)"),
        min_value=0,
        required=False,
        initial=0,
    )
    letter_date = forms.DateField(
        label=_("Date of the letter (if sent on paper before today)"),
        required=False,
        widget=DATE,
        help_text=_("The answer then counts from this date; attach the scan."),
    )
    letter_scan = forms.FileField(
        label=_("Scan of the signed letter"),
        required=False,
        help_text=_("Required when the letter's date is before today."),
    )

    def __init__(
        self, *args: Any, user: Any = None, tariff: Tariff | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["excluded_item"].queryset = citable_exclusions(user)
        self.fields["copy_pages"].help_text = tariff_summary(tariff)
        self.style_fields()


def tariff_summary(tariff: Tariff | None) -> str:
    """The rates a cost is reckoned at, for the staff who set it."""
    if tariff is None or tariff.is_free:
        return str(_("This agency charges nothing: the answer will say free."))
    return str(
        _(
            "Tariff: copying %(page)s a page, storage medium %(media)s each, "
            "post or courier %(postage)s."
        )
        % {
            "page": format_rupiah(tariff.copy_per_page),
            "media": format_rupiah(tariff.media_per_item),
            "postage": format_rupiah(tariff.postage),
        }
    )


class PaymentForm(BootstrapFormMixin, forms.Form):
    """Staff record the requester's payment of the cost."""

    paid_on = forms.DateField(label=_("Paid on"), widget=DATE)
    reference = forms.CharField(
        label=_("Receipt number"), max_length=100, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()


class HandoverForm(BootstrapFormMixin, forms.Form):
    """Staff record the day the requester received the information."""

    delivered_on = forms.DateField(label=_("Handed over on"), widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()


class TariffForm(BootstrapFormMixin, forms.Form):
    """An OPD's fees; amounts are read as whole rupiah by the service."""

    copy_per_page = forms.CharField(
        label=_("Copying, per page (Rp)"), max_length=30, initial="0"
    )
    media_per_item = forms.CharField(
        label=_("Storage medium, per item (Rp)"),
        max_length=30,
        initial="0",
        help_text=_("A CD, DVD or flash disk the copy is handed over on."),
    )
    postage = forms.CharField(
        label=_("Post or courier, per delivery (Rp)"), max_length=30, initial="0"
    )
    payment_methods = forms.CharField(
        label=_("How to pay"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Where and how requesters pay; stated in every written notice."),
    )

    def __init__(self, *args: Any, tariff: Tariff | None = None, **kwargs: Any) -> None:
        if tariff is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "copy_per_page": _amount(tariff.copy_per_page),
                "media_per_item": _amount(tariff.media_per_item),
                "postage": _amount(tariff.postage),
                "payment_methods": tariff.payment_methods,
            }
        super().__init__(*args, **kwargs)
        self.style_fields()


def _amount(value: int) -> str:
    return format_rupiah(value).removeprefix("Rp ")


class ObjectionAnswerForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=Objection.Decision.choices
    )
    answer = forms.CharField(
        label=_("Answer"), max_length=20000, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()


class DisputeResultForm(BootstrapFormMixin, forms.ModelForm):
    """What the Komisi Informasi and the court decided; one form per dispute
    on the request's page, so each has its own prefix."""

    class Meta:
        model = Dispute
        fields = list(DISPUTE_RESULT_FIELDS)
        widgets = {
            "decided_on": DATE,
            "court_filed_on": DATE,
            "outcome": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "dispute-{}".format(kwargs["instance"].pk))
        super().__init__(*args, **kwargs)
        self.style_fields()

    def _post_clean(self) -> None:
        # The service validates and saves.
        pass
