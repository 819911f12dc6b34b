"""Template helpers for the sign-in and account pages that allauth renders.

allauth's forms come with their own labels ("Password (again)") and Django's
generic "This field is required."; these helpers give the words the rest of
Tandem uses, so an error names the field it is about.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import get_adapter
from django import forms, template

register = template.Library()

LABELS_BY_NAME = {
    "login": "Email address",
    "email": "Email address",
    "oldpassword": "Current password",
    "remember": "Keep me signed in on this device",
}


@register.simple_tag(takes_context=True)
def signups_open(context: dict[str, Any]) -> bool:
    """Whether people may create an account here (the adapter decides)."""
    request = context.get("request")
    return bool(get_adapter(request).is_open_for_signup(request))


@register.filter
def field_label(field: forms.BoundField) -> str:
    if field.name in LABELS_BY_NAME:
        return LABELS_BY_NAME[field.name]
    label = str(field.label or field.name.replace("_", " "))
    if label.endswith("(again)"):
        label = "Confirm " + label.removesuffix("(again)").strip().lower()
    return label[:1].upper() + label[1:].lower()


@register.filter
def field_error(error: str, field: forms.BoundField) -> str:
    """Django's "This field is required." becomes "Enter your password"."""
    if str(error) == str(field.field.error_messages.get("required", "")):
        label = field_label(field)
        if isinstance(field.field.widget, forms.CheckboxInput | forms.RadioSelect):
            return f"Select {label[:1].lower()}{label[1:]}"
        if label.startswith("Confirm "):
            return f"Enter your {label.removeprefix('Confirm ')} again"
        return f"Enter your {label[:1].lower()}{label[1:]}"
    return str(error)
