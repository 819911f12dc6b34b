"""Mentor training and CPD (E1–E6): one module per part."""

from tandem.training.models.courses import (
    Activity,
    ActivityKind,
    CompletionRule,
    ContentPage,
    Course,
    CourseRun,
    CourseStatus,
    EnrolmentMode,
    LiveSession,
    Module,
    ReleaseMode,
    UnitKind,
)
from tandem.training.models.cpd import CPDActivity, CPDEntry
from tandem.training.models.credentials import Credential, CredentialKind, IssuerKey
from tandem.training.models.learning import (
    Answer,
    Enrolment,
    EnrolmentStatus,
    ModuleCompletion,
    Outcome,
    PracticeEntry,
    Submission,
)

__all__ = [
    "Activity",
    "ActivityKind",
    "Answer",
    "CPDActivity",
    "CPDEntry",
    "CompletionRule",
    "ContentPage",
    "Course",
    "CourseRun",
    "CourseStatus",
    "Credential",
    "CredentialKind",
    "Enrolment",
    "EnrolmentMode",
    "EnrolmentStatus",
    "IssuerKey",
    "LiveSession",
    "Module",
    "ModuleCompletion",
    "Outcome",
    "PracticeEntry",
    "ReleaseMode",
    "Submission",
    "UnitKind",
]
