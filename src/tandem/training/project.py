"""The programme-design project (E2): a structured template the learner fills in,
section by section, to make the case for a mentoring programme in their organisation.

Submissions store the answers as ``{section key: text}`` (Submission.sections).
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_SECTION_CHARS = 20_000


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    guidance: str
    required: bool


SECTIONS: tuple[Section, ...] = (
    Section(
        "rationale",
        "Rationale",
        "Why your organisation needs a mentoring programme: the need or problem it answers, "
        "and the evidence for it.",
        True,
    ),
    Section(
        "aims",
        "Aims and objectives",
        "What the programme should achieve, for mentees, mentors and the organisation.",
        False,
    ),
    Section(
        "context",
        "Context",
        "Your organisation, the people the programme is for and anything that will help or "
        "hinder it.",
        False,
    ),
    Section(
        "costs_benefits",
        "Costs and benefits",
        "What the programme will cost (time, remission, training, money) and what the "
        "organisation gains in return.",
        True,
    ),
    Section(
        "implementation",
        "Implementation plan",
        "How you will recruit, train and match mentors, and the timetable from launch to "
        "the first review.",
        False,
    ),
    Section(
        "evaluation",
        "Evaluation plan",
        "How you will know whether the programme works: what you will measure, when, and who "
        "will see the findings.",
        True,
    ),
)

BY_KEY: dict[str, Section] = {s.key: s for s in SECTIONS}
REQUIRED: tuple[str, ...] = tuple(s.key for s in SECTIONS if s.required)


def field_name(key: str) -> str:
    """The form field (and API error field) that holds a section."""
    return f"section_{key}"


def clean_sections(sections: dict[str, str] | None) -> tuple[dict[str, str], dict[str, str]]:
    """The sections as stored (known keys, trimmed text) and problems by field name."""
    cleaned: dict[str, str] = {}
    errors: dict[str, str] = {}
    for key, value in (sections or {}).items():
        if key not in BY_KEY:
            errors[field_name(key)] = f"‘{key}’ is not a section of the project"
            continue
        text = str(value or "").strip()
        if len(text) > MAX_SECTION_CHARS:
            errors[field_name(key)] = (
                f"{BY_KEY[key].heading} must be {MAX_SECTION_CHARS:,} characters or fewer"
            )
        elif text:
            cleaned[key] = text
    for key in REQUIRED:
        if key not in cleaned and field_name(key) not in errors:
            errors[field_name(key)] = f"Write the {BY_KEY[key].heading.lower()} section"
    return cleaned, errors
