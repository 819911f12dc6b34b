"""Forms for closing a mentorship, asking for it to end, reflecting on it, and transfer."""

from __future__ import annotations

from typing import Any

from django import forms

from tandem.core.forms import TandemForm
from tandem.relationships.ending import CLOSING_REASONS, MAX_NOTE, MAX_TEXT
from tandem.relationships.forms import EndDateField, UuidChoiceField
from tandem.relationships.models import ObjectiveStatus


def _too_long(limit: int) -> dict[str, str]:
    return {"max_length": f"Write {limit:,} characters or fewer"}


class CloseForm(TandemForm):
    reason = forms.ChoiceField(
        choices=CLOSING_REASONS,
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
    next_steps = forms.CharField(
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="What will the mentee do next?",
        help_text="For example further training, a new mentor, or the targets they carry on with",
        error_messages={"required": "Write what the mentee will do next", **_too_long(MAX_TEXT)},
    )
    notes = forms.CharField(
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Notes for the record (optional)",
        help_text="The mentee, the mentor and the programme staff can read these.",
        error_messages=_too_long(MAX_TEXT),
    )
    rematch = forms.BooleanField(
        required=False,
        label="Find a new mentor for the mentee",
        help_text="Opens a new request on the same programme for a coordinator to match. "
        "A mentor whose mentorship with this mentee broke down is never proposed again.",
    )

    def __init__(self, *args: Any, objectives: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.objectives = objectives
        fields = list(self.fields.items())
        self.fields.clear()
        for name, field in fields[:2]:
            self.fields[name] = field
        for index, objective in enumerate(objectives, start=1):
            self.fields[f"outcome_{objective.uuid}"] = forms.ChoiceField(
                choices=ObjectiveStatus.choices,
                initial=objective.status,
                label=f"Objective {index}: {objective.what}",
                help_text=f"Measured by: {objective.measure}. Due {objective.due_on:%d %B %Y}.",
                error_messages={
                    "required": f"Choose what became of objective {index}",
                    "invalid_choice": f"Choose what became of objective {index} from the list",
                },
            )
        for name, field in fields[2:]:
            self.fields[name] = field

    def outcomes(self) -> dict[str, str]:
        return {
            str(o.uuid): self.cleaned_data[f"outcome_{o.uuid}"]
            for o in self.objectives
            if self.cleaned_data.get(f"outcome_{o.uuid}")
        }


class ProposeEndingForm(TandemForm):
    reason = forms.ChoiceField(
        choices=CLOSING_REASONS,
        widget=forms.RadioSelect,
        label="Why should the mentorship end?",
        error_messages={"required": "Choose why the mentorship should end"},
    )
    message = forms.CharField(
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Message to the coordinator (optional)",
        error_messages=_too_long(MAX_NOTE),
    )


class ReflectionForm(TandemForm):
    text = forms.CharField(
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        label="Your reflection",
        help_text="What went well, what you learned, and what you would do differently.",
        error_messages={"required": "Write your reflection", **_too_long(MAX_TEXT)},
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ProgrammeChoiceField(UuidChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        owner = obj.organisation or obj.partnership
        return f"{obj.name} ({owner})"


class TransferForm(TandemForm):
    to_organisation = UuidChoiceField(
        queryset=None,
        label="Organisation the mentee is moving to",
        empty_label="Choose an organisation",
        error_messages={
            "required": "Choose the organisation the mentee is moving to",
            "invalid_choice": "Choose an organisation from the list",
        },
    )
    programme = ProgrammeChoiceField(
        queryset=None,
        label="Programme they join there",
        empty_label="Choose a programme",
        error_messages={
            "required": "Choose the programme the mentee joins",
            "invalid_choice": "Choose a programme from the list",
        },
    )
    note = forms.CharField(
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Note for the receiving coordinator (optional)",
        help_text="Added to the mentee's new request. The old mentorship's records stay with "
        "the organisation they were made in.",
        error_messages=_too_long(MAX_NOTE),
    )

    def __init__(self, *args: Any, organisations: Any, programmes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_organisation"].queryset = organisations
        self.fields["programme"].queryset = programmes
