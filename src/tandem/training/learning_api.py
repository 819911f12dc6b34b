"""The learning API (E2): enrolments, answers, submissions and their assessment, practice
hours and completing units — the same selectors, services and policy as the pages.

Learners' work (answers, submissions) answers 404 to anyone but the learner and the
course's staff, as if it did not exist.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, File, Form, Router, Schema, UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status

from tandem.api.schemas import ERRORS, Input, OrganisationRef, Page, PersonRef
from tandem.core.policies.training import course_staff_of
from tandem.core.tenancy import access_object
from tandem.training import learning
from tandem.training import learning_selectors as sel
from tandem.training.models import ActivityKind, CourseRun, EnrolmentStatus, Outcome

router = Router(tags=["learning"])


def _actor(request: HttpRequest) -> Any:
    return request.actor  # type: ignore[attr-defined]


# --- shapes ----------------------------------------------------------------------------


class CourseRef(Schema):
    uuid: UUID
    title: str


class RunRef(Schema):
    uuid: UUID
    name: str
    course: CourseRef


class EnrolmentOut(Schema):
    uuid: UUID
    run: RunRef
    person: PersonRef
    organisation: OrganisationRef = Field(description="The learner's own organisation")
    status: EnrolmentStatus
    enrolled_at: datetime
    completed_at: datetime | None
    withdrawn_at: datetime | None


class ProgressOut(Schema):
    units_total: int
    units_completed: int
    units_needed: int = Field(description="Units that complete the course under its rule")
    glh_total: Decimal
    glh_completed: Decimal
    practice_hours: Decimal
    practice_hours_required: Decimal
    requirements_met: bool


class UnitOut(Schema):
    uuid: UUID
    title: str
    kind: str
    position: int
    glh: Decimal
    state: str = Field(description="open, completed, needs_previous or locked_until:YYYY-MM-DD")
    opens_on: date | None
    completed_at: datetime | None


class EnrolmentDetailOut(EnrolmentOut):
    progress: ProgressOut
    units: list[UnitOut]


class ActivityRef(Schema):
    uuid: UUID
    title: str
    kind: str


class AnswerOut(Schema):
    activity: ActivityRef
    text: str
    updated_at: datetime


class AnswerIn(Input):
    text: str = Field("", max_length=learning.MAX_ANSWER_CHARS)


class SubmissionOut(Schema):
    uuid: UUID
    enrolment: UUID
    activity: ActivityRef
    attempt: int
    text: str
    sections: dict[str, str] = Field(description="A project's sections by key")
    file_name: str
    submitted_at: datetime
    outcome: str = Field(description="met, not_yet_met, or empty while waiting")
    feedback: str
    assessed_by: PersonRef | None
    assessed_at: datetime | None

    @staticmethod
    def resolve_enrolment(obj: Any) -> UUID:
        return obj.enrolment.uuid


class SubmissionIn(Input):
    activity: UUID = Field(description="The assignment or project")
    text: str = Field("", description="An assignment's answer")
    sections: dict[str, str] | None = Field(
        None,
        description="A project's sections by key: rationale, aims, context, "
        "costs_benefits, implementation, evaluation",
    )


class AssessmentIn(Input):
    outcome: Outcome
    feedback: str = Field("", description="Needed when the outcome is not_yet_met")


class PracticeEntryOut(Schema):
    uuid: UUID
    on: date
    hours: Decimal
    description: str


class PracticeRowOut(Schema):
    on: date
    hours: Decimal
    kind: str = Field(description="meeting, observation (automatic) or entry (by hand)")
    description: str
    entry: UUID | None

    @staticmethod
    def resolve_entry(obj: Any) -> UUID | None:
        return obj.entry.uuid if obj.entry is not None else None


class PracticeOut(Schema):
    practice_hours: Decimal
    practice_hours_required: Decimal
    rows: list[PracticeRowOut]


class PracticeEntryIn(Input):
    on: date
    hours: Decimal = Field(description="More than 0, at most 24")
    description: str = Field(max_length=300)


class CompletionOut(Schema):
    unit: UUID
    completed_at: datetime
    already_completed: bool
    enrolment_status: EnrolmentStatus


# --- helpers ---------------------------------------------------------------------------


def _detail(enrolment: Any) -> dict[str, Any]:
    rows = sel.unit_rows(enrolment)
    return {
        "uuid": enrolment.uuid,
        "run": enrolment.run,
        "person": enrolment.person,
        "organisation": enrolment.organisation,
        "status": enrolment.status,
        "enrolled_at": enrolment.enrolled_at,
        "completed_at": enrolment.completed_at,
        "withdrawn_at": enrolment.withdrawn_at,
        "progress": sel.progress(enrolment),
        "units": [
            {
                "uuid": r.module.uuid,
                "title": r.module.title,
                "kind": r.module.kind,
                "position": r.module.position,
                "glh": r.module.glh,
                "state": r.state,
                "opens_on": r.opens_on,
                "completed_at": r.completion.completed_at if r.completion else None,
            }
            for r in rows
        ],
    }


def _learner(actor: Any, enrolment: Any) -> None:
    if not sel.is_learner(actor, enrolment):
        raise PermissionDenied("Only the learner does this")


# --- enrolments ------------------------------------------------------------------------


@router.post(
    "/course-runs/{uuid}/enrolments", response={200: EnrolmentOut, 201: EnrolmentOut, **ERRORS}
)
def enrol(request: HttpRequest, uuid: UUID) -> Any:
    """Enrol yourself while the run's enrolment is open (201); already enrolled: 200."""
    actor = _actor(request)
    run = access_object(actor, CourseRun, uuid)
    enrolment = learning.enrol(actor, run)
    return Status(201 if enrolment.created else 200, enrolment)


