"""Rules for mentor training and CPD (E1–E6).

A course belongs to the organisation that runs it. Once published, its people
(and, when the course is open to the partnerships, the partners' people) see it;
drafts stay with the course staff. What a learner writes — reflective answers,
submissions, practice hours — is seen by the learner and the staff of the
course, not by the learner's line manager. Credentials are also followed by the
learner's own coordinators; their public verification page goes through
``training.credentials`` and shows only what the credential itself states.
A CPD record is the person's, their coordinators' and their line managers'.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q

from tandem.core.policies.common import NOTHING, Rule, _line_report_ids, _model
from tandem.core.roles import Confidentiality, Role

if TYPE_CHECKING:
    from tandem.core.actor import Actor

LIVE_STATUSES = ("published", "archived")


def course_staff_of(actor: Actor) -> frozenset[int]:
    """Organisations whose courses the actor teaches, assesses or runs."""
    return actor.organisations_where({Role.TRAINER, Role.TUTOR, Role.COORDINATOR})


def course_builders_of(actor: Actor) -> frozenset[int]:
    """Organisations whose courses the actor may build, publish and revoke credentials of."""
    return actor.organisations_where({Role.TRAINER, Role.COORDINATOR})


# --- courses and what they are made of ---------------------------------------------------


def _see_course_q(actor: Actor, prefix: str = "") -> Q:
    if actor.person_id is None:
        return NOTHING
    p = prefix
    live = Q(**{f"{p}status__in": LIVE_STATUSES}) & (
        Q(
            **{
                f"{p}organisation_id__in": actor.organisation_ids
                | actor.administered_organisation_ids
            }
        )
        | Q(
            **{
                f"{p}shared_with_partnerships": True,
                f"{p}organisation_id__in": actor.partner_organisation_ids,
            }
        )
    )
    return Q(**{f"{p}organisation_id__in": course_staff_of(actor)}) | live


def _see_course(actor: Actor) -> Q:
    return _see_course_q(actor)


def _change_course(actor: Actor, obj: Any) -> bool:
    return obj.organisation_id in course_builders_of(actor)


def _see_course_part(actor: Actor) -> Q:
    return _see_course_q(actor, "course__")


def _change_course_part(actor: Actor, obj: Any) -> bool:
    return obj.course.organisation_id in course_builders_of(actor)


def _see_module_part(actor: Actor) -> Q:
    return _see_course_q(actor, "module__course__")


def _change_module_part(actor: Actor, obj: Any) -> bool:
    return obj.module.course.organisation_id in course_builders_of(actor)


def _see_live_session(actor: Actor) -> Q:
    return _see_course_q(actor, "run__course__")


def _change_live_session(actor: Actor, obj: Any) -> bool:
    return obj.run.course.organisation_id in course_builders_of(actor)


# --- learning ----------------------------------------------------------------------------


def _see_enrolment_q(actor: Actor, prefix: str = "", *, own_coordinators: bool = True) -> Q:
    if actor.person_id is None:
        return NOTHING
    p = prefix
    q = Q(**{f"{p}person_id": actor.person_id}) | Q(
        **{f"{p}run__course__organisation_id__in": course_staff_of(actor)}
    )
    if own_coordinators:
        q |= Q(**{f"{p}organisation_id__in": actor.coordinator_of})
    return q


def _see_enrolment(actor: Actor) -> Q:
    return _see_enrolment_q(actor)


def _change_enrolment(actor: Actor, obj: Any) -> bool:
    return obj.person_id == actor.person_id or obj.run.course.organisation_id in course_builders_of(
        actor
    )


def _see_enrolment_record(actor: Actor) -> Q:
    """Completions and practice hours: like the enrolment itself."""
    return _see_enrolment_q(actor, "enrolment__")


def _change_enrolment_record(actor: Actor, obj: Any) -> bool:
    return obj.enrolment.person_id == actor.person_id


def _see_learners_work(actor: Actor) -> Q:
    """Answers and submissions: the learner and the course's staff only."""
    return _see_enrolment_q(actor, "enrolment__", own_coordinators=False)


def _change_answer(actor: Actor, obj: Any) -> bool:
    return obj.enrolment.person_id == actor.person_id


