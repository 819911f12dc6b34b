"""Mentoring requests (C3) and two allocation routes (C5): every write, one use case each.

A mentee (or their coordinator) records what they need from a mentor. While the
request waits, the mentee may choose a mentor from the shortlist the engine ranks
for them (a coordinator approves the choice) or name a mentor they found
themselves (the course leader approves). Approval proposes the pair through
``relationships.services.propose``, which checks the hard constraints again on
the stored records: a mentor who withdrew consent meanwhile is refused there,
and nothing is changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tandem.core import audit, policies
from tandem.core.notify import notify
from tandem.core.roles import Role
from tandem.core.tenancy import system_access
from tandem.matching.models import MentoringRequest, RequestStatus, Route
from tandem.mentors.models import Mode, Subject
from tandem.organisations.models import Membership, PartnershipMember, Person
from tandem.programmes.models import CohortStatus
from tandem.relationships.models import PENDING, Mentorship, MentorshipStatus, Source

if TYPE_CHECKING:
    from tandem.core.actor import Actor

NEEDS_MIN = 10
NEEDS_MAX = 2000
WAITING = (RequestStatus.OPEN, RequestStatus.AWAITING_APPROVAL)
EDITABLE = ("subject", "cohort", "development_needs", "modes", "availability", "preferences")
STALE = (
    "Someone else changed this request while you were looking at it. Nothing was changed: "
    "reload the page to see the request as it is now, then try again."
)
NO_LONGER_AWAITING = "This request is no longer waiting for approval"
# Mentors never offered again for a request: they declined it or did not answer.
TRIED = (MentorshipStatus.DECLINED, MentorshipStatus.EXPIRED)


# --- who may do what --------------------------------------------------------------------


def is_mentee_at(person: Person, organisation: Any) -> bool:
    with system_access():
        return (
            Membership.objects.current()
            .filter(person=person, organisation=organisation, role=Role.MENTEE)
            .exists()
        )


def mentee_organisation_ids(person: Person | None) -> set[int]:
    """Organisations where the person is a mentee today."""
    if person is None:
        return set()
    with system_access():
        return set(
            Membership.objects.current()
            .filter(person=person, role=Role.MENTEE)
            .values_list("organisation_id", flat=True)
        )


def can_add_requests_for(actor: Actor, organisation: Any) -> bool:
    """Coordinators record requests for their organisation's mentees."""
    return actor.is_superuser or organisation.pk in actor.coordinator_of


def can_decide(actor: Actor, request: MentoringRequest) -> bool:
    """A shortlist choice: the organisation's coordinators. A mentor the mentee found
    themselves: its course leaders (tutors), or its coordinators. Never the mentee."""
    if request.mentee_id == actor.person_id and actor.person_id is not None:
        return False
    if actor.is_superuser:
        return True
    if request.route == Route.SHORTLIST:
        return request.organisation_id in actor.coordinator_of
    if request.route == Route.SELF_IDENTIFIED:
        return request.organisation_id in actor.organisations_where({Role.TUTOR, Role.COORDINATOR})
    return False


def _require_mentee(actor: Actor, request: MentoringRequest, doing: str) -> None:
    if actor.person_id is None or actor.person_id != request.mentee_id:
        raise PermissionDenied(f"Only the mentee {doing}")


def _staff(organisation: Any, roles: Iterable[str]) -> list[Person]:
    with system_access():
        return list(
            Person.objects.filter(
                memberships__in=Membership.objects.current().filter(
                    organisation=organisation, role__in=list(roles)
                )
            )
            .distinct()
            .order_by("family_name", "given_name")
        )


def course_leaders(organisation: Any) -> list[Person]:
    """People with the tutor role; the coordinators when the organisation has none."""
    return _staff(organisation, [Role.TUTOR]) or _staff(organisation, [Role.COORDINATOR])


def coordinators(organisation: Any) -> list[Person]:
    return _staff(organisation, [Role.COORDINATOR])


# --- checks shared by create and update -------------------------------------------------


