"""Forms for the meeting log, time and calendar feeds: few fields, sensible defaults."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from crispy_forms_gds.layout import HTML, Field, Layout, Size
from django import forms
from django.utils import timezone

from tandem.core.forms import TandemForm
from tandem.relationships.meetings import minutes_from_text
from tandem.relationships.models import MeetingMode, MeetingStatus
from tandem.relationships.time_records import MANUAL_KINDS

DURATION_HELP = "Minutes, like 45, or hours and minutes, like 1h 30m"
UNREADABLE_DURATION = "Enter the duration in minutes, like 45, or in hours and minutes, like 1h 30m"


class DateWidget(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeWidget(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", **kwargs)


def _date_field(label: str, *, required: bool = True, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DateWidget(attrs={"class": "govuk-input govuk-input--width-10"}),
        input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"],
        error_messages={
            "required": f"Enter the {label.lower().removesuffix(' (optional)')}",
            "invalid": f"Enter the {label.lower().removesuffix(' (optional)')} as a real date",
        },
        **kwargs,
    )


def _time_field(label: str, *, required: bool = True) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        required=required,
        widget=TimeWidget(attrs={"class": "govuk-input govuk-input--width-5"}),
        input_formats=["%H:%M", "%H.%M", "%H:%M:%S"],
        error_messages={
            "required": f"Enter the {label.lower().removesuffix(' (optional)')}",
            "invalid": "Enter a time like 14:30",
        },
    )


def combine(day: date | None, at: time | None) -> datetime | None:
    """A London date and time as an aware datetime."""
    if day is None or at is None:
        return None
    return timezone.make_aware(datetime.combine(day, at), timezone.get_current_timezone())


class DurationField(forms.CharField):
    """Minutes, read from "45", "1h 30m", "1:30" or "2 hours"."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.pop("max_length", None)
        super().__init__(**kwargs)
        self.widget.attrs["maxlength"] = "20"

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        minutes = minutes_from_text(text)
        if minutes is None:
            raise forms.ValidationError(UNREADABLE_DURATION, code="invalid")
        return minutes


def _duration(label: str = "Duration", help_text: str = DURATION_HELP) -> DurationField:
    return DurationField(
        label=label,
        help_text=help_text,
        max_length=20,
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10"}),
        error_messages={"required": "Enter how long the meeting lasted"},
    )


def _mode() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="How you met",
        choices=MeetingMode.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how you met", "invalid_choice": "Choose how you met"},
    )


