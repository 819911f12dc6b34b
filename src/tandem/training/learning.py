"""Learning (E2): enrolling, reflective answers, assessed submissions, practice hours,
completing units and courses.

Completing a unit records it once (a second time is harmless), issues the unit's badge,
and completes the course when its rule is met: the certificate is issued and, for
mentor training, the learner's mentor profile is marked trained. Each use case is one
transaction: nothing is half-written.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tandem.core import audit, policies
from tandem.core.notify import notify
from tandem.core.roles import Role
from tandem.core.tenancy import system_access
from tandem.training import project, selectors
from tandem.training.learning_selectors import (  # noqa: F401  (the learning contract)
    COMPLETED,
    NEEDS_PREVIOUS,
    OPEN,
    answered_activity_ids,
    met_activity_ids,
    module_state,
    modules_of,
    practice_hours,
    previous_module,
    progress,
    state_opens_on,
)
from tandem.training.models import (
    Activity,
    ActivityKind,
    Answer,
    CourseRun,
    CourseStatus,
    Enrolment,
    EnrolmentStatus,
    Module,
    ModuleCompletion,
    Outcome,
    PracticeEntry,
    Submission,
)
from tandem.training.selectors import day
from tandem.training.uploads import check_upload

if TYPE_CHECKING:
    from tandem.core.actor import Actor

MAX_ANSWER_CHARS = 20_000
MAX_TEXT_CHARS = 100_000
MAX_FEEDBACK_CHARS = 20_000
# An autosaved answer is audited when written first and then at most this often.
ANSWER_AUDIT_GAP_SECONDS = 600
WITHDRAWN = "You have withdrawn from this course"


def _require_learner(actor: Actor, enrolment: Enrolment, doing: str) -> None:
    if actor.person_id is None or actor.person_id != enrolment.person_id:
        raise PermissionDenied(f"Only the learner {doing}")


def _lock(actor: Actor, enrolment: Enrolment) -> Enrolment:
    """The enrolment row, locked for the rest of the transaction."""
    return Enrolment.objects.visible_to(actor).select_for_update(of=("self",)).get(pk=enrolment.pk)


def _course_activity(enrolment: Enrolment, activity: Activity) -> None:
    if activity.module.course_id != enrolment.run.course_id:
        raise ValidationError({"activity": "That activity is not part of this course"})


def _unit_open(enrolment: Enrolment, module: Module, field: str, today: date | None) -> None:
    """Refuse work on a unit that has not opened for the learner yet."""
    state = module_state(enrolment, module, today)
    opening = state_opens_on(state)
    if opening is not None:
        raise ValidationError({field: f"{module.title} opens on {day(opening)}"})
    if state == NEEDS_PREVIOUS:
        before = previous_module(enrolment, module)
        raise ValidationError(
            {field: f"Complete {before.title if before else 'the previous unit'} first"}
        )


def _touch(enrolment: Enrolment, now: datetime) -> None:
    enrolment.last_active_at = now
    enrolment.save(update_fields=["last_active_at"])


def _staff_of(organisation_id: int, roles: list[str]) -> list[Any]:
    from tandem.organisations.models import Membership, Person

    with system_access():
        return list(
            Person.objects.filter(
                memberships__in=Membership.objects.current().filter(
                    organisation_id=organisation_id, role__in=roles
                )
            )
            .distinct()
            .order_by("family_name", "given_name")
        )


def _set_training_status(person_id: int, *, to: str, only_from: tuple[str, ...]) -> int:
    """Move the person's mentor profiles on (never backwards). Returns how many changed."""
    from tandem.mentors.models import MentorProfile

    with system_access():
        return MentorProfile.objects.filter(
            person_id=person_id, training_status__in=only_from
        ).update(training_status=to)


# --- enrolling -------------------------------------------------------------------------


def _learner_organisation_id(actor: Actor, run: CourseRun) -> int | None:
    """The course's organisation when the learner belongs to it, else their active one."""
    if run.course.organisation_id in actor.organisation_ids:
        return run.course.organisation_id
    active = actor.active_organisation
    return active.organisation_id if active is not None else None


