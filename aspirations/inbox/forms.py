"""The forms of the case page's steps and of the ready answers.

Fields a service checks (a reason, a note, the reply) are optional here:
the service's own message, naming the field, is the one shown.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aspirations.inbox import selectors, services
from aspirations.inbox.models import (
    CannedResponse,
    Case,
    Kind,
    Message,
)
from core.forms import BootstrapFormMixin
from opds import permissions as perms
from opds.models import Opd, User
from socialposts.accounts.models import SocialAccount

ReplyKind = Message.ReplyKind


class StyledForm(BootstrapFormMixin, forms.Form):
    """A form styled like the site's others."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()


def _text_area(rows: int = 2) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class NoteForm(StyledForm):
    note = forms.CharField(
        label=_("Note (optional)"), required=False, max_length=4000, widget=_text_area()
    )


class ReasonForm(StyledForm):
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=4000, widget=_text_area()
    )


class PostponeForm(StyledForm):
    until = forms.DateField(
        label=_("Postpone until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=4000, widget=_text_area()
    )


class RouteForm(StyledForm):
    opd = forms.ModelChoiceField(
        label=_("Route to"),
        queryset=Opd.objects.filter(is_active=True).order_by("name"),
        required=False,
    )
    note = forms.CharField(
        label=_("Note for the OPD (optional)"),
        required=False,
        max_length=4000,
        widget=_text_area(),
    )


def reply_kinds(case: Case) -> list[tuple[str, Any]]:
    """How a reply on ``case`` may go out: what its channel offers, and an
    internal note (the rule: ``services.reply_kinds``)."""
    return [(kind, ReplyKind(kind).label) for kind in services.reply_kinds(case)]


class ReplyForm(StyledForm):
    canned = forms.ModelChoiceField(
        label=_("Ready answer"),
        queryset=CannedResponse.objects.none(),
        required=False,
        empty_label=_("None: write the reply"),
        help_text=_("Used when the text is left empty."),
    )
    text = forms.CharField(
        label=_("Reply"), required=False, max_length=10000, widget=_text_area(4)
    )
    reply_kind = forms.ChoiceField(label=_("Send as"), choices=())
    follow_up = forms.BooleanField(
        label=_("Mark as the follow-up (tindak lanjut)"), required=False
    )

    def __init__(self, *args: Any, case: Case, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["canned"].queryset = selectors.canned_for(user, case)
        self.fields["reply_kind"].choices = reply_kinds(case)
        if case.state not in selectors.WITH_OPD:
            # Only the OPD's answer to a routed case is a follow-up.
            del self.fields["follow_up"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        canned = data.get("canned")
        if canned is not None and not (data.get("text") or "").strip():
            data["text"] = canned.text
        return data

    def service_arguments(self) -> dict[str, Any]:
        """The ``reply`` service's arguments."""
        data = self.cleaned_data
        canned = data.get("canned")
        template = ""
        if canned is not None and data["reply_kind"] == ReplyKind.TEMPLATE:
            template = canned.whatsapp_template
        return {
            "text": data.get("text") or "",
            "reply_kind": data["reply_kind"],
            "follow_up": data.get("follow_up", False),
            "template": template,
        }


class TriageForm(StyledForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    topic = forms.CharField(label=_("Topic"), required=False, max_length=40)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = selectors.topic_choices()
        if choices:
            self.fields["topic"] = forms.ChoiceField(
                label=_("Topic"),
                choices=[("", _("No topic")), *choices],
                required=False,
            )
            self.style_fields()


class DuplicateForm(StyledForm):
    duplicate_of = forms.CharField(
        label=_("Same matter as (case number)"), max_length=40, required=False
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_duplicate_of(self) -> Case:
        number = (self.cleaned_data.get("duplicate_of") or "").strip()
        if not number:
            raise forms.ValidationError(_("Write the number of the other case."))
        found = perms.cases_visible_to(self.user).filter(number__iexact=number).first()
        if found is None:
            raise forms.ValidationError(_("No case you may see has this number."))
        return found


class CannedResponseForm(StyledForm):
    title = forms.CharField(label=_("Title"), max_length=100)
    text = forms.CharField(label=_("Text"), max_length=2000, widget=_text_area(5))
    whatsapp_template = forms.CharField(
        label=_("WhatsApp template name"),
        max_length=100,
        required=False,
        help_text=_(
            "The approved template this answer is sent as outside WhatsApp's"
            " 24-hour window; empty if there is none."
        ),
    )


class ManualCaseForm(StyledForm):
    """A comment staff copy from a platform's own app."""

    account = forms.ModelChoiceField(
        label=_("Account"), queryset=SocialAccount.objects.none()
    )
    author = forms.CharField(label=_("Commenter's account name"), max_length=200)
    text = forms.CharField(label=_("Comment"), max_length=10000, widget=_text_area(4))
    received_at = forms.DateTimeField(
        label=_("Posted at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("As the app shows it (WIB)."),
    )
    permalink = forms.URLField(
        label=_("Link to the comment"), required=False, assume_scheme="https"
    )

    def __init__(self, *args: Any, accounts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts
        self.fields["account"].label_from_instance = lambda account: (
            "{} · {} ({})".format(
                account.get_platform_display(), account.handle, account.opd.short_name
            )
        )
