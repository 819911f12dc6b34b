"""Forms of the partnership directory, brokerage requests and directory settings."""

from __future__ import annotations

from typing import Any

from django import forms

from tandem.core.forms import TandemForm
from tandem.mentors.directory import DirectoryFilters
from tandem.mentors.models import Mode, Sector, Subject, TrainingStatus

PRACTITIONER_CHOICES = [
    ("", "Any"),
    ("advanced_practitioner", "Advanced practitioners"),
    ("subject_learning_coach", "Subject learning coaches"),
]


class SubjectChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.sector.name})"


class DirectoryFilterForm(TandemForm):
    """Search and filters; read from the query string, so results can be bookmarked."""

    q = forms.CharField(
        required=False,
        max_length=100,
        label="Search by name, subject or sector",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    subject = SubjectChoice(
        queryset=Subject.objects.none(),
        required=False,
        empty_label="Any subject",
        to_field_name="uuid",
    )
    sector = forms.ModelChoiceField(
        queryset=Sector.objects.all(),
        required=False,
        empty_label="Any sector",
        to_field_name="uuid",
    )
    organisation = forms.ChoiceField(required=False, choices=[("", "Any organisation")])
    mode = forms.ChoiceField(
        required=False, label="Way of meeting", choices=[("", "Any way")] + list(Mode.choices)
    )
    region = forms.ChoiceField(required=False, choices=[("", "Any region")])
    practitioner = forms.ChoiceField(
        required=False,
        label="Advanced practitioner or subject learning coach",
        choices=PRACTITIONER_CHOICES,
    )
    training_status = forms.ChoiceField(
        required=False,
        label="Mentor training",
        choices=[("", "Any")] + list(TrainingStatus.choices),
    )
    free_capacity = forms.BooleanField(required=False, label="Only mentors with a free place")

    def __init__(
        self, *args: Any, organisations: list[Any], regions: list[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = Subject.objects.filter(is_active=True).select_related(
            "sector"
        )
        self._organisations = {str(o.uuid): o for o in organisations}
        self.fields["organisation"].choices = [("", "Any organisation")] + [
            (str(o.uuid), o.name) for o in organisations
        ]
        self.fields["region"].choices = [("", "Any region")] + [(r, r) for r in regions]

    def filters(self) -> DirectoryFilters:
        """The valid filters (an invalid one is ignored and shown as an error)."""
        if not self.is_bound:
            return DirectoryFilters()
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return DirectoryFilters(
            q=(data.get("q") or "").strip(),
            subject=data.get("subject"),
            sector=data.get("sector"),
            organisation=self._organisations.get(data.get("organisation") or ""),
            mode=data.get("mode") or "",
            region=data.get("region") or "",
            practitioner=data.get("practitioner") or "",
            training_status=data.get("training_status") or "",
            free_capacity=bool(data.get("free_capacity")),
        )


TO_TALK = "talk"


class BrokerageRequestForm(TandemForm):
    organisation = forms.ChoiceField(
        label="Which of your organisations is asking?", widget=forms.RadioSelect, required=False
    )
    partnership = forms.ChoiceField(
        label="Through the directory of", widget=forms.RadioSelect, required=False
    )
    request = forms.ChoiceField(
        label="What is it for?",
        widget=forms.RadioSelect,
        help_text="For a mentee, the mentor is proposed to them as soon as their coordinator "
        "agrees.",
    )
    message = forms.CharField(
        label="Message to the mentor's coordinator",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Say who you are looking for and why this mentor. Do not include "
        "anything confidential about the mentee.",
    )

    def __init__(
        self,
        *args: Any,
        organisations: list[Any],
        partnerships: list[Any],
        requests: list[Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._organisations = {str(o.uuid): o for o in organisations}
        self._partnerships = {str(p.uuid): p for p in partnerships}
        self._requests = {str(r.uuid): r for r in requests}
        for name, options in (
            ("organisation", organisations),
            ("partnership", partnerships),
        ):
            field = self.fields[name]
            field.choices = [(str(o.uuid), o.name) for o in options]
            if len(options) == 1:
                # Nothing to choose: send the only option along.
                field.widget = forms.HiddenInput()
                field.initial = str(options[0].uuid)
        several_orgs = len(organisations) > 1
        self.fields["request"].choices = [(TO_TALK, "To talk first: no mentee yet")] + [
            (
                str(r.uuid),
                f"For {r.mentee} ({r.subject.name}, {r.programme.name})"
                + (f" at {r.organisation.name}" if several_orgs else ""),
            )
            for r in requests
        ]
        self.fields["request"].initial = TO_TALK

    @staticmethod
    def _one(options: dict[str, Any], value: str, message: str) -> Any:
        if value in options:
            return options[value]
        if len(options) == 1:  # nothing to choose (the field is hidden)
            return next(iter(options.values()))
        raise forms.ValidationError(message)

    def clean_organisation(self) -> Any:
        return self._one(
            self._organisations,
            self.cleaned_data["organisation"],
            "Choose which of your organisations is asking",
        )

    def clean_partnership(self) -> Any:
        return self._one(
            self._partnerships,
            self.cleaned_data["partnership"],
            "Choose the partnership directory you found the mentor in",
        )

    def clean_request(self) -> Any:
        value = self.cleaned_data["request"]
        return None if value == TO_TALK else self._requests.get(value)


class DecisionForm(TandemForm):
    decision = forms.ChoiceField(
        label="Your decision",
        widget=forms.RadioSelect,
        choices=[
            ("accepted", "Accept: share the mentor's contact details with them"),
            ("declined", "Decline"),
        ],
    )
    note = forms.CharField(
        label="Note to the asking organisation (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example when the mentor could start, or why not now.",
    )


class DirectorySettingsForm(TandemForm):
    shared_in = forms.MultipleChoiceField(
        label="Share our mentors in the directory of",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Mentors who also opt in on their profile are listed for the partnership's "
        "other members. Their contact details stay hidden until you accept a brokerage request.",
    )

    def __init__(self, *args: Any, memberships: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._partnerships = {str(m.partnership.uuid): m.partnership for m in memberships}
        self.fields["shared_in"].choices = [
            (str(m.partnership.uuid), m.partnership.name) for m in memberships
        ]

    def clean_shared_in(self) -> set[Any]:
        return {self._partnerships[u] for u in self.cleaned_data["shared_in"]}