def _check_window(run: CourseRun, today: date) -> None:
    if run.course.status != CourseStatus.PUBLISHED:
        raise ValidationError({"run": f"{run.course} is not open for enrolment"})
    if today < run.enrolment_opens_on:
        raise ValidationError(
            {"run": f"Enrolment for {run.name} opens on {day(run.enrolment_opens_on)}"}
        )
    if run.enrolment_closes_on is not None and today > run.enrolment_closes_on:
        raise ValidationError(
            {"run": f"Enrolment for {run.name} closed on {day(run.enrolment_closes_on)}"}
        )


def _check_places(run: CourseRun) -> None:
    """Refuse a full run. Places are counted by the catalogue's rule (selectors)."""
    if run.places is None:
        return
    with system_access():
        CourseRun.objects.select_for_update(of=("self",)).filter(pk=run.pk).first()  # one at a time
        counted = selectors.with_places(CourseRun.objects.filter(pk=run.pk)).get()
    if selectors.places_left(counted) == 0:
        raise ValidationError({"run": f"{run.name} is full: all {run.places} places are taken"})


@transaction.atomic
def enrol(actor: Actor, run: CourseRun, *, today: date | None = None) -> Enrolment:
    """Join a run while its enrolment is open. Enrolling again returns the enrolment
    (``created`` False); someone who withdrew rejoins it."""
    if actor.person_id is None:
        raise PermissionDenied("Only a person with a Tandem profile can enrol")
    today = today or timezone.localdate()
    now = timezone.now()
    existing = Enrolment.objects.visible_to(actor).filter(run=run, person_id=actor.person_id)
    enrolment = existing.select_for_update(of=("self",)).first()
    if enrolment is not None and enrolment.status != EnrolmentStatus.WITHDRAWN:
        enrolment.created = False
        return enrolment
    _check_window(run, today)
    _check_places(run)
    if enrolment is not None:  # rejoining after withdrawing
        enrolment.status = EnrolmentStatus.ACTIVE
        enrolment.withdrawn_at = None
        enrolment.version += 1
        enrolment.save(update_fields=["status", "withdrawn_at", "version"])
        code = "training.enrolment.rejoined"
    else:
        organisation_id = _learner_organisation_id(actor, run)
        if organisation_id is None:
            raise ValidationError({"run": "You need to belong to an organisation to enrol"})
        try:
            with transaction.atomic():
                enrolment = Enrolment.objects.create(
                    run=run,
                    person=actor.person,
                    organisation_id=organisation_id,
                    enrolled_at=now,
                    last_active_at=now,
                )
        except IntegrityError:  # enrolled at the same moment from another tab
            enrolment = existing.get()
            enrolment.created = False
            return enrolment
        code = "training.enrolment.created"
    if run.course.is_mentor_training:
        from tandem.mentors.models import TrainingStatus

        _set_training_status(
            actor.person_id, to=TrainingStatus.IN_TRAINING, only_from=(TrainingStatus.NOT_STARTED,)
        )
    audit.record(
        actor,
        code,
        enrolment,
        organisation=enrolment.organisation_id,
        changes={"run": str(run.uuid), "course": str(run.course.uuid)},
    )
    enrolment.created = True
    return enrolment


@transaction.atomic
def withdraw(actor: Actor, enrolment: Enrolment) -> Enrolment:
    if not policies.can_change(actor, enrolment):
        raise PermissionDenied("Only the learner and the course's trainers withdraw a learner")
    locked = _lock(actor, enrolment)
    if locked.status == EnrolmentStatus.COMPLETED:
        raise ValidationError({"status": "This course is already completed"})
    if locked.status == EnrolmentStatus.WITHDRAWN:
        raise ValidationError({"status": "Already withdrawn from this course"})
    locked.status = EnrolmentStatus.WITHDRAWN
    locked.withdrawn_at = timezone.now()
    locked.version += 1
    locked.save(update_fields=["status", "withdrawn_at", "version"])
    audit.record(actor, "training.enrolment.withdrawn", locked, organisation=locked.organisation_id)
    return locked