def needs_problem(text: str) -> str | None:
    """What is wrong with the development needs as written, or None."""
    text = (text or "").strip()
    if not text:
        return "Describe what you would like to develop with a mentor"
    if len(text) < NEEDS_MIN:
        return (
            f"Describe what you would like to develop in at least {NEEDS_MIN} characters, "
            "so a mentor can be matched to it"
        )
    if len(text) > NEEDS_MAX:
        return f"Keep what you would like to develop to {NEEDS_MAX} characters or fewer"
    return None


def _programme_runs_at(programme: Any, organisation: Any) -> bool:
    if programme.organisation_id is not None:
        return programme.organisation_id == organisation.pk
    with system_access():
        return PartnershipMember.objects.filter(
            partnership_id=programme.partnership_id, organisation=organisation
        ).exists()


def _field_errors(
    *, programme: Any, organisation: Any, data: dict[str, Any], creating: bool
) -> dict[str, list[str]]:
    """Problems with the submitted fields, by field."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if creating:
        if not _programme_runs_at(programme, organisation):
            add("programme", f"{programme} is not a programme {organisation} takes part in.")
        elif not programme.is_active:
            add("programme", f"{programme} is closed to new requests; choose another programme.")
    if "subject" in data:
        subject = data["subject"]
        if subject is None:
            add("subject", "Choose the subject you teach or want help with")
        elif not subject.is_active:
            add("subject", f"{subject} is no longer offered; choose another subject.")
    if "cohort" in data and data["cohort"] is not None:
        cohort = data["cohort"]
        if cohort.programme_id != programme.pk or cohort.organisation_id != organisation.pk:
            add("cohort", f"{cohort.name} is not a cohort of {programme} at {organisation}.")
        elif cohort.status == CohortStatus.CLOSED:
            add("cohort", f"{cohort.name} has closed; choose a current cohort, or none.")
    if "development_needs" in data:
        problem = needs_problem(data["development_needs"])
        if problem:
            add("development_needs", problem)
    if "modes" in data:
        bad = [m for m in data["modes"] or [] if m not in Mode.values]
        if bad:
            add("modes", f"Unknown ways of meeting: {', '.join(map(str, bad))}")
    if "availability" in data and len(data["availability"] or "") > 300:
        add("availability", "Keep when you are free to 300 characters or fewer")
    if "preferences" in data and len(data["preferences"] or "") > NEEDS_MAX:
        add("preferences", f"Keep this to {NEEDS_MAX} characters or fewer")
    return errors


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    out = dict(data)
    for name in ("development_needs", "availability", "preferences"):
        if name in out:
            out[name] = (out[name] or "").strip()
    if "modes" in out:
        out["modes"] = list(dict.fromkeys(str(getattr(m, "value", m)) for m in out["modes"] or []))
    return out


def _organisation_for(mentee: Person, programme: Any, cohort: Any) -> Any:
    """Where a request runs when the caller did not say: the cohort's, the programme's,
    or the mentee's organisation in the programme's partnership."""
    if cohort is not None:
        return cohort.organisation
    if programme.organisation_id is not None:
        return programme.organisation
    mine = mentee_organisation_ids(mentee)
    with system_access():
        member = (
            PartnershipMember.objects.filter(
                partnership_id=programme.partnership_id, organisation_id__in=mine
            )
            .select_related("organisation")
            .order_by("organisation__name")
            .first()
        )
    if member is None:
        raise ValidationError(
            {"programme": f"{programme} is not run by an organisation where {mentee} is a mentee."}
        )
    return member.organisation


def _waiting_request(mentee: Person, programme: Any, exclude: int | None = None) -> Any:
    with system_access():
        qs = MentoringRequest.objects.filter(mentee=mentee, programme=programme, status__in=WAITING)
        if exclude is not None:
            qs = qs.exclude(pk=exclude)
        return qs.first()


# --- recording and changing a request ----------------------------------------------------


@transaction.atomic
def create_request(
    actor: Actor,
    *,
    mentee: Person,
    programme: Any,
    subject: Subject | None,
    development_needs: str,
    organisation: Any = None,
    cohort: Any = None,
    modes: Iterable[str] = (),
    availability: str = "",
    preferences: str = "",
) -> MentoringRequest:
    """A mentee asks for a mentor, or a coordinator records it for them."""
    if actor.person_id is None and not actor.is_superuser:
        raise PermissionDenied("Only people in Tandem ask for a mentor")
    if programme is None:
        raise ValidationError({"programme": "Choose the programme you are on"})
    is_self = mentee.pk == actor.person_id
    if is_self and not mentee_organisation_ids(mentee):
        raise PermissionDenied("Only mentees ask for a mentor")
    if organisation is None:
        organisation = _organisation_for(mentee, programme, cohort)
    if not is_self and not can_add_requests_for(actor, organisation):
        raise PermissionDenied(f"Only coordinators of {organisation} add requests for its mentees")
    data = _clean(
        {
            "subject": subject,
            "cohort": cohort,
            "development_needs": development_needs,
            "modes": modes,
            "availability": availability,
            "preferences": preferences,
        }
    )
    errors = _field_errors(programme=programme, organisation=organisation, data=data, creating=True)
    if not is_mentee_at(mentee, organisation):
        field = "programme" if is_self else "mentee"
        errors.setdefault(field, []).insert(
            0,
            f"You are not a mentee at {organisation}."
            if is_self
            else f"{mentee} is not a mentee at {organisation}.",
        )
    if errors:
        raise ValidationError(errors)
    with system_access():
        # One request at a time per mentee and programme: serialise on the mentee.
        Person.objects.select_for_update().filter(pk=mentee.pk).first()
    existing = _waiting_request(mentee, programme)
    if existing is not None:
        who = "You already have" if is_self else f"{mentee} already has"
        raise ValidationError(
            {
                "programme": (
                    f"{who} a request for a mentor on {programme} "
                    f"({existing.get_status_display().lower()}). Change or withdraw that "
                    "request instead of making another."
                )
            }
        )
    request = MentoringRequest.objects.create(
        organisation=organisation,
        mentee=mentee,
        programme=programme,
        created_by=actor.person,
        **data,
    )
    audit.record(
        actor,
        "matching.request.created",
        request,
        organisation=organisation,
        changes={
            "programme": str(programme),
            "cohort": cohort.name if cohort else None,
            "subject": str(subject),
        },
    )
    if is_self:
        notify(coordinators(organisation), "matching/email/request_created.txt", {"req": request})
    return request


def _lock(request: MentoringRequest, expected_version: int | None) -> MentoringRequest:
    locked = (
        MentoringRequest._base_manager.select_for_update(of=("self",))
        .select_related("mentee", "organisation", "programme", "subject", "cohort", "chosen_mentor")
        .get(pk=request.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise ValidationError(STALE)
    return locked


def _save(request: MentoringRequest, **fields: Any) -> MentoringRequest:
    for name, value in fields.items():
        setattr(request, name, value)
    request.version += 1
    request.save(update_fields=[*fields, "version"])
    return request


def _not_open(request: MentoringRequest, doing: str) -> ValidationError:
    status = request.get_status_display().lower()
    return ValidationError(
        f"Only a request still waiting for a mentor can be {doing}: this one is {status}."
    )


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, list)):
        return value
    return str(value)


@transaction.atomic
def update_request(
    actor: Actor, request: MentoringRequest, *, expected_version: int, **data: Any
) -> MentoringRequest:
    """The mentee or a coordinator changes a request that still waits for a mentor."""
    if not policies.can_change(actor, request):
        raise PermissionDenied("Only the mentee and their coordinators change this request")
    unknown = set(data) - set(EDITABLE)
    if unknown:
        raise ValidationError(f"These fields cannot be changed: {', '.join(sorted(unknown))}")
    locked = _lock(request, expected_version)
    if locked.status != RequestStatus.OPEN:
        raise _not_open(locked, "changed")
    data = _clean(data)
    errors = _field_errors(
        programme=locked.programme, organisation=locked.organisation, data=data, creating=False
    )
    if errors:
        raise ValidationError(errors)
    changes = {
        name: [_plain(getattr(locked, name)), _plain(value)]
        for name, value in data.items()
        if getattr(locked, name) != value
    }
    if not changes:
        return locked
    _save(locked, **{name: data[name] for name in changes})
    audit.record(
        actor, "matching.request.changed", locked, organisation=locked.organisation, changes=changes
    )
    return locked


@transaction.atomic
def withdraw_request(
    actor: Actor, request: MentoringRequest, *, expected_version: int | None = None
) -> MentoringRequest:
    """The mentee or a coordinator no longer needs a mentor found through this request.

    A proposal not yet started is withdrawn with it (by a coordinator); a mentorship
    already under way is ended from its own page instead.
    """
    from tandem.relationships import services as relationships

    if not policies.can_change(actor, request):
        raise PermissionDenied("Only the mentee and their coordinators withdraw this request")
    locked = _lock(request, expected_version)
    if locked.status == RequestStatus.WITHDRAWN:
        raise ValidationError("This request is already withdrawn.")
    with system_access():
        mentorships = list(
            Mentorship.objects.filter(
                request=locked, status__in=(*PENDING, MentorshipStatus.ACTIVE)
            ).select_related("mentor")
        )
    for m in mentorships:
        if m.status == MentorshipStatus.ACTIVE:
            raise ValidationError(
                f"{m.mentor} is already mentoring {locked.mentee} through this request. "
                "The mentorship is ended from its own page; the request cannot be withdrawn."
            )
        if not policies.can_change(actor, m):
            raise ValidationError(
                f"{m.mentor} has already been asked to be your mentor. Ask your coordinator "
                "to withdraw the offer; the request is withdrawn with it."
            )
    before = locked.status
    _save(locked, status=RequestStatus.WITHDRAWN)
    for m in mentorships:
        relationships.withdraw(actor, m)
    audit.record(
        actor,
        "matching.request.withdrawn",
        locked,
        organisation=locked.organisation,
        changes={
            "status": [before, RequestStatus.WITHDRAWN],
            "proposals_withdrawn": len(mentorships),
        },
    )
    return locked


# --- the mentee chooses, or names their own mentor ----------------------------------------


def tried_mentors(request: MentoringRequest) -> set[int]:
    """Mentors who declined this request or let the offer lapse: never offered again."""
    with system_access():
        return set(
            Mentorship.objects.filter(request_id=request.pk, status__in=TRIED).values_list(
                "mentor_id", flat=True
            )
        )


def current_shortlist(request: MentoringRequest, k: int = 5) -> list[Any]:
    from tandem.matching.adapter import shortlist_for_request

    return shortlist_for_request(request, k=k, exclude=tried_mentors(request))


def _offerable(request: MentoringRequest, mentor: Person) -> bool:
    """Is the person a mentor of the request's organisation or a partner sharing mentors?"""
    from tandem.matching.adapter import partner_organisations
    from tandem.mentors.models import MentorProfile

    organisations = {request.organisation_id} | set(partner_organisations(request.organisation_id))
    with system_access():
        return MentorProfile.objects.filter(
            person=mentor, organisation_id__in=organisations
        ).exists()


