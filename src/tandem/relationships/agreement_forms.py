"""Forms for the mentoring agreement: the draft, signing, amending."""

from __future__ import annotations

from datetime import date
from typing import Any

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.layout import Field, Fieldset, Layout, Size
from django import forms
from django.core.exceptions import ValidationError

from tandem.core.forms import TandemForm
from tandem.relationships.agreements import MAX_OBJECTIVES, MAX_TEXT

SPARE_ROWS = 2


class ObjectiveDateField(DateInputField):
    """Day, month and year boxes; a date that does not exist is named with its objective."""

    def __init__(self, number: int, **kwargs: Any) -> None:
        self.number = number
        super().__init__(**kwargs)

    def clean(self, value: Any) -> date | None:
        try:
            return super().clean(value)
        except ValidationError:
            raise ValidationError(
                f"Objective {self.number}: give the date by when as a real date, "
                "for example 30 6 2027",
                code="invalid",
            ) from None

    def compress(self, data_list: Any) -> date | None:
        try:
            return super().compress(data_list)
        except ValidationError:
            raise ValidationError(
                f"Objective {self.number}: give the date by when as a real date, "
                "for example 30 6 2027",
                code="invalid",
            ) from None


class DraftForm(TandemForm):
    """Meeting arrangements, further commitments and the objectives of a draft."""

    edit_version = forms.IntegerField(widget=forms.HiddenInput)
    meeting_frequency = forms.CharField(
        label="How often you meet",
        max_length=MAX_TEXT,
        error_messages={
            "required": "How often you meet: say what you agree",
            "max_length": f"How often you meet: use {MAX_TEXT} characters or fewer",
        },
    )
    meeting_place = forms.CharField(
        label="Where you meet",
        max_length=MAX_TEXT,
        error_messages={
            "required": "Where you meet: say what you agree",
            "max_length": f"Where you meet: use {MAX_TEXT} characters or fewer",
        },
    )
    meeting_mode = forms.CharField(
        label="How you meet",
        help_text="For example face to face, online or by phone",
        max_length=MAX_TEXT,
        error_messages={
            "required": "How you meet: say what you agree",
            "max_length": f"How you meet: use {MAX_TEXT} characters or fewer",
        },
    )
    extra_commitments = forms.CharField(
        label="Further commitments (optional)",
        help_text="Anything else you agree, one commitment a line",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, rows: int = 3, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = max(3, min(rows, MAX_OBJECTIVES))
        objective_sets = []
        for n in range(1, self.rows + 1):
            self.fields[f"objective_{n}_what"] = forms.CharField(
                label="What will change",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"objective_{n}_measure"] = forms.CharField(
                label="How it will be measured",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"objective_{n}_by"] = ObjectiveDateField(
                n,
                label="By when",
                help_text="For example 30 6 2027",
                required=False,
                require_all_fields=False,
            )
            objective_sets.append(
                Fieldset(
                    Field.textarea(f"objective_{n}_what", rows=2),
                    Field.textarea(f"objective_{n}_measure", rows=2),
                    Field(f"objective_{n}_by"),
                    legend=f"Objective {n}",
                    legend_size=Size.SMALL,
                    legend_tag="h3",
                )
            )
        # With a layout, the helper turns the size into a class itself.
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            "edit_version",
            Fieldset(
                Field.text("meeting_frequency"),
                Field.text("meeting_place"),
                Field.text("meeting_mode"),
                legend="Meeting arrangements",
                legend_size=Size.MEDIUM,
                legend_tag="h2",
            ),
            Fieldset(
                *objective_sets,
                legend="Objectives",
                legend_size=Size.MEDIUM,
                legend_tag="h2",
            ),
            Fieldset(
                Field.textarea("extra_commitments", rows=4),
                legend="Anything else you agree",
                legend_size=Size.MEDIUM,
                legend_tag="h2",
            ),
        )

    @classmethod
    def initial_for(cls, version: Any) -> tuple[dict[str, Any], int]:
        """Initial values from a draft, and how many objective rows to show."""
        content = version.content
        meetings = content.get("meetings", {})
        initial: dict[str, Any] = {
            "edit_version": version.edit_version,
            "meeting_frequency": meetings.get("frequency", ""),
            "meeting_place": meetings.get("place", ""),
            "meeting_mode": meetings.get("mode", ""),
            "extra_commitments": "\n".join(content.get("extra_commitments") or []),
        }
        objectives = content.get("objectives") or []
        for n, row in enumerate(objectives, start=1):
            initial[f"objective_{n}_what"] = row.get("what", "")
            initial[f"objective_{n}_measure"] = row.get("measure", "")
            initial[f"objective_{n}_by"] = date.fromisoformat(row["by"]) if row.get("by") else None
        return initial, len(objectives) + SPARE_ROWS

    def objectives(self) -> list[dict[str, Any]]:
        """The rows filled in; blank rows after the last filled one are left out."""
        data = self.cleaned_data
        rows = [
            {
                "what": data.get(f"objective_{n}_what", ""),
                "measure": data.get(f"objective_{n}_measure", ""),
                "by": data.get(f"objective_{n}_by"),
            }
            for n in range(1, self.rows + 1)
        ]
        while rows and not any(rows[-1].values()):
            rows.pop()
        return rows

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "expected_version": data["edit_version"],
            "meetings": {
                "frequency": data["meeting_frequency"],
                "place": data["meeting_place"],
                "mode": data["meeting_mode"],
            },
            "extra_commitments": data["extra_commitments"].splitlines(),
            "objectives": self.objectives(),
        }

    def apply_service_errors(self, error: ValidationError) -> None:
        """Put the service's errors (``objectives.1.measure``) on this form's fields."""
        for key, problems in error.error_dict.items():
            target: str | None = None
            parts = key.split(".")
            if parts[0] == "objectives" and len(parts) == 3:
                target = f"objective_{int(parts[1]) + 1}_{parts[2]}"
            elif parts[0] == "meetings" and len(parts) == 2:
                target = f"meeting_{parts[1]}"
            elif key == "extra_commitments":
                target = key
            if target not in self.fields:
                target = None
            for problem in problems:
                for message in problem.messages:
                    self.add_error(target, message)


class SignForm(TandemForm):
    text_hash = forms.CharField(widget=forms.HiddenInput, max_length=64)
    typed_name = forms.CharField(
        label="Type your full name to sign",
        max_length=200,
        error_messages={
            "required": "Type your full name to sign",
            "max_length": "Your name must be 200 characters or fewer",
        },
    )

    def __init__(self, *args: Any, name: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if name:
            self.fields["typed_name"].help_text = f"Type it as it appears here: {name}"
        self.fields["typed_name"].widget.attrs["autocomplete"] = "name"


class AmendForm(TandemForm):
    change_summary = forms.CharField(
        label="What needs to change? (optional)",
        help_text="Everyone signs the new version; the signed one stays in force until then.",
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": f"What needs to change: use {MAX_TEXT} characters or fewer"},
    )


def rows_in(data: Any) -> int:
    """How many objective rows a submitted draft form had."""
    numbers = [0]
    for key in data:
        parts = key.split("_")
        if len(parts) >= 3 and parts[0] == "objective" and parts[1].isdigit():
            numbers.append(int(parts[1]))
    return min(max(numbers), MAX_OBJECTIVES)
