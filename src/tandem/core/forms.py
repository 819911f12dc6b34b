"""Shared form plumbing: GOV.UK rendering and service errors shown on fields."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Size
from django import forms
from django.core.exceptions import ValidationError

from tandem.core.tenancy import system_access


class TandemForm(forms.Form):
    """A form rendered with the design system's field and error patterns."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page's own <form> carries the token
        self.helper.label_size = Size.for_label(Size.SMALL)


class TandemModelForm(forms.ModelForm):
    def _post_clean(self) -> None:
        # Uniqueness and constraint checks look across every organisation.
        with system_access():
            super()._post_clean()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page's own <form> carries the token
        self.helper.label_size = Size.for_label(Size.SMALL)


def apply_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's ValidationError on the matching fields of a form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for e in errors:
                for message in e.messages:
                    if target is None and field != "__all__":
                        message = f"{field.replace('_', ' ').capitalize()}: {message}"
                    form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def bound_data(request: Any) -> Any:
    """What to bind a form to: the POST data on a POST, even an empty one, else None.

    (``request.POST or None`` leaves a form unbound when nothing was submitted,
    so an empty submission would show no errors.)
    """
    return request.POST if request.method == "POST" else None