@transaction.atomic
def choose_from_shortlist(
    actor: Actor,
    request: MentoringRequest,
    mentor: Person,
    *,
    expected_version: int | None = None,
) -> MentoringRequest:
    """The mentee picks a mentor on their current shortlist; a coordinator approves it."""
    from tandem.relationships.services import pair_problems

    _require_mentee(actor, request, "chooses their mentor")
    locked = _lock(request, expected_version)
    if locked.status != RequestStatus.OPEN:
        raise _not_open(locked, "given a mentor")
    candidates = {c.person.pk: c for c in current_shortlist(locked)}
    chosen = candidates.get(mentor.pk)
    if chosen is None:
        message = f"{mentor} is not on your shortlist"
        if _offerable(locked, mentor):
            problems = pair_problems(
                mentee=locked.mentee,
                mentor=mentor,
                organisation=locked.organisation,
                programme=locked.programme,
            )
            if problems:
                message += " any more: " + " ".join(problems)
            else:
                message += " any more."
        else:
            message += "."
        raise ValidationError({"mentor": f"{message} Choose one of the mentors listed."})
    _save(
        locked,
        chosen_mentor=mentor,
        route=Route.SHORTLIST,
        status=RequestStatus.AWAITING_APPROVAL,
        decision_note="",
        decided_by=None,
        decided_at=None,
    )
    audit.record(
        actor,
        "matching.request.chosen",
        locked,
        organisation=locked.organisation,
        changes={"mentor": str(mentor), "score": chosen.score, "route": Route.SHORTLIST},
    )
    notify(
        coordinators(locked.organisation),
        "matching/email/request_chosen.txt",
        {"req": locked, "mentor": mentor},
    )
    return locked


