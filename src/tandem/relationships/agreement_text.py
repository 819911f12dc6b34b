"""The wording of a mentoring agreement (D1), built from the programme's rules.

``build_content`` turns a mentorship and its programme into the structured
sections of version 1 (seed 002, appendix 5: what the mentor, the trainee and
the institution agree; seed 004: time and a quiet place for mentoring,
reporting to the line manager on activity only). ``render_text`` turns that
content into the plain text the parties sign; ``blocks`` reads the text back
into headings, paragraphs and lists, so pages and the PDF show exactly the
words that were signed and nothing else.

Text a person typed never starts a line on its own: it always follows a label
("What will change: ...") or a bullet, so it cannot pass for a heading.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tandem.programmes import rules
from tandem.programmes.models import ObservationPolicy, Purpose, RelationshipType

TEACHER_TRAINING = {Purpose.ITT_PRE_SERVICE, Purpose.ITT_IN_SERVICE}


def _one_line(value: Any) -> str:
    return " ".join(str(value or "").split())


def _hours(n: int) -> str:
    return f"{n} hour{'s' if n != 1 else ''}"


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _pounds(pence: int) -> str:
    pounds, rest = divmod(pence, 100)
    return f"£{pounds:,}" if not rest else f"£{pounds:,}.{rest:02d}"


def describe_date(value: date | str | None) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return f"{value.day} {value:%B %Y}"


def _discussion_rules(programme: Any) -> list[dict[str, Any]]:
    return [r for r in programme.contact_rules or [] if r.get("kind") == "discussion"]


def default_meetings(mentorship: Any) -> dict[str, str]:
    """Meeting arrangements to start from; the pair changes them while the draft is open."""
    programme = mentorship.programme
    discussions = rules.describe_contact_rules(_discussion_rules(programme))
    if discussions:
        frequency = (
            "At least the discussions the programme asks for ("
            + "; ".join(line[0].lower() + line[1:] for line in discussions)
            + "), at times that suit you both"
        )
    elif programme.purpose == Purpose.INDUCTION:
        frequency = "Once a week for the first few months, then every two weeks"
    else:
        frequency = "Every two weeks, at times that suit you both"
    return {
        "frequency": frequency,
        "place": f"At {mentorship.organisation}, in a quiet room where you can talk in confidence",
        "mode": "Face to face, with online or phone calls when that suits you both better",
    }


def programme_lines(programme: Any) -> list[str]:
    """What the programme requires of every relationship, in words."""
    lines = [
        f"Purpose: {Purpose(programme.purpose).label}"
        if programme.purpose in Purpose.values
        else "",
        "Kind of relationship: "
        + (
            RelationshipType(programme.relationship_type).label
            if programme.relationship_type in RelationshipType.values
            else programme.relationship_type
        ),
    ]
    for line in rules.describe_contact_rules(programme.contact_rules or []):
        lines.append(f"Contacts required: {line}")
    for line in rules.describe_report_schedule(programme.report_schedule or []):
        lines.append(f"Report: {line}")
    if programme.mentor_hours_per_mentee:
        lines.append(
            f"Mentor time: at least {_hours(programme.mentor_hours_per_mentee)} per mentee per year"
        )
    documents = rules.describe_documents(programme.required_documents or [])
    if documents:
        lines.append("Documents to keep: " + _and([d[0].lower() + d[1:] for d in documents]))
    lines.append(
        "Observations by the mentor: "
        + (
            "formative only; they carry no grade"
            if programme.observation_policy == ObservationPolicy.FORMATIVE_ONLY
            else "they may count towards assessment when their purpose is declared "
            "as summative before the observation"
        )
    )
    return [line for line in lines if line]


def mentor_commitments(mentorship: Any) -> list[str]:
    programme = mentorship.programme
    mentee = mentorship.mentee
    documents = programme.required_documents or []
    kinds = {r.get("kind") for r in programme.contact_rules or [] if r.get("minimum")}
    lines = [
        "To keep mentoring discussions confidential, as set out below",
    ]
    if "skills_audit" in documents:
        lines.append(
            f"To use a skills audit or other self-assessment with {mentee} to agree "
            "their development needs"
        )
    lines += [
        f"To agree at least three SMART objectives with {mentee} and work towards them "
        "throughout the programme",
        "To agree with the mentee when and where to meet, and to keep to it",
        "To record each meeting, with the actions agreed, and to confirm the mentee's records",
    ]
    if programme.mentor_hours_per_mentee:
        lines.append(
            f"To give at least {_hours(programme.mentor_hours_per_mentee)} a year to "
            f"mentoring {mentee}"
        )
    for report in programme.report_schedule or []:
        lines.append(
            f"To write the report “{_one_line(report.get('name'))}” by "
            f"{rules.describe_due(report.get('due', ''))} and send it to the "
            f"{rules.describe_recipients(report.get('recipients', []))}"
        )
    if "observation" in kinds or programme.purpose in TEACHER_TRAINING:
        if programme.observation_policy == ObservationPolicy.FORMATIVE_ONLY:
            lines.append(
                f"To observe {mentee}'s practice as the programme asks, declaring the purpose "
                "beforehand, and to discuss a written evaluation with them; these observations "
                "are formative and carry no grade"
            )
        else:
            lines.append(
                f"To observe {mentee}'s practice as the programme asks, declaring the purpose "
                "beforehand, and to discuss a written evaluation with them; a summative "
                "observation may count towards their assessment"
            )
        lines.append("To let the mentee observe some of their own sessions")
    if programme.purpose in TEACHER_TRAINING:
        lines.append("To help with schemes of work, session planning and resources")
    lines += [
        "To give advice and guidance without imposing solutions, and to share good practice",
        "To advise on suitable continuing professional development",
        "To attend the meetings the programme needs to prepare, review and improve the mentoring",
    ]
    return lines


def mentee_commitments(mentorship: Any) -> list[str]:
    programme = mentorship.programme
    mentor = mentorship.mentor
    kinds = {r.get("kind") for r in programme.contact_rules or [] if r.get("minimum")}
    lines = [
        f"To work towards at least three SMART objectives agreed with {mentor}",
        f"To keep {mentor} informed about their practice and any difficulties",
        f"To review their development plan with {mentor} and record the evidence of progress",
        f"To meet, email or phone {mentor} at times that suit them both, and to come prepared",
        "To confirm the record of each meeting",
    ]
    if "observation" in kinds or programme.purpose in TEACHER_TRAINING:
        lines.append("To reflect on each observation and give their response to its evaluation")
        lines.append("To observe the mentor's practice when it is offered, and reflect on it")
    return lines


def institution_commitments(mentorship: Any) -> list[str]:
    programme = mentorship.programme
    organisation = mentorship.organisation
    mentor = mentorship.mentor
    lines = []
    if programme.mentor_hours_per_mentee:
        lines.append(
            f"To allow {mentor} at least {_hours(programme.mentor_hours_per_mentee)} a year "
            "for each mentee"
        )
    if programme.remission_hours_per_mentee:
        lines.append(
            f"To release {mentor} from {_hours(programme.remission_hours_per_mentee)} of "
            "teaching a year for each mentee (remission)"
        )
    if programme.payment_per_placement_pence:
        lines.append(
            f"To pay {_pounds(programme.payment_per_placement_pence)} for this placement "
            f"to {mentor} or their organisation"
        )
    if programme.requires_trained_mentor:
        lines.append("To make sure the mentor has completed mentor training, and to support it")
    else:
        lines.append("To support the mentor's training")
    if programme.supervision_hours_per_mentor:
        lines.append(
            f"To give {mentor} {_hours(programme.supervision_hours_per_mentor)} of "
            "supervision a year"
        )
    lines += [
        "To give the mentee and mentor time to meet, and a quiet place to talk in confidence",
        f"To name a coordinator at {organisation} whom either of you can contact about "
        "the mentoring",
    ]
    if mentorship.is_cross_organisation:
        lines.append(
            f"To agree the mentor's time with {mentorship.mentor_organisation}, which provides "
            "the mentor"
        )
    return lines


def confidentiality(mentorship: Any) -> list[str]:
    programme = mentorship.programme
    lines = [
        "What is said in mentoring stays between the mentor and the mentee. Private notes "
        "recorded in Tandem can be read by the two of you only",
        f"The programme's staff at {mentorship.organisation} (coordinators, personal tutors and "
        "course leaders) can read this agreement, the development plan, meeting records "
        "(not private notes), observations and reports",
    ]
    if programme.line_manager_reports:
        lines.append(
            "The mentee's line manager sees activity and time only: that meetings and "
            "observations happened and how long they took, fortnightly in the first month "
            "and monthly after — never what was discussed"
        )
    else:
        lines.append(
            "The mentee's line manager may see activity and time only — never what was discussed"
        )
    lines.append(
        "If either of you has a concern about someone's safety, it is passed on under "
        f"{mentorship.organisation}'s safeguarding policy"
    )
    return lines


def build_content(mentorship: Any) -> dict[str, Any]:
    """The sections of a first version, drawn from the mentorship and its programme."""
    programme = mentorship.programme
    return {
        "parties": {
            "mentee": {
                "name": str(mentorship.mentee),
                "organisation": str(mentorship.organisation),
            },
            "mentor": {
                "name": str(mentorship.mentor),
                "organisation": str(mentorship.mentor_organisation),
            },
            "institution": str(mentorship.organisation),
            "programme": str(programme),
            "cohort": mentorship.cohort.name if mentorship.cohort else "",
        },
        "programme": programme_lines(programme),
        "mentor_commitments": mentor_commitments(mentorship),
        "mentee_commitments": mentee_commitments(mentorship),
        "institution_commitments": institution_commitments(mentorship),
        "confidentiality": confidentiality(mentorship),
        "meetings": default_meetings(mentorship),
        "extra_commitments": [],
        "objectives": [],
    }


def render_text(content: dict[str, Any], *, number: int, amends: int | None = None) -> str:
    """The exact words the parties sign."""
    parties = content["parties"]
    mentee, mentor = parties["mentee"], parties["mentor"]
    institution = parties["institution"]
    out = ["Mentoring agreement"]
    out.append(f"Version {number}" + (f", amending version {amends}" if amends else ""))
    out += ["", "## The parties"]
    out.append(f"Mentee: {_one_line(mentee['name'])}, {_one_line(mentee['organisation'])}")
    out.append(f"Mentor: {_one_line(mentor['name'])}, {_one_line(mentor['organisation'])}")
    out.append(f"For the organisation: {_one_line(institution)}")
    out.append(f"Programme: {_one_line(parties['programme'])}")
    if parties.get("cohort"):
        out.append(f"Cohort: {_one_line(parties['cohort'])}")
    sections = [
        ("## What the programme asks", content.get("programme", [])),
        ("## The mentor agrees", content.get("mentor_commitments", [])),
        ("## The mentee agrees", content.get("mentee_commitments", [])),
        (f"## {_one_line(institution)} agrees", content.get("institution_commitments", [])),
        ("## Confidentiality", content.get("confidentiality", [])),
    ]
    for heading, items in sections:
        out += ["", heading] + [f"- {_one_line(item)}" for item in items]
    meetings = content.get("meetings", {})
    out += ["", "## Meeting arrangements"]
    out.append(f"How often: {_one_line(meetings.get('frequency'))}")
    out.append(f"Where: {_one_line(meetings.get('place'))}")
    out.append(f"How: {_one_line(meetings.get('mode'))}")
    extra = content.get("extra_commitments") or []
    if extra:
        out += ["", "## Further commitments"] + [f"- {_one_line(item)}" for item in extra]
    out += ["", "## Objectives"]
    objectives = content.get("objectives") or []
    if not objectives:
        out.append("No objectives agreed yet.")
    for index, objective in enumerate(objectives, start=1):
        out += ["", f"### Objective {index}"]
        out.append(f"What will change: {_one_line(objective.get('what'))}")
        out.append(f"How it will be measured: {_one_line(objective.get('measure'))}")
        out.append(f"By when: {describe_date(objective.get('by'))}")
    return "\n".join(out) + "\n"


def blocks(text: str) -> list[dict[str, Any]]:
    """The signed text as headings, paragraphs and lists, for pages and the PDF.

    Returns [{"kind": "title" | "h2" | "h3" | "p" | "ul", "text": str, "items": [str]}].
    """
    out: list[dict[str, Any]] = []
    for index, line in enumerate(text.splitlines()):
        if index == 0:
            out.append({"kind": "title", "text": line})
        elif not line.strip():
            continue
        elif line.startswith("### "):
            out.append({"kind": "h3", "text": line[4:]})
        elif line.startswith("## "):
            out.append({"kind": "h2", "text": line[3:]})
        elif line.startswith("- "):
            if out and out[-1]["kind"] == "ul":
                out[-1]["items"].append(line[2:])
            else:
                out.append({"kind": "ul", "items": [line[2:]]})
        else:
            label, sep, rest = line.partition(": ")
            out.append({"kind": "p", "text": line, "label": label if sep else "", "rest": rest})
    return out