@router.get("/enrolments", response={200: list[EnrolmentOut], **ERRORS})
@paginate(Page)
def list_enrolments(request: HttpRequest) -> Any:
    """Your own enrolments, latest first."""
    return sel.enrolments_of_person(_actor(request)).select_related("person", "organisation")


@router.get("/enrolments/{uuid}", response={200: EnrolmentDetailOut, **ERRORS})
def get_enrolment(request: HttpRequest, uuid: UUID) -> Any:
    """Progress and the state of every unit: the learner, the course's staff and the
    learner's own coordinators."""
    return _detail(sel.access_enrolment(_actor(request), uuid))


@router.post("/enrolments/{uuid}/withdraw", response={200: EnrolmentOut, **ERRORS})
def withdraw(request: HttpRequest, uuid: UUID) -> Any:
    actor = _actor(request)
    return learning.withdraw(actor, sel.access_enrolment(actor, uuid, for_write=True))


@router.post("/enrolments/{uuid}/complete", response={200: EnrolmentOut, **ERRORS})
def complete_course(request: HttpRequest, uuid: UUID) -> Any:
    """Complete the course once its units and practice hours are done (422 lists what is
    missing)."""
    actor = _actor(request)
    return learning.complete_course(actor, sel.access_enrolment(actor, uuid))


@router.post(
    "/enrolments/{uuid}/units/{unit_uuid}/complete", response={200: CompletionOut, **ERRORS}
)
def complete_unit(request: HttpRequest, uuid: UUID, unit_uuid: UUID) -> Any:
    """Mark a unit complete: 422 lists what is missing. Completing it again is harmless."""
    actor = _actor(request)
    enrolment = sel.access_learning(actor, uuid)
    module = sel.module_of(enrolment, unit_uuid)
    completion = learning.complete_module(actor, enrolment, module)
    return {
        "unit": module.uuid,
        "completed_at": completion.completed_at,
        "already_completed": not completion.created,
        "enrolment_status": enrolment.status,
    }


# --- answers ---------------------------------------------------------------------------


@router.get("/enrolments/{uuid}/answers", response={200: list[AnswerOut], **ERRORS})
def list_answers(request: HttpRequest, uuid: UUID) -> Any:
    actor = _actor(request)
    enrolment = sel.access_learning(actor, uuid)
    return list(sel.answers_of(actor, enrolment).values())


@router.put("/enrolments/{uuid}/answers/{activity_uuid}", response={200: AnswerOut, **ERRORS})
def put_answer(request: HttpRequest, uuid: UUID, activity_uuid: UUID, payload: AnswerIn) -> Any:
    """Save the answer to a reflective question (replaces the text)."""
    actor = _actor(request)
    enrolment = sel.access_learning(actor, uuid)
    activity = sel.activity_of(enrolment, activity_uuid)
    _learner(actor, enrolment)
    return learning.save_answer(actor, enrolment, activity, payload.text)


