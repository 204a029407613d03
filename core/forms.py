"""Form plumbing every app's forms share: Bootstrap classes, HTTPS links,
service errors on form fields."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

# Government sites are served over HTTPS; a bare domain typed in a form
# should become https://, which is also Django 6's default.
URL_FORMFIELD_OVERRIDES: dict[type[models.Field], dict[str, Any]] = {
    models.URLField: {"assume_scheme": "https"}
}


class BootstrapFormMixin:
    """Give every widget the Bootstrap class it needs to look like the site."""

    def style_fields(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                continue
            # A radio styled as a text box renders as an empty grey bar.
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = " ".join(
                filter(None, [widget.attrs.get("class"), css])
            )


def https_formfield(field: models.Field, **kwargs: Any) -> forms.Field | None:
    """Build a model field's form field with the overrides above."""
    return field.formfield(**{**URL_FORMFIELD_OVERRIDES.get(type(field), {}), **kwargs})


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's errors on the form's fields, or above the form."""
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return
    for name, errors in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)
