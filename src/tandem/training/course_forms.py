"""Forms for building courses: few required fields, the service checks everything again."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django import forms
from django.utils import timezone

from tandem.core.forms import TandemForm
from tandem.training.courses import MAX_RICH_CHARS, MAX_UNITS
from tandem.training.models import (
    ActivityKind,
    CompletionRule,
    EnrolmentMode,
    ReleaseMode,
    UnitKind,
)
from tandem.training.sanitise import html_to_text

RICH_TEXT_HELP = (
    "Leave a blank line between paragraphs. Start a line with a dash and a space (- ) to make "
    "a bullet point. You can also paste formatted text: scripts, styles and unsafe links are "
    "removed."
)


class DateWidget(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeWidget(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", **kwargs)


def date_field(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    named = label.lower()
    return forms.DateField(
        label=label if required else f"{label} (optional)",
        required=required,
        help_text=help_text,
        widget=DateWidget(attrs={"class": "govuk-input govuk-input--width-10"}),
        input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"],
        error_messages={
            "required": f"Enter the {named}",
            "invalid": f"Enter the {named} as a real date, for example 7/9/2026",
        },
    )


def hours_field(
    label: str, help_text: str = "", *, required: bool = True, most: int = 9999
) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=0,
        max_value=most,
        decimal_places=1,
        help_text=help_text,
        widget=forms.NumberInput(
            attrs={"class": "govuk-input govuk-input--width-5", "step": "0.5"}
        ),
        error_messages={
            "required": f"Enter the {label.lower()}, or 0 for none",
            "invalid": f"{label} must be a number, for example 12 or 7.5",
            "min_value": f"{label} cannot be negative",
            "max_value": f"{label} must be from 0 to {most:,}",
            "max_decimal_places": f"{label} can have at most one digit after the point, like 7.5",
        },
    )


def whole_field(
    label: str,
    help_text: str = "",
    *,
    required: bool = False,
    least: int = 0,
    most: int = 32_767,
) -> forms.IntegerField:
    named = label.removesuffix(" (optional)")
    between = f"{named} must be a whole number from {least:,} to {most:,}"
    return forms.IntegerField(
        label=label,
        required=required,
        help_text=help_text,
        min_value=least,
        max_value=most,
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-4"}),
        error_messages={
            "required": f"Enter the {label.lower()}",
            "invalid": f"{named} must be a whole number",
            "min_value": between,
            "max_value": between,
        },
    )


def text_field(label: str, *, max_length: int, required: bool = False, **kw: Any) -> Any:
    return forms.CharField(
        label=label if required else f"{label} (optional)",
        max_length=max_length,
        required=required,
        error_messages={
            "required": f"Enter {kw.pop('hint', label.lower())}",
            "max_length": f"{label} must be {max_length:,} characters or fewer",
        },
        **kw,
    )


def rich_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=f"{label} (optional)",
        required=False,
        max_length=MAX_RICH_CHARS,
        help_text=RICH_TEXT_HELP,
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={"max_length": f"{label} must be {MAX_RICH_CHARS:,} characters or fewer"},
    )


class ServiceForm(TandemForm):
    """A form whose cleaned data goes straight to a service."""

    # Service error keys → the field that shows them.
    FIELD_OF: dict[str, str] = {}

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


# --- courses -----------------------------------------------------------------------------


class CourseForm(ServiceForm):
    title = text_field("Title", max_length=200, required=True, hint="a title for the course")
    summary = text_field(
        "Summary",
        max_length=500,
        help_text="One or two sentences shown in the list of courses.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    description_html = rich_field("Description")
    glh = hours_field("Guided learning hours", "The hours of study the course expects in all.")
    practice_hours_required = hours_field(
        "Mentoring practice hours required",
        "Hours of mentoring the learner must do in their own organisation. Enter 0 if none.",
        most=1000,
    )
    release_mode = forms.ChoiceField(
        label="When do units open?",
        choices=ReleaseMode.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose when units open"},
    )
    enrolment_mode = forms.ChoiceField(
        label="How do learners join?",
        choices=EnrolmentMode.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how learners join"},
    )
    completion_rule = forms.ChoiceField(
        label="What completes the course?",
        choices=CompletionRule.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what completes the course"},
    )
    minimum_units = whole_field(
        "Minimum number of units",
        "Only when a minimum number of units completes the course.",
        least=1,
        most=MAX_UNITS,
    )
    is_mentor_training = forms.BooleanField(
        required=False,
        label="Completing this course trains a mentor",
        help_text="Learners who complete it are recorded as trained mentors.",
    )
    shared_with_partnerships = forms.BooleanField(
        required=False,
        label="Open to our partnerships",
        help_text="Staff of the other organisations in your partnerships can see and join it.",
    )
    awards_certificate = forms.BooleanField(
        required=False, label="Award a certificate on completion"
    )
    credits = forms.DecimalField(
        label="Credits (optional)",
        required=False,
        min_value=0,
        max_value=999,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-4"}),
        error_messages={
            "invalid": "Credits must be a number, for example 10",
            "min_value": "Credits cannot be negative",
            "max_value": "Credits must be from 0 to 999",
            "max_decimal_places": "Credits can have at most one digit after the point, like 7.5",
        },
    )
    level = text_field("Level", max_length=100, help_text="For example Level 4.")
    validating_body = text_field(
        "Validating body", max_length=200, help_text="For example a university or awarding body."
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    ABOUT = ("title", "summary", "description_html", "glh", "practice_hours_required")
    HOW = (
        "release_mode",
        "enrolment_mode",
        "completion_rule",
        "minimum_units",
        "is_mentor_training",
        "shared_with_partnerships",
        "awards_certificate",
    )
    ACCREDITATION = ("credits", "level", "validating_body")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].widget.attrs["class"] = "govuk-input"

    @staticmethod
    def initial_for(course: Any) -> dict[str, Any]:
        names = (*CourseForm.ABOUT, *CourseForm.HOW, *CourseForm.ACCREDITATION, "version")
        initial = {name: getattr(course, name) for name in names}
        initial["description_html"] = html_to_text(course.description_html)
        return initial

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        for name in ("summary", "level", "validating_body"):
            data[name] = data.get(name) or ""
        return data

    def groups(self) -> list[tuple[str, list[Any]]]:
        return [
            ("About the course", [self[n] for n in self.ABOUT]),
            ("How it runs", [self[n] for n in self.HOW]),
            ("Accreditation", [self[n] for n in self.ACCREDITATION]),
        ]


# --- runs --------------------------------------------------------------------------------


class RunForm(ServiceForm):
    name = text_field(
        "Name",
        max_length=200,
        required=True,
        hint="a name for the run",
        help_text="For example Autumn 2026.",
    )
    enrolment_opens_on = date_field("Date enrolment opens")
    enrolment_closes_on = date_field(
        "Date enrolment closes", required=False, help_text="Leave empty to keep it open."
    )
    starts_on = date_field(
        "Start date", help_text="On a cohort course, units open counting from this day."
    )
    ends_on = date_field("End date", required=False)
    places = whole_field("Places (optional)", "Leave empty for no limit.", least=1, most=100_000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["class"] = "govuk-input govuk-input--width-20"


# --- units -------------------------------------------------------------------------------


class ModuleForm(ServiceForm):
    kind = forms.ChoiceField(
        label="Kind of unit",
        choices=UnitKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of unit"},
    )
    title = text_field("Title", max_length=200, required=True, hint="a title for the unit")
    summary = text_field(
        "Summary",
        max_length=5000,
        help_text="What the unit covers, shown to learners before they start it.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    glh = hours_field("Guided learning hours", most=999)
    requires_previous = forms.BooleanField(
        required=False,
        label="The previous unit must be completed first",
    )
    release_after_days = whole_field(
        "Opens after (days)",
        required=True,
        help_text="Days after the learner joins (rolling) or the run starts (cohort). Enter 0 "
        "to open it at once.",
        most=730,
    )
    awards_badge = forms.BooleanField(required=False, label="Award a badge on completion")

    def __init__(self, *args: Any, scheduled: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].widget.attrs["class"] = "govuk-input"
        if not scheduled:
            self.fields["release_after_days"].help_text = (
                "Only used when the course releases units on a schedule. This course opens "
                "every unit at once, so leave it at 0 unless you change that."
            )
        self.fields["release_after_days"].error_messages["required"] = (
            "Enter after how many days the unit opens, or 0"
        )


# --- content pages -----------------------------------------------------------------------


class PageForm(ServiceForm):
    title = text_field("Title", max_length=200, required=True, hint="a title for the page")
    body_html = rich_field("Text")
    attachment = forms.FileField(
        label="File (optional)",
        required=False,
        help_text="PDF, Word, Excel, PowerPoint, OpenDocument text, PNG, JPEG, plain text or "
        "Markdown, up to 10 MB.",
    )
    remove_attachment = forms.BooleanField(required=False, label="Remove the current file")
    link_url = forms.CharField(
        label="Link (optional)",
        required=False,
        max_length=500,
        help_text="A web address starting https://, for example a video or article.",
        error_messages={"max_length": "Link must be 500 characters or fewer"},
    )
    link_label = text_field(
        "Link text", max_length=200, help_text="What the link says, for example Watch the video."
    )

    def __init__(self, *args: Any, current_file: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].widget.attrs["class"] = "govuk-input"
        if current_file:
            self.fields["attachment"].label = "Replace the file (optional)"
            self.fields["attachment"].help_text = (
                f"The page has {current_file}. " + self.fields["attachment"].help_text
            )
            self.fields["remove_attachment"].label = f"Remove {current_file}"
        else:
            del self.fields["remove_attachment"]

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        data["link_label"] = data.get("link_label") or ""
        data["attachment"] = data.get("attachment") or None
        return data

    @staticmethod
    def initial_for(page: Any) -> dict[str, Any]:
        return {
            "title": page.title,
            "body_html": html_to_text(page.body_html),
            "link_url": page.link_url,
            "link_label": page.link_label,
        }


# --- activities --------------------------------------------------------------------------


class ActivityForm(ServiceForm):
    kind = forms.ChoiceField(
        label="Kind of activity",
        choices=ActivityKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of activity"},
    )
    title = text_field("Title", max_length=200, required=True, hint="a title for the activity")
    prompt = forms.CharField(
        label="Question or brief",
        help_text="What the learner sees: the question to reflect on, or what to submit.",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter the question or brief the learner sees"},
    )
    word_guide = whole_field(
        "Word guide (optional)", "Suggested length in words.", least=1, most=50_000
    )
    required = forms.BooleanField(required=False, label="Needed to complete the unit")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].widget.attrs["class"] = "govuk-input"


# --- live sessions -----------------------------------------------------------------------


def combine(day: date | None, at: time | None) -> datetime | None:
    if day is None or at is None:
        return None
    return timezone.make_aware(datetime.combine(day, at), timezone.get_current_timezone())


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.position}. {obj.title}"


class SessionForm(ServiceForm):
    FIELD_OF = {"starts_at": "date"}

    title = text_field("Title", max_length=200, required=True, hint="a title for the session")
    date = date_field("Date")
    start_time = forms.TimeField(
        label="Start time",
        help_text="For example 14:30",
        widget=TimeWidget(attrs={"class": "govuk-input govuk-input--width-5"}),
        input_formats=["%H:%M", "%H.%M", "%H:%M:%S"],
        error_messages={"required": "Enter the start time", "invalid": "Enter a time like 14:30"},
    )
    duration_minutes = forms.IntegerField(
        label="Length in minutes",
        min_value=1,
        max_value=600,
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-4"}),
        error_messages={
            "required": "Enter how long the session lasts, in minutes",
            "invalid": "Length must be a whole number of minutes",
            "min_value": "Length must be from 1 to 600 minutes",
            "max_value": "Length must be from 1 to 600 minutes",
        },
    )
    module = UnitChoiceField(
        queryset=None,
        required=False,
        label="Unit (optional)",
        empty_label="The whole course",
        help_text="The unit the session belongs to, if any.",
    )
    joining_url = forms.CharField(
        label="Joining link (optional)",
        required=False,
        max_length=500,
        help_text="The web address learners use to join, starting https://",
    )
    recording_url = forms.CharField(
        label="Recording (optional)",
        required=False,
        max_length=500,
        help_text="Add the web address of the recording after the session.",
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].widget.attrs["class"] = "govuk-input"
        self.fields["module"].queryset = units
        self.fields["module"].widget.attrs["class"] = "govuk-select"
        for name in ("joining_url", "recording_url"):
            self.fields[name].widget.attrs["class"] = "govuk-input"

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        data["starts_at"] = combine(data.pop("date"), data.pop("start_time"))
        return data

    @staticmethod
    def initial_for(session: Any) -> dict[str, Any]:
        local = timezone.localtime(session.starts_at)
        return {
            "title": session.title,
            "date": local.date(),
            "start_time": local.time().replace(second=0, microsecond=0),
            "duration_minutes": session.duration_minutes,
            "module": session.module,
            "joining_url": session.joining_url,
            "recording_url": session.recording_url,
        }


class RecordingForm(ServiceForm):
    recording_url = forms.CharField(
        label="Web address of the recording",
        max_length=500,
        help_text="Starting https://",
        error_messages={"required": "Enter the web address of the recording"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recording_url"].widget.attrs["class"] = "govuk-input"