# --- reflective answers ----------------------------------------------------------------


@transaction.atomic
def save_answer(
    actor: Actor, enrolment: Enrolment, activity: Activity, text: str, *, today: date | None = None
) -> Answer:
    """Save (or autosave) the learner's answer to a reflective question."""
    _require_learner(actor, enrolment, "writes their answers")
    if enrolment.status == EnrolmentStatus.WITHDRAWN:
        raise ValidationError({"text": WITHDRAWN})
    _course_activity(enrolment, activity)
    if activity.kind != ActivityKind.REFLECTION:
        raise ValidationError({"activity": f"‘{activity.title}’ is not a reflective question"})
    _unit_open(enrolment, activity.module, "text", today)
    text = (text or "").replace("\r\n", "\n")
    if len(text) > MAX_ANSWER_CHARS:
        raise ValidationError(
            {"text": f"Your answer must be {MAX_ANSWER_CHARS:,} characters or fewer"}
        )
    now = timezone.now()
    mine = Answer.objects.visible_to(actor).filter(enrolment=enrolment, activity=activity)
    answer = mine.select_for_update(of=("self",)).first()
    created = answer is None
    if answer is None:
        try:
            with transaction.atomic():
                answer = Answer.objects.create(enrolment=enrolment, activity=activity, text=text)
        except IntegrityError:  # two autosaves at once
            answer = mine.select_for_update(of=("self",)).get()
            created = False
    previous = answer.updated_at
    if not created:
        answer.text = text
        answer.save(update_fields=["text", "updated_at"])
    if created or (now - previous).total_seconds() > ANSWER_AUDIT_GAP_SECONDS:
        audit.record(
            actor,
            "training.answer.saved",
            answer,
            organisation=enrolment.organisation_id,
            changes={"activity": str(activity.uuid), "characters": len(text)},
        )
    _touch(enrolment, now)
    return answer


# --- submissions and assessment --------------------------------------------------------


def _store_file(submission: Submission, upload: Any, name: str) -> None:
    submission.file.save(name, upload, save=False)
    submission.file_name = name


@transaction.atomic
def submit(
    actor: Actor,
    enrolment: Enrolment,
    activity: Activity,
    *,
    text: str = "",
    upload: Any = None,
    sections: dict[str, str] | None = None,
    today: date | None = None,
) -> Submission:
    """Hand in an assignment (text and/or a file) or the programme-design project. A new
    attempt is allowed only after the last one was assessed "not yet met"."""
    _require_learner(actor, enrolment, "submits their work")
    locked = _lock(actor, enrolment)
    if locked.status == EnrolmentStatus.WITHDRAWN:
        raise ValidationError({"__all__": WITHDRAWN})
    _course_activity(locked, activity)
    if not activity.is_assessed:
        raise ValidationError(
            {"activity": f"‘{activity.title}’ is not assessed; answer it instead"}
        )
    _unit_open(locked, activity.module, "__all__", today)
    latest = (
        Submission.objects.visible_to(actor)
        .filter(enrolment=locked, activity=activity)
        .order_by("-attempt")
        .first()
    )
    if latest is not None and latest.outcome == Outcome.MET:
        raise ValidationError({"__all__": f"‘{activity.title}’ has already been assessed as met"})
    if latest is not None and not latest.outcome:
        raise ValidationError(
            {
                "__all__": f"Attempt {latest.attempt} at ‘{activity.title}’ is waiting to be "
                "assessed; you can submit again if it is assessed as not yet met"
            }
        )
    text = (text or "").strip()
    errors: dict[str, str] = {}
    cleaned: dict[str, str] = {}
    if activity.kind == ActivityKind.PROJECT:
        cleaned, errors = project.clean_sections(sections)
    elif not text and upload is None:
        errors["text"] = "Write your answer or attach a file"
    if len(text) > MAX_TEXT_CHARS:
        errors["text"] = f"Your answer must be {MAX_TEXT_CHARS:,} characters or fewer"
    name = ""
    if upload is not None:
        try:
            name = check_upload(upload, "file")
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    submission = Submission(
        enrolment=locked,
        activity=activity,
        attempt=(latest.attempt + 1) if latest is not None else 1,
        text=text,
        sections=cleaned,
        submitted_at=timezone.now(),
    )
    if upload is not None:
        _store_file(submission, upload, name)
    submission.save()
    audit.record(
        actor,
        "training.submission.created",
        submission,
        organisation=locked.organisation_id,
        changes={"activity": str(activity.uuid), "attempt": submission.attempt, "file": name},
    )
    _touch(locked, submission.submitted_at)
    staff = [p for p in staff_of_course(locked) if p.pk != locked.person_id]
    notify(staff, "training/email/submission_received.txt", {"submission": submission})
    return submission


