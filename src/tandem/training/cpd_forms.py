"""Forms for the CPD record: a manual entry with optional evidence, and the year picker."""

from __future__ import annotations

from typing import Any

from django import forms

from tandem.core.forms import TandemForm
from tandem.training.models import CPDActivity
from tandem.training.uploads import ALLOWED, max_bytes


class DateWidget(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class CPDEntryForm(TandemForm):
    """What was done, when, for how long, and evidence if there is any. The service
    checks the rules (hours above 0 and at most 24, no future dates, the file)."""

    organisation = forms.ModelChoiceField(
        queryset=None,
        label="Organisation",
        help_text="Its coordinators can see this entry",
        empty_label=None,
        error_messages={"required": "Choose the organisation to record this with"},
    )
    on = forms.DateField(
        label="Date",
        widget=DateWidget(attrs={"class": "govuk-input govuk-input--width-10"}),
        input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"],
        help_text="For example 27/3/2026",
        error_messages={
            "required": "Enter the date of the activity",
            "invalid": "Enter the date of the activity as a real date",
        },
    )
    activity = forms.ChoiceField(
        label="Kind of activity",
        choices=[("", "Choose a kind of activity"), *CPDActivity.choices],
        error_messages={"required": "Choose the kind of activity"},
    )
    hours = forms.DecimalField(
        label="Hours",
        help_text="For example 1.5 for an hour and a half; at most 24",
        max_digits=7,
        decimal_places=2,
        widget=forms.TextInput(
            attrs={"class": "govuk-input govuk-input--width-5", "inputmode": "decimal"}
        ),
        error_messages={
            "required": "Enter the hours spent, for example 1.5",
            "invalid": "Enter the hours as a number, for example 1.5",
            "max_digits": "Hours must be 24 or fewer: record each day separately",
            "max_whole_digits": "Hours must be 24 or fewer: record each day separately",
            "max_decimal_places": "Give hours to at most 2 decimal places, for example 1.25",
        },
    )
    title = forms.CharField(
        label="What you did",
        max_length=200,
        help_text="For example 'Regional mentoring conference'",
        error_messages={
            "required": "Enter what the activity was",
            "max_length": "What the activity was must be 200 characters or fewer",
        },
    )
    description = forms.CharField(
        label="What you learned (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    evidence = forms.FileField(
        label="Evidence (optional)",
        required=False,
        help_text=f"A certificate, notes or slides: {ALLOWED}, up to {max_bytes() // 1_048_576} MB",
    )
    remove_evidence = forms.BooleanField(label="Remove the evidence attached", required=False)

    def __init__(
        self,
        *args: Any,
        organisations: list[Any],
        editing: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        from tandem.organisations.models import Organisation

        # Already narrowed by the service to the organisations the actor may record with.
        self.fields["organisation"].queryset = Organisation.objects.filter(
            pk__in=[o.pk for o in organisations]
        ).scoped()
        if editing is not None:
            del self.fields["organisation"]
            if editing.evidence:
                self.fields["evidence"].label = "Replace the evidence (optional)"
                self.fields[
                    "remove_evidence"
                ].help_text = f"Currently attached: {editing.evidence_name}"
            else:
                del self.fields["remove_evidence"]
        else:
            del self.fields["remove_evidence"]
            if len(organisations) == 1:
                # Nothing to choose: the entry is recorded with the one organisation.
                del self.fields["organisation"]
        self.only_organisation = organisations[0] if len(organisations) == 1 else None

    def chosen_organisation(self) -> Any:
        """The organisation chosen, or the only one there is."""
        return self.cleaned_data.get("organisation") or self.only_organisation
