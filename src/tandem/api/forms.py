"""The form for creating a personal access token."""

from __future__ import annotations

from datetime import date
from typing import Any

from crispy_forms_gds.fields import DateInputField
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from tandem.core.forms import TandemForm


class ExpiryDateField(DateInputField):
    """Day, month and year boxes; a date that does not exist is named as such."""

    def compress(self, data_list: Any) -> date | None:
        try:
            return super().compress(data_list)
        except ValidationError:
            raise ValidationError(
                "Expiry date must be a real date, for example 31 3 2027", code="invalid"
            ) from None


class TokenForm(TandemForm):
    name = forms.CharField(
        label="Token name",
        max_length=100,
        help_text="What the token is for, so you can recognise it later, for example "
        "'Timetable sync'.",
        error_messages={
            "required": "Enter a name for the token",
            "max_length": "The name must be 100 characters or fewer",
        },
    )
    expires_on = ExpiryDateField(
        label="Expiry date (optional)",
        required=False,
        require_all_fields=False,
        help_text="The token stops working after this day. Leave blank for no expiry. "
        "For example, 31 3 2027",
    )

    def clean_expires_on(self) -> date | None:
        value = self.cleaned_data.get("expires_on")
        if value is not None and value <= timezone.localdate():
            raise ValidationError("The expiry date must be in the future")
        return value
