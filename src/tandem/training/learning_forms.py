"""Forms of learning (E2): answers, submissions, the project, assessment, practice hours."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from tandem.core.forms import TandemForm
from tandem.training import project
from tandem.training.learning import MAX_ANSWER_CHARS, MAX_FEEDBACK_CHARS, MAX_TEXT_CHARS
from tandem.training.models import Outcome
from tandem.training.uploads import ALLOWED, max_bytes


def _upload_help() -> str:
    return f"{ALLOWED}; up to {max_bytes() / 1_048_576:.0f} MB"


class AnswerForm(TandemForm):
    """The no-JS save of a reflective answer (the page autosaves it as the learner types)."""

    text = forms.CharField(
        label="Your answer",
        required=False,
        max_length=MAX_ANSWER_CHARS,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "max_length": f"Your answer must be {MAX_ANSWER_CHARS:,} characters or fewer"
        },
    )


class SubmissionForm(TandemForm):
    """An assignment: text, a file, or both."""

    text = forms.CharField(
        label="Your answer",
        required=False,
        max_length=MAX_TEXT_CHARS,
        widget=forms.Textarea(attrs={"rows": 12}),
        error_messages={
            "max_length": f"Your answer must be {MAX_TEXT_CHARS:,} characters or fewer"
        },
    )
    file = forms.FileField(label="Or attach a file (optional)", required=False)

    def __init__(self, *args: Any, activity: Any = None, **kwargs: Any) -> None:
        prefix = kwargs.pop("prefix", None) or (f"a{activity.pk}" if activity else None)
        super().__init__(*args, prefix=prefix, **kwargs)
        self.activity = activity
        self.fields["file"].help_text = _upload_help()
        if activity is not None and activity.word_guide:
            self.fields["text"].help_text = f"About {activity.word_guide:,} words"
        self.helper.label_size = None  # sizes are set per field in the layout
        self.helper.layout = Layout(
            Field.textarea("text", label_size=Size.SMALL, rows=12),
            Field("file"),
        )


class ProjectForm(TandemForm):
    """The programme-design project: one box per section of the template."""

    def __init__(self, *args: Any, activity: Any = None, **kwargs: Any) -> None:
        prefix = kwargs.pop("prefix", None) or (f"a{activity.pk}" if activity else None)
        super().__init__(*args, prefix=prefix, **kwargs)
        self.activity = activity
        names = []
        for section in project.SECTIONS:
            name = project.field_name(section.key)
            self.fields[name] = forms.CharField(
                label=section.heading if section.required else f"{section.heading} (optional)",
                help_text=section.guidance,
                required=section.required,
                max_length=project.MAX_SECTION_CHARS,
                widget=forms.Textarea(attrs={"rows": 6}),
                error_messages={
                    "required": f"Write the {section.heading.lower()} section",
                    "max_length": f"{section.heading} must be "
                    f"{project.MAX_SECTION_CHARS:,} characters or fewer",
                },
            )
            names.append(Field.textarea(name, label_size=Size.SMALL, rows=6))
        self.fields["file"] = forms.FileField(
            label="Supporting file (optional)", required=False, help_text=_upload_help()
        )
        self.helper.label_size = None  # sizes are set per field in the layout
        self.helper.layout = Layout(*names, Field("file"))

    def sections(self) -> dict[str, str]:
        return {
            s.key: self.cleaned_data.get(project.field_name(s.key), "") for s in project.SECTIONS
        }


class AssessForm(TandemForm):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether the work has met the standard or not yet",
            "invalid_choice": "Choose whether the work has met the standard or not yet",
        },
    )
    feedback = forms.CharField(
        label="Feedback",
        required=False,
        max_length=MAX_FEEDBACK_CHARS,
        help_text="Needed when the work has not yet met the standard: say what to change",
        widget=forms.Textarea(attrs={"rows": 8}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.label_size = None  # sizes are set per field in the layout
        self.helper.layout = Layout(
            Field.radios("outcome", legend_size=Size.SMALL, inline=True),
            Field.textarea("feedback", label_size=Size.SMALL, rows=8),
        )


class PracticeEntryForm(TandemForm):
    on = forms.DateField(
        label="Date",
        widget=forms.DateInput(
            format="%Y-%m-%d", attrs={"type": "date", "class": "govuk-input govuk-input--width-10"}
        ),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={
            "required": "Enter the date of the practice",
            "invalid": "Enter the date of the practice as a real date",
        },
    )
    hours = forms.CharField(
        label="Hours",
        max_length=10,
        help_text="For example 1.5",
        widget=forms.TextInput(
            attrs={"class": "govuk-input govuk-input--width-5", "inputmode": "decimal"}
        ),
        error_messages={"required": "Enter the hours of practice"},
    )
    description = forms.CharField(
        label="What you did",
        max_length=300,
        error_messages={
            "required": "Describe the practice, like ‘Mentoring meeting with a new tutor’",
            "max_length": "Describe the practice in 300 characters or fewer",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix="practice", **kwargs)
        self.helper.label_size = None  # sizes are set per field in the layout
        self.helper.layout = Layout(
            Field.text("on", label_size=Size.SMALL),
            Field.text("hours", label_size=Size.SMALL),
            Field.text("description", label_size=Size.SMALL),
        )
