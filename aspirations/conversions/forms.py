"""Forms of the conversions: the PPID's own request form, prefilled from a
case, and the LAPOR! tracking ID and status."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin
from ppid.requests.forms import InformationRequestForm


class CaseRequestForm(InformationRequestForm):
    """The staff request form (``ppid.requests.forms``) for a case: the
    channel is ``aspirasi`` and the date of receipt the case's, so neither
    is asked."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, staff=True, **kwargs)
        for name in ("channel", "received_on", "received_time", "website"):
            self.fields.pop(name, None)


class ReferLaporForm(BootstrapFormMixin, forms.Form):
    """The tracking ID LAPOR! gave the report once it was entered there."""

    tracking_id = forms.CharField(
        label=_("LAPOR! tracking ID"),
        max_length=60,
        required=False,
        help_text=_("Shown by LAPOR! after the report is sent, e.g. 1916449."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()


class LaporStatusForm(BootstrapFormMixin, forms.Form):
    """The status LAPOR! shows for the referred report."""

    status = forms.CharField(
        label=_("Status in LAPOR!"),
        max_length=100,
        help_text=_("As LAPOR! shows it, e.g. “Diproses” or “Selesai”."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()