@transaction.atomic
def assess(actor: Actor, submission: Submission, *, outcome: str, feedback: str = "") -> Submission:
    """Assess one attempt as met or not yet met, with feedback. An assessed attempt never
    changes: the learner resubmits a new attempt instead."""
    locked = (
        Submission.objects.visible_to(actor).select_for_update(of=("self",)).get(pk=submission.pk)
    )
    enrolment = locked.enrolment
    if enrolment.person_id == actor.person_id:
        raise PermissionDenied("You can't assess your own work")
    if not selectors.is_course_staff(actor, enrolment.run.course):
        raise PermissionDenied("Only the course's trainers, tutors and coordinators assess work")
    if locked.outcome:
        when = day(timezone.localdate(locked.assessed_at))
        raise ValidationError(
            {
                "outcome": f"Attempt {locked.attempt} was already assessed as "
                f"{locked.get_outcome_display().lower()} on {when}; "
                "an assessed attempt does not change"
            }
        )
    errors: dict[str, str] = {}
    if outcome not in Outcome.values:
        errors["outcome"] = "Choose whether the work has met the standard or not yet"
    feedback = (feedback or "").strip()
    if outcome == Outcome.NOT_YET_MET and not feedback:
        errors["feedback"] = "Give feedback so the learner knows what to change"
    if len(feedback) > MAX_FEEDBACK_CHARS:
        errors["feedback"] = f"Feedback must be {MAX_FEEDBACK_CHARS:,} characters or fewer"
    if errors:
        raise ValidationError(errors)
    locked.outcome = outcome
    locked.feedback = feedback
    locked.assessed_by = actor.person
    locked.assessed_at = timezone.now()
    locked.save(update_fields=["outcome", "feedback", "assessed_by", "assessed_at"])
    audit.record(
        actor,
        "training.submission.assessed",
        locked,
        organisation=enrolment.run.course.organisation_id,
        changes={"outcome": outcome, "attempt": locked.attempt},
    )
    notify([enrolment.person], "training/email/submission_assessed.txt", {"submission": locked})
    return locked


# --- practice hours --------------------------------------------------------------------


