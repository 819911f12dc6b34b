"""Forms for allocating a mentor and for the mentorship's life (answer, withdraw, end)."""

from __future__ import annotations

from datetime import date
from typing import Any

from crispy_forms_gds.fields import DateInputField
from django import forms
from django.core.exceptions import ValidationError

from tandem.core.forms import TandemForm
from tandem.relationships.models import EndReason
from tandem.relationships.selectors import STATUS_ORDER


class UuidChoiceField(forms.ModelChoiceField):
    """A record chosen by its public UUID; anything else is "not in the list"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, to_field_name="uuid", **kwargs)

    def to_python(self, value: Any) -> Any:
        try:
            return super().to_python(value)
        except ValidationError as exc:
            if exc.code == "invalid_choice":
                raise
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None


class PersonChoiceField(UuidChoiceField):
    """People by UUID, labelled with where they work when that is known."""

    def __init__(self, *args: Any, where: dict[int, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.where = where or {}

    def label_from_instance(self, obj: Any) -> str:
        place = self.where.get(obj.pk)
        return f"{obj.full_name} ({place})" if place else obj.full_name


class AllocateForm(TandemForm):
    mentee = PersonChoiceField(
        queryset=None,
        label="Mentee",
        empty_label="Choose a mentee",
        error_messages={
            "required": "Choose the mentee",
            "invalid_choice": "Choose a mentee from the list",
        },
    )
    mentor = PersonChoiceField(
        queryset=None,
        label="Mentor",
        empty_label="Choose a mentor",
        help_text="Mentors here and, where they have offered, mentors in partner organisations "
        "that share their mentors. A mentor elsewhere is asked through their coordinator first.",
        error_messages={
            "required": "Choose the mentor",
            "invalid_choice": "Choose a mentor from the list",
        },
    )
    programme = UuidChoiceField(
        queryset=None,
        label="Programme",
        empty_label="Choose a programme",
        error_messages={
            "required": "Choose the programme",
            "invalid_choice": "Choose a programme from the list",
        },
    )
    cohort = UuidChoiceField(
        queryset=None,
        required=False,
        label="Cohort (optional)",
        empty_label="No cohort",
        error_messages={"invalid_choice": "Choose a cohort from the list"},
    )

    def __init__(
        self,
        *args: Any,
        mentees: Any,
        mentors: Any,
        where: dict[int, str],
        programmes: Any,
        cohorts: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mentee"].queryset = mentees
        self.fields["mentor"].queryset = mentors
        self.fields["mentor"].where = where
        self.fields["programme"].queryset = programmes
        self.fields["cohort"].queryset = cohorts


class DeclineForm(TandemForm):
    reason = forms.CharField(
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why are you declining? (optional)",
        help_text="Your coordinator sees this; the mentee does not.",
        error_messages={"max_length": "The reason must be 500 characters or fewer"},
    )


class EndDateField(DateInputField):
    """Day, month and year boxes; a date that does not exist is named as such."""

    def compress(self, data_list: Any) -> date | None:
        try:
            return super().compress(data_list)
        except ValidationError:
            raise ValidationError(
                "End date must be a real date, for example 27 3 2026", code="invalid"
            ) from None


class EndForm(TandemForm):
    reason = forms.ChoiceField(
        choices=EndReason.choices,
        widget=forms.RadioSelect,
        label="Why is the mentorship ending?",
        error_messages={"required": "Choose why the mentorship is ending"},
    )
    ends_on = EndDateField(
        label="End date (optional)",
        required=False,
        require_all_fields=False,
        help_text="Leave blank for today. For example, 27 3 2026",
    )


class ProgrammeCohortFilter(TandemForm):
    """Filter fields by programme and cohort, shared by the organisation's list pages."""

    programme = UuidChoiceField(
        queryset=None,
        required=False,
        label="Programme",
        empty_label="Any programme",
        error_messages={"invalid_choice": "Choose a programme from the list"},
    )
    cohort = UuidChoiceField(
        queryset=None,
        required=False,
        label="Cohort",
        empty_label="Any cohort",
        error_messages={"invalid_choice": "Choose a cohort from the list"},
    )

    def __init__(self, *args: Any, programmes: Any, cohorts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["cohort"].queryset = cohorts


class FilterForm(ProgrammeCohortFilter):
    """The filters of an organisation's mentorship list (sent with GET)."""

    field_order = ["q", "status", "programme", "cohort"]

    q = forms.CharField(required=False, max_length=100, label="Mentor or mentee name")
    status = forms.ChoiceField(
        required=False,
        label="Status",
        choices=[("", "Any status")] + [(s.value, s.label) for s in STATUS_ORDER],
        error_messages={"invalid_choice": "Choose a status from the list"},
    )