class MeetingForm(TandemForm):
    """Log a meeting that was held. Defaults: today, an hour ago, 60 minutes, face to face."""

    # Service error keys → the field that shows them.
    FIELD_OF = {
        "starts_at": "date",
        "duration_minutes": "duration",
        "next_meeting_at": "next_date",
        "status": "date",
    }

    date = _date_field("Date")
    start_time = _time_field("Start time")
    duration = _duration()
    mode = _mode()
    location = forms.CharField(
        label="Where (optional)",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    topics = forms.CharField(
        label="What you talked about",
        required=False,
        max_length=5000,
        help_text="Seen by you both and the programme's coordinators and tutors. "
        "Use a private note for anything only the two of you should read.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    next_date = _date_field("Next meeting date (optional)", required=False)
    next_time = _time_field("Next meeting time (optional)", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.label_size = None  # sizes are set per field in the layout

        def field(name: str) -> Any:
            widget = self.fields[name].widget
            if isinstance(widget, forms.RadioSelect):
                return Field.radios(name, small=True, legend_size=Size.SMALL)
            if isinstance(widget, forms.HiddenInput):
                return name
            if isinstance(widget, forms.Textarea):
                return Field.textarea(name, label_size=Size.SMALL, rows=4)
            return Field.text(name, label_size=Size.SMALL)

        main = [field(name) for name in self.fields if name not in ("next_date", "next_time")]
        # The next meeting is optional: folded away, opened when it has a problem.
        self.helper.layout = Layout(
            *main,
            HTML(
                '<details class="govuk-details"{% if form.next_date.errors or '
                "form.next_time.errors or form.next_date.value %} open{% endif %}>"
                '<summary class="govuk-details__summary"><span class="govuk-details__summary-text">'
                "Plan the next meeting (optional)</span></summary>"
                '<div class="govuk-details__text">'
            ),
            field("next_date"),
            field("next_time"),
            HTML("</div></details>"),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        day, at = data.get("next_date"), data.get("next_time")
        if day and not at and "next_time" not in self.errors:
            self.add_error("next_time", "Enter the time of the next meeting")
        if at and not day and "next_date" not in self.errors:
            self.add_error("next_date", "Enter the date of the next meeting")
        return data

    def service_fields(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "starts_at": combine(d["date"], d["start_time"]),
            "duration_minutes": d["duration"],
            "mode": d["mode"],
            "location": d.get("location", ""),
            "topics": d.get("topics", ""),
            "next_meeting_at": combine(d.get("next_date"), d.get("next_time")),
        }


class PlanForm(TandemForm):
    FIELD_OF = {"starts_at": "date", "duration_minutes": "duration", "status": "date"}

    date = _date_field("Date")
    start_time = _time_field("Start time")
    duration = _duration("Length", DURATION_HELP)
    mode = _mode()
    location = forms.CharField(label="Where (optional)", required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mode"].label = "How you will meet"

    def service_fields(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "starts_at": combine(d["date"], d["start_time"]),
            "duration_minutes": d["duration"],
            "mode": d["mode"],
            "location": d.get("location", ""),
        }


class EditMeetingForm(MeetingForm):
    status = forms.ChoiceField(
        label="This meeting",
        choices=[
            (MeetingStatus.HELD, "Was held"),
            (MeetingStatus.PLANNED, "Is planned"),
            (MeetingStatus.CANCELLED, "Was cancelled"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the meeting was held, is planned or cancelled"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
    FIELD_OF = {**MeetingForm.FIELD_OF, "status": "status"}

    field_order = ["status", "date", "start_time", "duration", "mode", "location", "topics"]

    def service_fields(self) -> dict[str, Any]:
        return {**super().service_fields(), "status": self.cleaned_data["status"]}


class ActionForm(TandemForm):
    """One agreed action; a row left empty is ignored."""

    uuid = forms.UUIDField(required=False, widget=forms.HiddenInput)
    description = forms.CharField(label="What needs doing", required=False, max_length=500)
    owner = forms.ChoiceField(label="Who will do it", required=False, widget=forms.RadioSelect)
    due_on = _date_field("Due by", required=False)

    def __init__(self, *args: Any, mentorship: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if mentorship is not None:
            self.fields["owner"].choices = [
                ("mentor", f"{mentorship.mentor} (mentor)"),
                ("mentee", f"{mentorship.mentee} (mentee)"),
            ]
        self.helper.label_size = None
        self.helper.layout = Layout(
            *(Field.radios(name, small=True) if name == "owner" else name for name in self.fields)
        )

    def is_blank(self) -> bool:
        d = getattr(self, "cleaned_data", {})
        return not (d.get("description") or d.get("owner") or d.get("due_on") or d.get("uuid"))

    def row(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "uuid": d.get("uuid"),
            "description": d.get("description", ""),
            "owner": d.get("owner") or None,
            "due_on": d.get("due_on"),
        }


class _EditActions(forms.BaseFormSet):
    def add_fields(self, form: Any, index: Any) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Remove this action"
            form.helper.layout.append("DELETE")


ActionFormSet = forms.formset_factory(ActionForm, extra=1, max_num=20, absolute_max=30)
EditActionFormSet = forms.formset_factory(
    ActionForm, formset=_EditActions, extra=1, max_num=20, absolute_max=30, can_delete=True
)


class PrivateNoteForm(TandemForm):
    text = forms.CharField(
        label="Private note",
        max_length=5000,
        help_text="Only you and your mentoring partner can read this: not coordinators, "
        "tutors, line managers or administrators.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write the note"},
    )


class TimeEntryForm(TandemForm):
    kind = forms.ChoiceField(
        label="What the time was for",
        choices=[(k.value, k.label) for k in MANUAL_KINDS],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the time was spent on"},
    )
    on = _date_field("Date")
    minutes = DurationField(
        label="Time spent",
        help_text=DURATION_HELP,
        max_length=20,
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10"}),
        error_messages={"required": "Enter the time spent"},
    )
    note = forms.CharField(label="Note (optional)", required=False, max_length=300)