def _parse_hours(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return Decimal("NaN")


@transaction.atomic
def add_practice_entry(
    actor: Actor,
    enrolment: Enrolment,
    *,
    on: date | None,
    hours: Any,
    description: str,
    today: date | None = None,
) -> PracticeEntry:
    """Mentoring practice entered by hand (meetings and observations count on their own)."""
    _require_learner(actor, enrolment, "records their practice hours")
    locked = _lock(actor, enrolment)
    if locked.status == EnrolmentStatus.WITHDRAWN:
        raise ValidationError({"__all__": WITHDRAWN})
    today = today or timezone.localdate()
    since = timezone.localdate(locked.enrolled_at)
    errors: dict[str, str] = {}
    if not isinstance(on, date):
        errors["on"] = "Enter the date of the practice"
    elif on > today:
        errors["on"] = "The date of the practice can't be in the future"
    elif on < since:
        errors["on"] = (
            f"Practice before you enrolled on {day(since)} does not count for this course"
        )
    amount = _parse_hours(hours)
    if amount is None:
        errors["hours"] = "Enter the hours of practice"
    elif not amount.is_finite():
        errors["hours"] = "Enter the hours as a number, like 1.5"
    elif amount <= 0 or amount > 24:
        errors["hours"] = "Hours must be more than 0 and no more than 24"
    elif amount != amount.quantize(Decimal("0.01")):
        errors["hours"] = "Enter the hours to two decimal places at most, like 1.25"
    description = (description or "").strip()
    if not description:
        errors["description"] = "Describe the practice, like ‘Mentoring meeting with a new tutor’"
    elif len(description) > 300:
        errors["description"] = "Describe the practice in 300 characters or fewer"
    if errors:
        raise ValidationError(errors)
    entry = PracticeEntry.objects.create(
        enrolment=locked, on=on, hours=amount, description=description
    )
    audit.record(
        actor,
        "training.practice_entry.created",
        entry,
        organisation=locked.organisation_id,
        changes={"on": on, "hours": str(amount)},
    )
    _touch(locked, timezone.now())
    _complete_course_if_met(actor, locked)
    return entry


@transaction.atomic
def delete_practice_entry(actor: Actor, entry: PracticeEntry) -> None:
    if not policies.can_change(actor, entry):
        raise PermissionDenied("Only the learner removes their practice hours")
    enrolment = entry.enrolment
    audit.record(
        actor,
        "training.practice_entry.deleted",
        entry,
        organisation=enrolment.organisation_id,
        changes={"on": entry.on, "hours": str(entry.hours)},
    )
    entry.delete()


# --- completing units and courses ------------------------------------------------------


def missing_for(enrolment: Enrolment, module: Module, today: date | None = None) -> list[str]:
    """What stands between the learner and completing the unit, in words (empty: nothing)."""
    state = module_state(enrolment, module, today)
    opening = state_opens_on(state)
    if opening is not None:
        return [f"{module.title} opens on {day(opening)}"]
    if state == NEEDS_PREVIOUS:
        before = previous_module(enrolment, module)
        return [f"Complete {before.title if before else 'the previous unit'} first"]
    answered = answered_activity_ids(enrolment)
    met = met_activity_ids(enrolment)
    latest: dict[int, Submission] = {}
    for s in enrolment.submissions.order_by("-attempt"):
        latest.setdefault(s.activity_id, s)
    missing = []
    for activity in module.activities.filter(required=True).order_by("position", "pk"):
        if activity.kind == ActivityKind.REFLECTION:
            if activity.pk not in answered:
                missing.append(f"Answer the reflective question ‘{activity.title}’")
        elif activity.pk not in met:
            attempt = latest.get(activity.pk)
            if attempt is None:
                missing.append(f"Submit ‘{activity.title}’")
            elif not attempt.outcome:
                missing.append(f"‘{activity.title}’ is waiting to be assessed")
            else:
                missing.append(f"‘{activity.title}’ was assessed as not yet met: resubmit it")
    return missing


def _credentials() -> Any:
    from tandem.training import credentials

    return credentials


def missing_for_course(enrolment: Enrolment) -> list[str]:
    p = progress(enrolment)
    missing = []
    if not p["units_met"]:
        more = p["units_needed"] - p["units_completed"]
        missing.append(f"Complete {more} more unit{'s' if more != 1 else ''}")
    if not p["hours_met"]:
        short = p["practice_hours_required"] - p["practice_hours"]
        missing.append(f"Record {short.normalize():f} more hours of mentoring practice")
    return missing


def _complete_course_if_met(
    actor: Actor | None, enrolment: Enrolment, *, badge: Any = None
) -> bool:
    """Complete the course (certificate, mentor trained) once its rule is met.

    The learner gets one email, which names the certificate (and the badge of the last
    unit, when one was issued with it) and links them."""
    if enrolment.status != EnrolmentStatus.ACTIVE or missing_for_course(enrolment):
        return False
    course = enrolment.run.course
    enrolment.status = EnrolmentStatus.COMPLETED
    enrolment.completed_at = timezone.now()
    enrolment.version += 1
    enrolment.save(update_fields=["status", "completed_at", "version"])
    certificate = None
    if course.awards_certificate:
        certificate = _credentials().issue_certificate(enrolment, notify_learner=False)
    trained = 0
    if course.is_mentor_training:
        from tandem.mentors.models import TrainingStatus

        trained = _set_training_status(
            enrolment.person_id,
            to=TrainingStatus.TRAINED,
            only_from=(TrainingStatus.NOT_STARTED, TrainingStatus.IN_TRAINING),
        )
    audit.record(
        actor,
        "training.enrolment.completed",
        enrolment,
        organisation=enrolment.organisation_id,
        changes={"course": str(course.uuid), "mentor_trained": bool(trained)},
    )
    notify(
        [enrolment.person],
        "training/email/course_completed.txt",
        {"enrolment": enrolment, "certificate": certificate, "badge": badge},
    )
    return True


@transaction.atomic
def complete_module(
    actor: Actor, enrolment: Enrolment, module: Module, *, today: date | None = None
) -> ModuleCompletion:
    """Mark a unit complete when its rules are met. Completing it again returns the
    completion (``created`` False). Issues the badge and completes the course when due."""
    _require_learner(actor, enrolment, "completes their units")
    locked = _lock(actor, enrolment)
    if module.course_id != locked.run.course_id:
        raise ValidationError({"module": "That unit is not part of this course"})
    existing = locked.completions.filter(module=module).first()
    if existing is not None:
        existing.created = False
        return existing
    if locked.status == EnrolmentStatus.WITHDRAWN:
        raise ValidationError({"module": WITHDRAWN})
    missing = missing_for(locked, module, today)
    if missing:
        raise ValidationError({"module": missing})
    now = timezone.now()
    try:
        with transaction.atomic():
            completion = ModuleCompletion.objects.create(
                enrolment=locked, module=module, completed_at=now
            )
    except IntegrityError:
        completion = locked.completions.get(module=module)
        completion.created = False
        return completion
    audit.record(
        actor,
        "training.module.completed",
        completion,
        organisation=locked.organisation_id,
        changes={"module": str(module.uuid), "glh": str(module.glh)},
    )
    _touch(locked, now)
    badge = None
    if module.awards_badge:
        badge = _credentials().issue_badge(locked, module, notify_learner=False)
        badge = badge if getattr(badge, "created", False) else None
    if not _complete_course_if_met(actor, locked, badge=badge) and badge is not None:
        _credentials().tell_learner(badge)
    completion.created = True
    enrolment.status = locked.status
    enrolment.completed_at = locked.completed_at
    return completion


@transaction.atomic
def complete_course(actor: Actor, enrolment: Enrolment) -> Enrolment:
    """Complete the course once every unit needed is done and the practice hours are in
    (hours counted from meetings may arrive after the last unit)."""
    _require_learner(actor, enrolment, "completes their course")
    locked = _lock(actor, enrolment)
    if locked.status == EnrolmentStatus.COMPLETED:
        return locked
    if locked.status == EnrolmentStatus.WITHDRAWN:
        raise ValidationError({"__all__": WITHDRAWN})
    missing = missing_for_course(locked)
    if missing:
        raise ValidationError({"__all__": missing})
    _complete_course_if_met(actor, locked)
    return locked


def staff_of_course(enrolment: Enrolment) -> list[Any]:
    """Trainers and tutors of the organisation running the course."""
    return _staff_of(enrolment.run.course.organisation_id, [Role.TRAINER, Role.TUTOR])


__all__ = [
    "COMPLETED",
    "OPEN",
    "add_practice_entry",
    "assess",
    "complete_course",
    "complete_module",
    "delete_practice_entry",
    "enrol",
    "missing_for",
    "missing_for_course",
    "module_state",
    "modules_of",
    "practice_hours",
    "progress",
    "save_answer",
    "submit",
    "withdraw",
]