def _change_submission(actor: Actor, obj: Any) -> bool:
    """The learner (before it is assessed) and the course staff (to assess it)."""
    return (
        obj.enrolment.person_id == actor.person_id
        or obj.enrolment.run.course.organisation_id in course_staff_of(actor)
    )


# --- credentials -------------------------------------------------------------------------


def _see_issuer_key(actor: Actor) -> Q:
    if actor.person_id is None:
        return NOTHING
    return Q(organisation_id__in=course_builders_of(actor))


def _never(actor: Actor, obj: Any) -> bool:
    return False


def _see_credential(actor: Actor) -> Q:
    if actor.person_id is None:
        return NOTHING
    return (
        Q(recipient_id=actor.person_id)
        | Q(course__organisation_id__in=course_staff_of(actor))
        | Q(enrolment__organisation_id__in=actor.coordinator_of)
    )


def _change_credential(actor: Actor, obj: Any) -> bool:
    return obj.issuer_id in course_builders_of(actor)


# --- the CPD record ----------------------------------------------------------------------


def _people_coordinated_by(actor: Actor) -> Any:
    """People who belong now to an organisation the actor coordinates (a subquery)."""
    membership = _model("organisations.Membership")
    return (
        membership.objects.current()
        .filter(organisation_id__in=actor.coordinator_of)
        .values("person_id")
    )


def _coordinates(actor: Actor, person: Any) -> bool:
    """Does the actor coordinate an organisation the person belongs to now?"""
    if not actor.coordinator_of:
        return False
    from tandem.core.tenancy import system_access

    membership = _model("organisations.Membership")
    with system_access():
        return (
            membership.objects.current()
            .filter(person_id=person.pk, organisation_id__in=actor.coordinator_of)
            .exists()
        )


def can_see_cpd_of(actor: Actor, person: Any) -> bool:
    """A person's CPD record: the person, the coordinators of an organisation they belong
    to now, and their line managers up the chain — the same people who see its entries."""
    if actor.is_superuser:
        return True
    if actor.person_id is None:
        return False
    if person.pk == actor.person_id or person.pk in _line_report_ids(actor):
        return True
    return _coordinates(actor, person)


def _see_cpd_entry(actor: Actor) -> Q:
    if actor.person_id is None:
        return NOTHING
    q = Q(person_id=actor.person_id)
    if actor.coordinator_of:
        q |= Q(person_id__in=_people_coordinated_by(actor))
    reports = _line_report_ids(actor)
    if reports:
        q |= Q(person_id__in=reports)
    return q


def _change_cpd_entry(actor: Actor, obj: Any) -> bool:
    """The person, and the coordinators of an organisation they belong to now (line
    managers read the record; they do not write in it)."""
    return obj.person_id == actor.person_id or _coordinates(actor, obj.person)


RULES: dict[str, Rule] = {
    "training.course": (Confidentiality.ORGANISATION, _see_course, _change_course),
    "training.courserun": (Confidentiality.ORGANISATION, _see_course_part, _change_course_part),
    "training.module": (Confidentiality.ORGANISATION, _see_course_part, _change_course_part),
    "training.contentpage": (
        Confidentiality.ORGANISATION,
        _see_module_part,
        _change_module_part,
    ),
    "training.activity": (Confidentiality.ORGANISATION, _see_module_part, _change_module_part),
    "training.livesession": (
        Confidentiality.ORGANISATION,
        _see_live_session,
        _change_live_session,
    ),
    "training.enrolment": (Confidentiality.PERSONAL, _see_enrolment, _change_enrolment),
    "training.modulecompletion": (
        Confidentiality.PERSONAL,
        _see_enrolment_record,
        _never,
    ),
    "training.practiceentry": (
        Confidentiality.PERSONAL,
        _see_enrolment_record,
        _change_enrolment_record,
    ),
    "training.answer": (Confidentiality.PERSONAL, _see_learners_work, _change_answer),
    "training.submission": (Confidentiality.PERSONAL, _see_learners_work, _change_submission),
    "training.issuerkey": (Confidentiality.ORGANISATION, _see_issuer_key, _never),
    "training.credential": (Confidentiality.PERSONAL, _see_credential, _change_credential),
    "training.cpdentry": (Confidentiality.PERSONAL, _see_cpd_entry, _change_cpd_entry),
}