NOT_PROPOSABLE = (
    "We can't propose this person as your mentor. Check the email address, or ask your coordinator."
)
LINE_MANAGER = "Your line manager can't be your mentor."
NOT_YOURSELF = "You can't be your own mentor. Enter your mentor's email address."


def proposable_mentor(request: MentoringRequest, email: str) -> Person | None:
    """The mentor with this email address whom the request's mentee may name, or None.

    Only an approved mentor who takes new mentees, at the request's organisation
    or listed in the directory of a partnership it belongs to by an organisation
    sharing its mentors there (the rule the shortlist uses). Anyone else is None,
    whoever they are, so the mentee learns nothing about them.
    """
    from tandem.mentors.directory import _listed_q
    from tandem.mentors.models import MentorProfile, ProfileStatus

    with system_access():
        partnerships = PartnershipMember.objects.filter(
            organisation_id=request.organisation_id
        ).values("partnership_id")
        profile = (
            MentorProfile.objects.filter(person__email__iexact=email)
            .filter(
                Q(
                    organisation_id=request.organisation_id,
                    status=ProfileStatus.APPROVED,
                    consents_to_matching=True,
                )
                | (_listed_q(partnerships) & ~Q(organisation_id=request.organisation_id))
            )
            .select_related("person")
            .first()
        )
    return profile.person if profile is not None else None


