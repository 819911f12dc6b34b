"""Forms for mentoring requests: asking, changing, choosing, naming a mentor, deciding."""

from __future__ import annotations

from typing import Any

from django import forms

from tandem.core.forms import TandemForm
from tandem.matching.requests import NEEDS_MAX, needs_problem
from tandem.mentors.models import Mode


class SubjectField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.sector.name})"


class ProgrammeField(forms.ModelChoiceField):
    def __init__(self, *args: Any, with_organisation: bool = False, **kwargs: Any) -> None:
        self.with_organisation = with_organisation
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        if self.with_organisation:
            owner = obj.organisation or obj.partnership
            return f"{obj.name} ({owner})"
        return obj.name


class CohortField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.programme.name}: {obj.name} (from {obj.starts_on.day} {obj.starts_on:%B %Y})"


class RequestFields(TandemForm):
    """What a mentee needs from a mentor (C3)."""

    subject = SubjectField(
        queryset=None,
        label="Subject you teach or want help with",
        empty_label="Choose a subject",
        error_messages={
            "required": "Choose the subject you teach or want help with",
            "invalid_choice": "Choose one of the subjects listed",
        },
    )
    development_needs = forms.CharField(
        required=False,
        max_length=NEEDS_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        label="What would you like to develop with a mentor?",
        help_text="In your own words: for example planning practical sessions, managing "
        "behaviour, or preparing for observations.",
    )
    modes = forms.MultipleChoiceField(
        choices=Mode.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Ways of meeting that suit you",
    )
    availability = forms.CharField(
        max_length=300,
        required=False,
        label="When are you usually free? (optional)",
        help_text="For example Tuesday and Thursday afternoons",
    )
    preferences = forms.CharField(
        required=False,
        max_length=NEEDS_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Anything else about the mentor you would like (optional)",
        help_text="For example someone who has taught in a prison, or a woman mentor",
    )

    def __init__(self, *args: Any, subjects: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = subjects

    def clean_development_needs(self) -> str:
        text = self.cleaned_data.get("development_needs", "").strip()
        problem = needs_problem(text)
        if problem:
            raise forms.ValidationError(problem)
        return text


class NewRequestForm(RequestFields):
    """Asking for a mentor: the programme (and cohort, if known) come first."""

    field_order = [
        "mentee",
        "programme",
        "cohort",
        "subject",
        "development_needs",
        "modes",
        "availability",
        "preferences",
    ]

    programme = ProgrammeField(
        queryset=None,
        label="Programme",
        empty_label="Choose a programme",
        error_messages={
            "required": "Choose the programme you are on",
            "invalid_choice": "Choose one of the programmes listed",
        },
    )
    cohort = CohortField(
        queryset=None,
        required=False,
        label="Cohort (optional)",
        empty_label="Not sure, or none",
        help_text="The group you started the programme with, if you know it.",
        error_messages={"invalid_choice": "Choose one of the cohorts listed"},
    )

    def __init__(
        self,
        *args: Any,
        programmes: Any,
        cohorts: Any,
        mentees: Any = None,
        with_organisation: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["programme"].with_organisation = with_organisation
        self.fields["cohort"].queryset = cohorts
        if mentees is not None:
            self.fields["mentee"] = MenteeField(
                queryset=mentees,
                label="Mentee",
                empty_label="Choose a mentee",
                error_messages={
                    "required": "Choose the mentee who needs a mentor",
                    "invalid_choice": "Choose one of the mentees listed",
                },
            )
            self.order_fields(self.field_order)
            self.fields["programme"].error_messages["required"] = "Choose the programme"


class MenteeField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} ({obj.email})"


class EditRequestForm(RequestFields):
    field_order = [
        "cohort",
        "subject",
        "development_needs",
        "modes",
        "availability",
        "preferences",
        "version",
    ]

    cohort = CohortField(
        queryset=None,
        required=False,
        label="Cohort (optional)",
        empty_label="Not sure, or none",
        error_messages={"invalid_choice": "Choose one of the cohorts listed"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, cohorts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = cohorts


class OwnMentorForm(TandemForm):
    email = forms.EmailField(
        label="Your mentor's email address",
        help_text="The work email address they use. Your course leader is asked to approve them.",
        error_messages={
            "required": "Enter your mentor's email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ChoiceForm(TandemForm):
    """One "Choose" button on the shortlist (rendered by hand: no ids repeated)."""

    mentor = forms.UUIDField()
    version = forms.IntegerField()


class VersionForm(TandemForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class DecisionForm(TandemForm):
    decision = forms.ChoiceField(
        choices=[
            ("approve", "Approve: the mentor is asked to mentor them"),
            ("reject", "Do not approve: the mentee chooses again"),
        ],
        widget=forms.RadioSelect,
        label="Your decision",
        error_messages={"required": "Choose whether you approve this mentor"},
    )
    note = forms.CharField(
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Note for the mentee",
        help_text="Needed if you do not approve: say why, so they know what to do next.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