# --- submissions -----------------------------------------------------------------------


@router.get("/enrolments/{uuid}/submissions", response={200: list[SubmissionOut], **ERRORS})
@paginate(Page)
def list_submissions(request: HttpRequest, uuid: UUID) -> Any:
    actor = _actor(request)
    return sel.submissions_of(actor, sel.access_learning(actor, uuid))


@router.post("/enrolments/{uuid}/submissions", response={201: SubmissionOut, **ERRORS})
def submit(request: HttpRequest, uuid: UUID, payload: SubmissionIn) -> Any:
    """Hand in an assignment (text) or the project (sections). To attach a file, use
    POST /enrolments/{uuid}/submissions/with-file."""
    actor = _actor(request)
    enrolment = sel.access_learning(actor, uuid)
    activity = sel.activity_of(enrolment, payload.activity)
    _learner(actor, enrolment)
    submission = learning.submit(
        actor,
        enrolment,
        activity,
        text=payload.text,
        sections=payload.sections if activity.kind == ActivityKind.PROJECT else None,
    )
    return Status(201, submission)


@router.post("/enrolments/{uuid}/submissions/with-file", response={201: SubmissionOut, **ERRORS})
def submit_with_file(
    request: HttpRequest,
    uuid: UUID,
    activity: Form[UUID],
    file: File[UploadedFile],
    text: Form[str] = "",
) -> Any:
    """multipart/form-data: activity, file and optional text (an assignment)."""
    actor = _actor(request)
    enrolment = sel.access_learning(actor, uuid)
    found = sel.activity_of(enrolment, activity)
    _learner(actor, enrolment)
    return Status(201, learning.submit(actor, enrolment, found, text=text, upload=file))


@router.get("/submissions/{uuid}", response={200: SubmissionOut, **ERRORS})
def get_submission(request: HttpRequest, uuid: UUID) -> Any:
    return sel.access_submission(_actor(request), uuid)


@router.get("/assessments", response={200: list[SubmissionOut], **ERRORS})
@paginate(Page)
def list_assessments(request: HttpRequest) -> Any:
    """Submissions waiting for assessment on courses you teach, oldest first."""
    actor = _actor(request)
    if not course_staff_of(actor):
        raise PermissionDenied("Only trainers, tutors and coordinators assess work")
    return sel.assessment_queue(actor)


@router.post("/submissions/{uuid}/assessment", response={200: SubmissionOut, **ERRORS})
def assess(request: HttpRequest, uuid: UUID, payload: AssessmentIn) -> Any:
    """Assess an attempt as met or not_yet_met (feedback needed). An assessed attempt
    does not change (422)."""
    actor = _actor(request)
    submission = sel.access_submission(actor, uuid)
    return learning.assess(
        actor, submission, outcome=payload.outcome.value, feedback=payload.feedback
    )


# --- practice hours --------------------------------------------------------------------


@router.get("/enrolments/{uuid}/practice", response={200: PracticeOut, **ERRORS})
def get_practice(request: HttpRequest, uuid: UUID) -> Any:
    """Practice counted: meetings held as a mentor and observations recorded since
    enrolling (automatic), and entries made by hand."""
    enrolment = sel.access_enrolment(_actor(request), uuid)
    return {
        "practice_hours": sel.practice_hours(enrolment),
        "practice_hours_required": enrolment.run.course.practice_hours_required,
        "rows": sel.practice_rows(enrolment),
    }


@router.post("/enrolments/{uuid}/practice-entries", response={201: PracticeEntryOut, **ERRORS})
def add_practice_entry(request: HttpRequest, uuid: UUID, payload: PracticeEntryIn) -> Any:
    actor = _actor(request)
    enrolment = sel.access_enrolment(actor, uuid)
    entry = learning.add_practice_entry(
        actor,
        enrolment,
        on=payload.on,
        hours=payload.hours,
        description=payload.description,
    )
    return Status(201, entry)


@router.delete("/practice-entries/{uuid}", response={204: None, **ERRORS})
def delete_practice_entry(request: HttpRequest, uuid: UUID) -> Any:
    actor = _actor(request)
    learning.delete_practice_entry(actor, sel.access_practice_entry(actor, uuid, for_write=True))
    return Status(204, None)
