"""Rules for what happens inside a relationship: agreement, plan, meetings, observations,
reports, time.

Content (what was agreed, discussed, observed) is for the pair and the mentee's
programme staff (coordinators and tutors). Line managers see time and their
own activity reports, never content. Private notes are for the pair alone —
not even platform administrators read them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q

from tandem.core.policies.common import NOTHING, Rule, _line_report_ids, _model
from tandem.core.roles import Confidentiality, Role

if TYPE_CHECKING:
    from tandem.core.actor import Actor


def _pair(actor: Actor, path: str) -> Q:
    return Q(**{f"{path}mentor_id": actor.person_id}) | Q(**{f"{path}mentee_id": actor.person_id})


def _content(path: str):  # noqa: ANN202 — returns a visibility rule for records under `path`
    def see(actor: Actor) -> Q:
        if actor.person_id is None:
            return NOTHING
        staff = actor.organisations_where({Role.COORDINATOR, Role.TUTOR})
        return _pair(actor, path) | Q(**{f"{path}organisation_id__in": staff})

    return see


def _mentorship_of(obj: Any) -> Any:
    for path in (
        "mentorship",
        "agreement",
        "plan",
        "meeting",
        "objective",
        "version",
        "observation",
    ):
        parent = getattr(obj, path, None)
        if parent is None:
            continue
        if path == "mentorship":
            return parent
        return _mentorship_of(parent)
    raise LookupError(f"{obj!r} is not inside a mentorship")


def _change_by_pair_or_coordinator(actor: Actor, obj: Any) -> bool:
    m = _mentorship_of(obj)
    return (
        actor.person_id in (m.mentor_id, m.mentee_id) or m.organisation_id in actor.coordinator_of
    )


def _see_observation(actor: Actor) -> Q:
    if actor.person_id is None:
        return NOTHING
    return _content("mentorship__")(actor) | Q(joint_observer_id=actor.person_id)


def _see_judgement(actor: Actor) -> Q:
    if actor.person_id is None:
        return NOTHING
    return _content("observation__mentorship__")(actor) | Q(
        observation__joint_observer_id=actor.person_id
    )


def _change_judgement(actor: Actor, obj: Any) -> bool:
    return obj.judge_id == actor.person_id


def _change_observation(actor: Actor, obj: Any) -> bool:
    return _change_by_pair_or_coordinator(actor, obj) or obj.joint_observer_id == actor.person_id


def _see_private_note(actor: Actor) -> Q:
    if actor.person_id is None:
        return NOTHING
    return _pair(actor, "meeting__mentorship__")


def _change_private_note(actor: Actor, obj: Any) -> bool:
    return obj.author_id == actor.person_id


def _see_report(actor: Actor) -> Q:
    if actor.person_id is None:
        return NOTHING
    # A subquery, not a join: a report with several recipients must come back once.
    report = _model("relationships.Report")
    received = report.recipients.through.objects.filter(person_id=actor.person_id).values(
        "report_id"
    )
    return _content("mentorship__")(actor) | Q(pk__in=received)


def _see_time(actor: Actor) -> Q:
    """Time is activity: line managers of the mentee see it too."""
    if actor.person_id is None:
        return NOTHING
    q = _content("mentorship__")(actor)
    reports = _line_report_ids(actor)
    if reports:
        q |= Q(mentorship__mentee_id__in=reports)
    return q


def _change_time(actor: Actor, obj: Any) -> bool:
    return (
        obj.person_id == actor.person_id or obj.mentorship.organisation_id in actor.coordinator_of
    )


def _see_own(actor: Actor) -> Q:
    if actor.person_id is None:
        return NOTHING
    return Q(person_id=actor.person_id)


def _change_own(actor: Actor, obj: Any) -> bool:
    return actor.person_id is not None and obj.person_id == actor.person_id


def _never(actor: Actor, obj: Any) -> bool:
    return False


PROGRAMME = Confidentiality.PROGRAMME

RULES: dict[str, Rule] = {
    "relationships.agreement": (
        PROGRAMME,
        _content("mentorship__"),
        _change_by_pair_or_coordinator,
    ),
    "relationships.agreementversion": (
        PROGRAMME,
        _content("agreement__mentorship__"),
        _change_by_pair_or_coordinator,
    ),
    "relationships.signature": (PROGRAMME, _content("version__agreement__mentorship__"), _never),
    "relationships.developmentplan": (
        PROGRAMME,
        _content("mentorship__"),
        _change_by_pair_or_coordinator,
    ),
    "relationships.objective": (
        PROGRAMME,
        _content("plan__mentorship__"),
        _change_by_pair_or_coordinator,
    ),
    "relationships.evidence": (
        PROGRAMME,
        _content("objective__plan__mentorship__"),
        _change_by_pair_or_coordinator,
    ),
    "relationships.meeting": (
        PROGRAMME,
        _content("mentorship__"),
        _change_by_pair_or_coordinator,
    ),
    "relationships.action": (
        PROGRAMME,
        _content("meeting__mentorship__"),
        _change_by_pair_or_coordinator,
    ),
    "relationships.privatenote": (Confidentiality.PAIR, _see_private_note, _change_private_note),
    "relationships.observation": (PROGRAMME, _see_observation, _change_observation),
    "relationships.judgement": (PROGRAMME, _see_judgement, _change_judgement),
    "relationships.report": (PROGRAMME, _see_report, _change_by_pair_or_coordinator),
    "relationships.timeentry": (PROGRAMME, _see_time, _change_time),
    "relationships.calendarfeed": (Confidentiality.PERSONAL, _see_own, _change_own),
}
