"""Forms for programmes, their rules, cohorts and calendars.

The contact table and the report schedule are edited as rows of fields
(Django formsets), never as raw JSON; the service checks the rules again.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from crispy_forms_gds.fields import DateInputField
from django import forms
from django.core.exceptions import ValidationError

from tandem.core.forms import TandemForm
from tandem.programmes import rules
from tandem.programmes.models import (
    CohortStatus,
    ObservationPolicy,
    Programme,
    ProgrammeRules,
    Purpose,
    RelationshipType,
)


class DayField(DateInputField):
    """Day, month and year boxes; a date that does not exist is named as such."""

    def __init__(self, *, example: str = "27 10 2026", **kwargs: Any) -> None:
        self.example = example
        kwargs.setdefault("help_text", f"For example, {example}")
        super().__init__(**kwargs)

    def compress(self, data_list: Any) -> date | None:
        try:
            return super().compress(data_list)
        except ValidationError:
            raise ValidationError(
                f"Enter a real date, for example {self.example}", code="invalid"
            ) from None


class TemplateChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name


class NewProgrammeForm(TandemForm):
    template = TemplateChoiceField(
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        label="Which kind of programme is it?",
        help_text="The programme starts with the template's rules; you can change them after.",
        error_messages={"required": "Choose the template to start from"},
    )
    name = forms.CharField(
        max_length=200,
        required=False,
        label="Name of the programme (optional)",
        help_text="Leave blank to use the template's name.",
    )

    def __init__(self, *args: Any, templates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates


class ProgrammeForm(TandemForm):
    name = forms.CharField(max_length=200, error_messages={"required": "Enter a name"})
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text="Who the programme is for and what it offers; shown to everyone in it.",
    )
    purpose = forms.ChoiceField(choices=Purpose.choices)
    relationship_type = forms.ChoiceField(
        choices=RelationshipType.choices, label="Kind of relationship"
    )
    required_documents = forms.MultipleChoiceField(
        choices=list(rules.DOCUMENTS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Documents every relationship must have",
    )
    mentor_hours_per_mentee = forms.IntegerField(
        label="Minimum mentor hours per mentee per year",
        min_value=0,
        max_value=500,
        help_text="The time the organisation gives a mentor for each mentee, for example 20.",
        error_messages={
            "required": "Enter the minimum mentor hours, or 0 for none",
            "invalid": "Mentor hours must be a whole number from 0 to 500",
            "min_value": "Mentor hours must be a whole number from 0 to 500",
            "max_value": "Mentor hours must be a whole number from 0 to 500",
        },
    )
    remission_hours_per_mentee = forms.IntegerField(
        label="Teaching hours released per mentee per year (remission)",
        min_value=0,
        max_value=500,
        help_text="0 if mentors are not released from teaching.",
        error_messages={
            "required": "Enter the remission hours, or 0 for none",
            "invalid": "Remission hours must be a whole number from 0 to 500",
            "min_value": "Remission hours must be a whole number from 0 to 500",
            "max_value": "Remission hours must be a whole number from 0 to 500",
        },
    )
    payment_per_placement = forms.DecimalField(
        label="Payment to the mentor per placement, in pounds",
        min_value=0,
        max_value=100_000,
        decimal_places=2,
        help_text="For example 500. Enter 0 if mentors are not paid.",
        error_messages={
            "required": "Enter the payment per placement, or 0 for none",
            "invalid": "Payment must be an amount in pounds, for example 500 or 250.50",
            "min_value": "Payment must be from £0 to £100,000",
            "max_value": "Payment must be from £0 to £100,000",
            "max_decimal_places": "Payment can have at most 2 digits after the point (pence)",
        },
    )
    supervision_hours_per_mentor = forms.IntegerField(
        label="Supervision hours for each mentor per year",
        min_value=0,
        max_value=500,
        error_messages={
            "required": "Enter the supervision hours, or 0 for none",
            "invalid": "Supervision hours must be a whole number from 0 to 500",
            "min_value": "Supervision hours must be a whole number from 0 to 500",
            "max_value": "Supervision hours must be a whole number from 0 to 500",
        },
    )
    observation_policy = forms.ChoiceField(
        choices=ObservationPolicy.choices,
        widget=forms.RadioSelect,
        label="Mentor observations",
    )
    line_manager_reports = forms.BooleanField(
        required=False,
        label="Send activity reports to line managers",
        help_text="Fortnightly in the first month, then monthly. They show how often the pair "
        "met and for how long, never what was said.",
    )
    requires_trained_mentor = forms.BooleanField(
        required=False, label="Mentors must have completed mentor training"
    )
    offer_response_days = forms.IntegerField(
        label="Days a mentor has to accept or decline an offer",
        min_value=1,
        max_value=60,
        error_messages={
            "required": "Enter how many days a mentor has to answer",
            "invalid": "Days to answer must be a whole number from 1 to 60",
            "min_value": "Days to answer must be a whole number from 1 to 60",
            "max_value": "Days to answer must be a whole number from 1 to 60",
        },
    )
    weight_subject = forms.FloatField(label="Subject fit")
    weight_mode = forms.FloatField(label="Ways of meeting")
    weight_availability = forms.FloatField(label="Availability")
    weight_place = forms.FloatField(label="Same site or region")
    weight_experience = forms.FloatField(label="Mentor experience")
    weight_preferred = forms.FloatField(label="Mentor the mentee asked for")
    version = forms.IntegerField(widget=forms.HiddenInput)

    RULE_FIELDS = (
        "purpose",
        "relationship_type",
        "required_documents",
        "mentor_hours_per_mentee",
        "remission_hours_per_mentee",
        "supervision_hours_per_mentor",
        "observation_policy",
        "line_manager_reports",
        "requires_trained_mentor",
        "offer_response_days",
    )
    WEIGHT_FIELDS = ProgrammeRules.WEIGHT_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.WEIGHT_FIELDS:
            field = self.fields[name]
            field.widget.attrs.update({"class": "govuk-input govuk-input--width-4", "step": "any"})
            field.error_messages["required"] = f"Enter a weight for {field.label.lower()}"
            field.error_messages["invalid"] = (
                f"{field.label} must be a number, for example 1 or 2.5"
            )
        for name in (
            "mentor_hours_per_mentee",
            "remission_hours_per_mentee",
            "supervision_hours_per_mentor",
            "offer_response_days",
        ):
            self.fields[name].widget.attrs["class"] = "govuk-input govuk-input--width-3"
        self.fields["payment_per_placement"].widget.attrs["class"] = (
            "govuk-input govuk-input--width-5"
        )

    @staticmethod
    def initial_for(programme: Programme) -> dict[str, Any]:
        names = ("name", "description", "version", *ProgrammeForm.RULE_FIELDS)
        names += ProgrammeRules.WEIGHT_FIELDS
        initial = {name: getattr(programme, name) for name in names}
        initial["payment_per_placement"] = Decimal(programme.payment_per_placement_pence) / 100
        return initial

    def service_data(self) -> dict[str, Any]:
        """The cleaned data as the service takes it (money in pence)."""
        data = dict(self.cleaned_data)
        data.pop("version", None)
        pounds = data.pop("payment_per_placement")
        data["payment_per_placement_pence"] = int((pounds * 100).to_integral_value())
        data["required_documents"] = list(data["required_documents"])
        return data

    def fields_named(self, names: Any) -> list[Any]:
        return [self[name] for name in names]


# --- the contact table -----------------------------------------------------------------------


def parse_positions(text: str) -> list[int]:
    """'1, 2 4' → [1, 2, 4]; ranges such as '3-6' are accepted too."""
    out: list[int] = []
    for part in text.replace(",", " ").split():
        low, dash, high = part.partition("-")
        if dash:
            if not (low.isdigit() and high.isdigit()) or int(low) > int(high):
                raise ValueError(part)
            out.extend(range(int(low), int(high) + 1))
        elif part.isdigit():
            out.append(int(part))
        else:
            raise ValueError(part)
    return out


def show_positions(positions: list[int]) -> str:
    return ", ".join(str(p) for p in positions)


class ContactRuleForm(TandemForm):
    period = forms.ChoiceField(choices=rules.PERIOD_CHOICES, initial="half_term")
    periods = forms.CharField(required=False, max_length=60, label="Which ones")
    kind = forms.ChoiceField(choices=rules.KIND_CHOICES, initial="discussion", label="Contact")
    minimum = forms.IntegerField(
        min_value=0,
        max_value=rules.MAX_MINIMUM,
        label="At least",
        error_messages={
            "required": "Enter the minimum number",
            "invalid": "Minimum must be a whole number",
            "min_value": f"Minimum must be a whole number from 0 to {rules.MAX_MINIMUM}",
            "max_value": f"Minimum must be a whole number from 0 to {rules.MAX_MINIMUM}",
        },
    )
    label = forms.CharField(required=False, max_length=rules.MAX_LABEL, label="Note")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].widget.attrs["class"] = "govuk-select"
        self.fields["kind"].widget.attrs["class"] = "govuk-select"
        self.fields["periods"].widget.attrs["class"] = "govuk-input govuk-input--width-5"
        self.fields["minimum"].widget.attrs["class"] = "govuk-input govuk-input--width-2"
        self.fields["label"].widget.attrs["class"] = "govuk-input govuk-input--width-20"

    def clean_periods(self) -> list[int]:
        try:
            return parse_positions(self.cleaned_data.get("periods") or "")
        except ValueError:
            raise ValidationError(
                "Enter the numbers of the periods, separated by commas, for example 1, 2"
            ) from None

    def as_rule(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "period": data["period"],
            "kind": data["kind"],
            "minimum": data["minimum"],
            "periods": data["periods"],
            "label": data.get("label", ""),
        }

    @staticmethod
    def initial_from(rule: dict[str, Any]) -> dict[str, Any]:
        return {
            "period": rule.get("period"),
            "periods": show_positions(rule.get("periods") or []),
            "kind": rule.get("kind"),
            "minimum": rule.get("minimum"),
            "label": rule.get("label", ""),
        }


ContactRuleFormSet = forms.formset_factory(
    ContactRuleForm, extra=3, can_delete=True, max_num=rules.MAX_ROWS, validate_max=True
)


# --- the report schedule ---------------------------------------------------------------------

MONTH_CHOICES = [("", "Month")] + [(str(i + 1), name) for i, name in enumerate(rules.MONTHS)]


class ReportForm(TandemForm):
    name = forms.CharField(max_length=rules.MAX_REPORT_NAME, label="Report")
    due_day = forms.IntegerField(
        min_value=1,
        max_value=31,
        label="Due day",
        error_messages={
            "required": "Enter the day the report is due",
            "invalid": "Due day must be a whole number from 1 to 31",
            "min_value": "Due day must be a whole number from 1 to 31",
            "max_value": "Due day must be a whole number from 1 to 31",
        },
    )
    due_month = forms.ChoiceField(
        choices=MONTH_CHOICES,
        label="Due month",
        error_messages={"required": "Choose the month the report is due"},
    )
    recipients = forms.MultipleChoiceField(
        choices=rules.RECIPIENT_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        label="Sent to",
        error_messages={"required": "Choose who receives the report"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["class"] = "govuk-input"
        self.fields["due_day"].widget.attrs["class"] = "govuk-input govuk-input--width-2"
        self.fields["due_month"].widget.attrs["class"] = "govuk-select"
        self.fields["recipients"].widget.attrs["class"] = "govuk-checkboxes__input"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        day, month = data.get("due_day"), data.get("due_month")
        if day and month and rules.parse_due(f"{int(month):02d}-{day:02d}") is None:
            self.add_error("due_day", f"{rules.MONTHS[int(month) - 1]} has no day {day}")
        return data

    def as_report(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "due": f"{int(data['due_month']):02d}-{data['due_day']:02d}",
            "recipients": list(data["recipients"]),
        }

    @staticmethod
    def initial_from(report: dict[str, Any]) -> dict[str, Any]:
        parsed = rules.parse_due(report.get("due", ""))
        month, day = parsed if parsed else (None, None)
        return {
            "name": report.get("name", ""),
            "due_day": day,
            "due_month": str(month) if month else "",
            "recipients": report.get("recipients", []),
        }


ReportFormSet = forms.formset_factory(
    ReportForm, extra=2, can_delete=True, max_num=rules.MAX_REPORTS, validate_max=True
)


# --- cohorts and calendars -------------------------------------------------------------------


class CalendarChoiceField(forms.ModelChoiceField):
    def __init__(self, *args: Any, with_organisation: bool = False, **kwargs: Any) -> None:
        self.with_organisation = with_organisation
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        when = f"{obj.starts_on:%-d %b %Y} to {obj.ends_on:%-d %b %Y}"
        if self.with_organisation:
            return f"{obj.organisation.name}: {obj.name} ({when})"
        return f"{obj.name} ({when})"


class CohortForm(TandemForm):
    name = forms.CharField(
        max_length=150,
        help_text="For example September 2026 starters",
        error_messages={"required": "Enter a name for the cohort"},
    )
    calendar = CalendarChoiceField(
        queryset=None,
        label="Academic calendar",
        empty_label=None,
        error_messages={"required": "Choose the academic calendar the cohort follows"},
    )
    starts_on = DayField(label="Start date", example="7 9 2026")
    ends_on = DayField(label="End date", example="16 7 2027")
    status = forms.ChoiceField(choices=CohortStatus.choices, widget=forms.RadioSelect)

    def __init__(
        self, *args: Any, calendars: Any, several_organisations: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["calendar"].queryset = calendars
        self.fields["calendar"].with_organisation = several_organisations


class CalendarForm(TandemForm):
    start_year = forms.IntegerField(
        label="Year the academic year starts",
        help_text="For example 2026 for the year from September 2026 to August 2027.",
        error_messages={
            "required": "Enter the year the academic year starts",
            "invalid": "Enter a year as four digits, for example 2026",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["start_year"].widget.attrs["class"] = "govuk-input govuk-input--width-4"


class PeriodForm(TandemForm):
    starts_on = DayField(label="First day")
    ends_on = DayField(label="Last day")
