from __future__ import annotations

from typing import Any

from django import forms

from tandem.core.forms import TandemForm
from tandem.mentors.models import Mode, ProfileStatus, TrainingStatus
from tandem.organisations.models import Site


class SubjectChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.sector.name})"


class MentorProfileForm(TandemForm):
    specialisms = SubjectChoiceField(
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 12}),
        label="Subjects and specialisms you can mentor in",
        help_text="Hold Ctrl (or Cmd on a Mac) to choose several.",
    )
    teaching_qualification = forms.CharField(max_length=200, required=False)
    mentoring_qualification = forms.CharField(max_length=200, required=False)
    training_status = forms.ChoiceField(
        choices=TrainingStatus.choices, label="Mentor training", widget=forms.RadioSelect
    )
    years_teaching = forms.IntegerField(
        min_value=0, max_value=60, label="Years teaching or training"
    )
    years_mentoring = forms.IntegerField(min_value=0, max_value=60, label="Years mentoring")
    advanced_practitioner = forms.BooleanField(
        required=False, label="I am an advanced practitioner"
    )
    subject_learning_coach = forms.BooleanField(
        required=False, label="I am a subject learning coach"
    )
    capacity = forms.IntegerField(
        min_value=0, max_value=20, label="How many mentees can you support at once?"
    )
    availability = forms.CharField(
        max_length=300, required=False, help_text="For example Tuesday and Thursday afternoons"
    )
    site = forms.ModelChoiceField(queryset=Site.objects.none(), required=False, empty_label="Any")
    region = forms.CharField(max_length=100, required=False)
    modes = forms.MultipleChoiceField(
        choices=Mode.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Ways you can meet",
    )
    generic_pool = forms.BooleanField(
        required=False,
        label="I am happy to mentor people outside my specialisms",
        help_text="You join the generic pool, offered when no subject specialist is free.",
    )
    willing_outside = forms.BooleanField(
        required=False,
        label="I am willing to mentor someone from another organisation in our partnership",
    )
    listed_in_directory = forms.BooleanField(
        required=False,
        label="List me in the partnership directory",
        help_text="Other organisations in the partnership see your profile, not your contact "
        "details, and can ask your coordinator to broker mentoring. You are listed only if "
        "you are also willing to mentor outside your organisation and your organisation "
        "shares its mentors in the directory.",
    )
    consents_to_matching = forms.BooleanField(
        required=False,
        label="Offer me for matching",
        help_text="Untick to stop new mentees being proposed to you; current mentees stay.",
    )

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, subjects: Any, sites: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["specialisms"].queryset = subjects
        self.fields["site"].queryset = sites


class ReviewForm(TandemForm):
    decision = forms.ChoiceField(
        choices=[
            (ProfileStatus.APPROVED, "Approve this mentor"),
            (ProfileStatus.CHANGES_REQUESTED, "Ask the mentor to change something"),
        ],
        widget=forms.RadioSelect,
        label="Your decision",
    )
    note = forms.CharField(
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="What should they change?",
        help_text="Only needed when you ask for changes; the mentor sees this.",
    )