def _own_mentor_problem(mentee: Person, email: str) -> str | None:
    """What the mentee is told about the mentor they named: only their own information."""
    from tandem.organisations.services.line_management import managers_above

    if mentee.email and mentee.email.lower() == email.lower():
        return NOT_YOURSELF
    with system_access():
        named = set(Person.objects.filter(email__iexact=email).values_list("pk", flat=True))
    if named & managers_above({mentee.pk})[mentee.pk]:
        return LINE_MANAGER
    return None


@transaction.atomic
def identify_own_mentor(
    actor: Actor,
    request: MentoringRequest,
    email: str,
    *,
    expected_version: int | None = None,
) -> MentoringRequest:
    """The mentee names a mentor they found; the course leader approves them.

    The mentee is told only that the person cannot be proposed (or, their own
    information, that it is their line manager): never who the person is, where
    they work or why. Staff see the detailed reasons when they approve.
    """
    from tandem.relationships.services import pair_problems

    _require_mentee(actor, request, "names their own mentor")
    email = (email or "").strip()
    if not email:
        raise ValidationError({"email": "Enter your mentor's email address"})
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            {"email": "Enter an email address in the correct format, like name@example.org"}
        ) from None
    locked = _lock(request, expected_version)
    if locked.status != RequestStatus.OPEN:
        raise _not_open(locked, "given a mentor")
    own = _own_mentor_problem(locked.mentee, email)
    if own is not None:
        raise ValidationError({"email": own})
    mentor = proposable_mentor(locked, email)
    if mentor is None or pair_problems(
        mentee=locked.mentee,
        mentor=mentor,
        organisation=locked.organisation,
        programme=locked.programme,
    ):
        raise ValidationError({"email": NOT_PROPOSABLE})
    _save(
        locked,
        chosen_mentor=mentor,
        route=Route.SELF_IDENTIFIED,
        status=RequestStatus.AWAITING_APPROVAL,
        decision_note="",
        decided_by=None,
        decided_at=None,
    )
    audit.record(
        actor,
        "matching.request.mentor_identified",
        locked,
        organisation=locked.organisation,
        changes={"mentor": str(mentor), "route": Route.SELF_IDENTIFIED},
    )
    notify(
        course_leaders(locked.organisation),
        "matching/email/request_own_mentor.txt",
        {"req": locked, "mentor": mentor},
    )
    return locked


