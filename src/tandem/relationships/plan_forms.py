"""Forms for the development plan and observations: the services check; the forms collect."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.utils import timezone

from tandem.core.forms import TandemForm
from tandem.relationships import observations, plans
from tandem.relationships.models import ObjectiveStatus, ObservationPurpose

PURPOSE_HINTS = {
    ObservationPurpose.DEVELOPMENTAL: "To help the person observed improve; no judgement recorded",
    ObservationPurpose.FORMATIVE: "Feedback on progress during the programme",
    ObservationPurpose.SUMMATIVE: "Counts towards assessment, where the programme allows it",
    ObservationPurpose.QUALITY_ASSURANCE: "Checks the quality of mentoring or teaching",
}


class DateWidget(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeWidget(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", **kwargs)


def date_field(label: str, *, required: bool = True, required_message: str = "", **kw: Any) -> Any:
    name = label.lower().removesuffix(" (optional)")
    return forms.DateField(
        label=label,
        required=required,
        widget=DateWidget(attrs={"class": "govuk-input govuk-input--width-10"}),
        input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"],
        error_messages={
            "required": required_message or f"Enter the {name}",
            "invalid": f"Enter the {name} as a real date, for example 27/03/2026",
        },
        **kw,
    )


class StandardsField(forms.ModelMultipleChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            queryset=None,
            to_field_name="uuid",
            required=False,
            widget=forms.CheckboxSelectMultiple,
            label="Linked standards (optional)",
            error_messages={
                "invalid_choice": "Choose standards from the list",
                "invalid_pk_value": "Choose standards from the list",
            },
            **kwargs,
        )

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} {obj.text}"


class ObjectiveForm(TandemForm):
    what = forms.CharField(
        label="What will change",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Specific: for example, ‘Use questioning to check learning in every session’",
        error_messages={
            "required": plans.WHAT_REQUIRED,
            "max_length": "What will change must be 500 characters or fewer",
        },
    )
    measure = forms.CharField(
        label="How it will be measured",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What you will see or count, for example ‘Seen in two observed sessions’",
        error_messages={
            "required": plans.MEASURE_REQUIRED,
            "max_length": "How it will be measured must be 500 characters or fewer",
        },
    )
    due_on = date_field("By when", required_message=plans.DUE_REQUIRED)
    review_on = date_field(
        "Next review (optional)",
        required=False,
        help_text="When you will look at progress together; on or before the date above",
    )
    standards = StandardsField()

    def __init__(self, *args: Any, standards: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if standards is None or not standards.exists():
            del self.fields["standards"]
        else:
            self.fields["standards"].queryset = standards


class ObjectiveEditForm(ObjectiveForm):
    status = forms.ChoiceField(
        label="Status",
        choices=ObjectiveStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the status", "invalid_choice": "Choose a status"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    field_order = ["what", "measure", "due_on", "review_on", "status", "standards", "version"]


class StatusForm(TandemForm):
    status = forms.ChoiceField(
        label="Status",
        choices=ObjectiveStatus.choices,
        error_messages={"required": "Choose the status", "invalid_choice": "Choose a status"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class EvidenceForm(TandemForm):
    description = forms.CharField(
        label="What the evidence shows",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Enter what the evidence shows",
            "max_length": "The evidence must be 5,000 characters or fewer",
        },
    )
    link = forms.CharField(
        label="Link (optional)",
        required=False,
        max_length=200,
        help_text="Where to find it, for example a shared document: https://…",
        error_messages={"max_length": "The link must be 200 characters or fewer"},
    )

    def clean_link(self) -> str:
        link = self.cleaned_data["link"].strip()
        problem = plans.link_problem(link)
        if problem:
            raise forms.ValidationError(problem)
        return link


# --- observations ---------------------------------------------------------------------


class ObservationForm(TandemForm):
    direction = forms.ChoiceField(
        label="Who observes whom",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who observes whom"},
    )
    purpose = forms.ChoiceField(
        label="Purpose",
        widget=forms.RadioSelect,
        choices=[(p.value, p.label) for p in ObservationPurpose],
        help_text="Declared now, before the observation. It cannot change once the observation "
        "has been recorded.",
        error_messages={"required": "Choose the purpose of the observation"},
    )
    day = date_field("Date", required_message="Enter the date of the observation")
    at = forms.TimeField(
        label="Start time",
        widget=TimeWidget(attrs={"class": "govuk-input govuk-input--width-5"}),
        input_formats=["%H:%M", "%H.%M", "%H:%M:%S"],
        error_messages={
            "required": "Enter the start time",
            "invalid": "Enter the start time like 14:30",
        },
    )
    duration_minutes = forms.IntegerField(
        label="Length in minutes",
        initial=60,
        min_value=1,
        max_value=600,
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-4"}),
        error_messages={
            "required": "Enter the length in minutes",
            "invalid": "Enter the length as a number of minutes, like 60",
            "min_value": "The length must be between 1 and 600 minutes",
            "max_value": "The length must be between 1 and 600 minutes",
        },
    )
    session = forms.CharField(
        label="Session observed (optional)",
        required=False,
        max_length=300,
        help_text="Group, subject and topic",
        error_messages={"max_length": "The session must be 300 characters or fewer"},
    )
    joint_observer = forms.ModelChoiceField(
        queryset=None,
        required=False,
        to_field_name="uuid",
        label="Joint observer (optional)",
        empty_label="No joint observer",
        help_text="A tutor who observes at the same time and records their own judgement",
        error_messages={"invalid_choice": "Choose a tutor from the list"},
    )

    def __init__(self, *args: Any, mentorship: Any, tutors: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["direction"].choices = [
            (observations.MENTOR_OBSERVES, f"{mentorship.mentor} observes {mentorship.mentee}"),
            (observations.MENTEE_OBSERVES, f"{mentorship.mentee} observes {mentorship.mentor}"),
        ]
        self.fields["joint_observer"].queryset = tutors
        self.fields["joint_observer"].label_from_instance = lambda p: p.full_name
        if not self.is_bound:
            self.initial.setdefault("direction", observations.MENTOR_OBSERVES)
            self.initial.setdefault("day", timezone.localdate() + timedelta(days=7))
            self.initial.setdefault("at", time(10, 0))

    def scheduled_for(self) -> datetime | None:
        day, at = self.cleaned_data.get("day"), self.cleaned_data.get("at")
        if day is None or at is None:
            return None
        return timezone.make_aware(datetime.combine(day, at), timezone.get_current_timezone())


class PurposeForm(TandemForm):
    purpose = forms.ChoiceField(
        label="Purpose",
        widget=forms.RadioSelect,
        choices=[(p.value, p.label) for p in ObservationPurpose],
        error_messages={"required": "Choose the purpose of the observation"},
    )


GRADE_CHOICES = [
    ("", "No grade"),
    ("1", "1 Outstanding"),
    ("2", "2 Good"),
    ("3", "3 Requires improvement"),
    ("4", "4 Inadequate"),
]


class JudgementForm(TandemForm):
    strengths = forms.CharField(
        label="Strengths",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the strengths you saw"},
    )
    areas_to_develop = forms.CharField(
        label="Areas to develop",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the areas to develop"},
    )
    targets = forms.CharField(
        label="Targets (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One target per line. Each can then be moved into the development plan.",
    )
    grade = forms.ChoiceField(
        label="Grade (optional)",
        required=False,
        choices=GRADE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose a grade from 1 to 4, or no grade"},
    )

    def __init__(self, *args: Any, grading: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not grading:
            del self.fields["grade"]


class MoveTargetForm(TandemForm):
    measure = forms.CharField(
        label="How it will be measured",
        max_length=500,
        error_messages={
            "required": plans.MEASURE_REQUIRED,
            "max_length": "How it will be measured must be 500 characters or fewer",
        },
    )
    due_on = date_field("By when", required_message=plans.DUE_REQUIRED)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("measure", observations.DEFAULT_MEASURE)
            self.initial.setdefault("due_on", observations.default_due_on())


class ResponseForm(TandemForm):
    response = forms.CharField(
        label="Your response",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What you think of the judgements and what you will do next",
        error_messages={
            "required": "Enter your response",
            "max_length": "Your response must be 5,000 characters or fewer",
        },
    )
