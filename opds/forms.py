"""Forms of the opds app."""

from typing import Any

from django import forms

from core.forms import BootstrapFormMixin, https_formfield
from opds.models import Opd
from opds.services import PROFILE_FIELDS


class OpdProfileForm(BootstrapFormMixin, forms.Form):
    """What an OPD admin keeps up to date about the OPD.

    A plain form over the model's fields: the OPD's structure (kind,
    parent) is not the admin's to fix, so it must not block this form.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(
            forms.fields_for_model(
                Opd,
                fields=PROFILE_FIELDS,
                widgets={"address": forms.Textarea(attrs={"rows": 3})},
                formfield_callback=https_formfield,
            )
        )
        self.style_fields()