# --- the decision -----------------------------------------------------------------------


def _score_and_why(request: MentoringRequest, mentor: Person) -> tuple[int | None, list[str]]:
    """The engine's score and reasons for this pair, when it ranks the mentor at all."""
    from tandem.matching.services import why_lines

    for c in current_shortlist(request, k=10):
        if c.person.pk == mentor.pk:
            return c.score, why_lines(c.parts, c.rung_label, request.programme.weights())
    return None, []


@transaction.atomic
def decide(
    actor: Actor,
    request: MentoringRequest,
    *,
    approve: bool,
    note: str = "",
    expected_version: int | None = None,
) -> MentoringRequest:
    """Approve the mentee's chosen mentor (the mentor is asked) or send the choice back."""
    from tandem.relationships.services import propose

    if request.mentee_id == actor.person_id:
        raise PermissionDenied("Nobody approves their own choice of mentor")
    locked = _lock(request, None)
    staff = locked.organisation_id in actor.organisations_where({Role.TUTOR, Role.COORDINATOR})
    if not (staff or actor.is_superuser):
        raise PermissionDenied(
            f"Only course leaders and coordinators of {locked.organisation} approve mentors"
        )
    if expected_version is not None and locked.version != expected_version:
        raise ValidationError(STALE)
    if locked.status != RequestStatus.AWAITING_APPROVAL or locked.chosen_mentor is None:
        status = locked.get_status_display().lower()
        raise ValidationError(f"{NO_LONGER_AWAITING}: it is {status}.")
    if not can_decide(actor, locked):
        if locked.route == Route.SELF_IDENTIFIED:
            raise PermissionDenied(
                f"Only course leaders and coordinators of {locked.organisation} approve "
                "a mentor the mentee found"
            )
        raise PermissionDenied(
            f"Only coordinators of {locked.organisation} approve a choice from the shortlist"
        )
    mentor, mentee = locked.chosen_mentor, locked.mentee
    if mentor.pk == actor.person_id:
        raise PermissionDenied("Nobody approves themself as a mentor")
    note = (note or "").strip()
    if len(note) > 500:
        raise ValidationError({"note": "Keep the note to 500 characters or fewer"})
    now = timezone.now()
    if approve:
        score, why = _score_and_why(locked, mentor)
        try:
            mentorship = propose(
                actor,
                mentee=mentee,
                mentor=mentor,
                organisation=locked.organisation,
                programme=locked.programme,
                source=Source.SHORTLIST
                if locked.route == Route.SHORTLIST
                else Source.SELF_IDENTIFIED,
                cohort=locked.cohort,
                request=locked,
                score=score,
                why=why,
            )
        except ValidationError as exc:
            raise ValidationError(
                f"{mentor} cannot be proposed as {mentee}'s mentor now. "
                + " ".join(exc.messages)
                + f" Nothing was changed. Choose not to approve, and say why in the note, so "
                f"{mentee.given_name} can choose again."
            ) from None
        _save(
            locked,
            status=RequestStatus.MATCHED,
            decision_note=note,
            decided_by=actor.person,
            decided_at=now,
        )
        audit.record(
            actor,
            "matching.request.approved",
            locked,
            organisation=locked.organisation,
            changes={
                "mentor": str(mentor),
                "route": locked.route,
                "mentorship": str(mentorship.uuid),
                "note": note,
            },
        )
        notify([mentee], "matching/email/request_approved.txt", {"req": locked, "mentor": mentor})
        return locked
    if not note:
        raise ValidationError(
            {"note": "Say why you do not approve this mentor, so the mentee knows what to do next"}
        )
    route = locked.route
    _save(
        locked,
        status=RequestStatus.OPEN,
        chosen_mentor=None,
        route=Route.COORDINATOR,
        decision_note=note,
        decided_by=actor.person,
        decided_at=now,
    )
    audit.record(
        actor,
        "matching.request.rejected",
        locked,
        organisation=locked.organisation,
        changes={"mentor": str(mentor), "route": route, "note": note},
    )
    notify(
        [mentee],
        "matching/email/request_rejected.txt",
        {"req": locked, "mentor": mentor, "note": note},
    )
    return locked
