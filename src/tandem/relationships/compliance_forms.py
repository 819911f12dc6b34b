"""Forms of the compliance view (filters) and of reports (write, add)."""

from __future__ import annotations

from datetime import date
from typing import Any

from crispy_forms_gds.fields import DateInputField
from django import forms
from django.core.exceptions import ValidationError

from tandem.core.forms import TandemForm
from tandem.relationships.compliance import STANDING_WORDS
from tandem.relationships.forms import ProgrammeCohortFilter
from tandem.relationships.reports import MAX_BODY, MAX_NAME


class ComplianceFilterForm(ProgrammeCohortFilter):
    """The filters of an organisation's compliance view (sent with GET)."""

    field_order = ["standing", "at_risk", "programme", "cohort", "q"]

    standing = forms.ChoiceField(
        required=False,
        label="Status",
        choices=[("", "Any status")] + list(STANDING_WORDS.items()),
        error_messages={"invalid_choice": "Choose a status from the list"},
    )
    at_risk = forms.BooleanField(required=False, label="At risk only")
    q = forms.CharField(
        required=False,
        max_length=100,
        label="Mentor or mentee name",
        error_messages={"max_length": "Enter 100 characters or fewer"},
    )


class ReportForm(TandemForm):
    body = forms.CharField(
        required=False,
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 14}),
        label="Report",
        help_text="Progress since the last report, strengths, what to work on next. "
        "The recipients read exactly this text.",
        error_messages={"max_length": f"The report must be {MAX_BODY:,} characters or fewer"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class DueDateField(DateInputField):
    def compress(self, data_list: Any) -> date | None:
        try:
            return super().compress(data_list)
        except ValidationError:
            raise ValidationError(
                "Due date must be a real date, for example 31 1 2027", code="invalid"
            ) from None


class AddReportForm(TandemForm):
    name = forms.CharField(
        max_length=MAX_NAME,
        label="Name of the report",
        help_text="For example: Cause for concern, or Progress review",
        error_messages={
            "required": "Enter the report's name",
            "max_length": f"The name must be {MAX_NAME} characters or fewer",
        },
    )
    due_on = DueDateField(
        label="Due date",
        help_text="For example, 31 1 2027",
    )
