"""API for the subject taxonomy and mentor profiles (C1), under the same policy."""

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from tandem.api.schemas import ERRORS, OrganisationRef, Page, PersonRef, SiteRef
from tandem.core import policies
from tandem.mentors import selectors, services
from tandem.mentors.models import Mode, ProfileStatus, TrainingStatus
from tandem.organisations import selectors as org_selectors

router = Router(tags=["mentor pool"])


class SubjectOut(Schema):
    uuid: UUID
    name: str
    sector: str
    sector_kind: str

    @staticmethod
    def resolve_sector(obj: Any) -> str:
        return obj.sector.name

    @staticmethod
    def resolve_sector_kind(obj: Any) -> str:
        return obj.sector.kind


class SubjectFilter(Schema):
    q: str = Field("", max_length=100, description="Part of a subject or sector name")


class MentorProfileOut(Schema):
    uuid: UUID
    person: PersonRef
    organisation: OrganisationRef
    status: ProfileStatus
    specialisms: list[SubjectOut]
    teaching_qualification: str
    mentoring_qualification: str
    training_status: TrainingStatus
    years_teaching: int
    years_mentoring: int
    advanced_practitioner: bool
    subject_learning_coach: bool
    capacity: int
    availability: str
    site: SiteRef | None
    region: str
    modes: list[Mode]
    willing_outside: bool
    consents_to_matching: bool
    coordinator_note: str
    approved_at: datetime | None
    version: int = Field(description="Send it back with a change; a stale version is refused")

    @staticmethod
    def resolve_specialisms(obj: Any) -> list[Any]:
        return list(obj.specialisms.select_related("sector"))


class MentorProfileUpdate(Schema):
    version: int = Field(description="The version you read")
    specialisms: list[UUID] = Field(None, description="Subject ids")
    teaching_qualification: str = Field(None, max_length=200)
    mentoring_qualification: str = Field(None, max_length=200)
    training_status: TrainingStatus = Field(None)
    years_teaching: int = Field(None, ge=0, le=60)
    years_mentoring: int = Field(None, ge=0, le=60)
    advanced_practitioner: bool = Field(None)
    subject_learning_coach: bool = Field(None)
    capacity: int = Field(None, ge=0, le=20)
    availability: str = Field(None, max_length=300)
    site: UUID | None = Field(None)
    region: str = Field(None, max_length=100)
    modes: list[Mode] = Field(None)
    willing_outside: bool = Field(None)
    consents_to_matching: bool = Field(None)

    model_config = {"extra": "forbid"}


class Review(Schema):
    decision: Literal["approved", "changes_requested"]
    note: str = Field("", max_length=500)

    model_config = {"extra": "forbid"}


class ProfileFilter(Schema):
    status: ProfileStatus | None = None


def _actor(request: HttpRequest) -> Any:
    return request.actor  # type: ignore[attr-defined]


@router.get("/subjects", response={200: list[SubjectOut], **ERRORS})
@paginate(Page)
def list_subjects(request: HttpRequest, filters: Query[SubjectFilter]) -> Any:
    """The subject taxonomy: sector subject areas, Skills for Life, cross-cutting themes."""
    subjects = selectors.active_subjects().order_by("sector__position", "name")
    q = filters.q.strip()
    if q:
        from django.db.models import Q

        subjects = subjects.filter(Q(name__icontains=q) | Q(sector__name__icontains=q))
    return subjects


@router.get(
    "/organisations/{uuid}/mentor-profiles", response={200: list[MentorProfileOut], **ERRORS}
)
@paginate(Page)
def list_profiles(request: HttpRequest, uuid: UUID, filters: Query[ProfileFilter]) -> Any:
    """Mentor profiles of an organisation (its coordinators, tutors and trainers)."""
    actor = _actor(request)
    organisation = org_selectors.access_organisation(actor, uuid)
    if not policies.can_read_people_of(actor, organisation):
        raise PermissionDenied("Your roles here do not include seeing mentor profiles")
    status = filters.status.value if filters.status else ""
    return selectors.profiles_of(actor, organisation, status).select_related("site")


@router.get("/mentor-profiles/{uuid}", response={200: MentorProfileOut, **ERRORS})
def get_profile(request: HttpRequest, uuid: UUID) -> Any:
    return selectors.access_profile(_actor(request), uuid)


@router.patch("/mentor-profiles/{uuid}", response={200: MentorProfileOut, **ERRORS})
def update_profile(request: HttpRequest, uuid: UUID, payload: MentorProfileUpdate) -> Any:
    """The mentor, or a coordinator of their organisation. Send the version you read."""
    actor = _actor(request)
    profile = selectors.access_profile(actor, uuid, for_write=True)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    if "specialisms" in data:
        wanted = set(data["specialisms"])
        found = list(selectors.active_subjects().filter(uuid__in=wanted))
        if len(found) != len(wanted):
            raise ValidationError({"specialisms": "One or more subject ids are not subjects"})
        data["specialisms"] = found
    if "site" in data and data["site"] is not None:
        site = org_selectors.sites_of(actor, profile.organisation).filter(uuid=data["site"]).first()
        if site is None:
            raise ValidationError({"site": f"No site with this id at {profile.organisation}"})
        data["site"] = site
    for key in ("training_status",):
        if key in data:
            data[key] = getattr(data[key], "value", data[key])
    if "modes" in data:
        data["modes"] = [getattr(m, "value", m) for m in data["modes"]]
    return services.save_profile(actor, profile, expected_version=version, **data)


@router.post("/mentor-profiles/{uuid}/submit", response={200: MentorProfileOut, **ERRORS})
def submit_profile(request: HttpRequest, uuid: UUID) -> Any:
    """The mentor sends their profile to their coordinator."""
    actor = _actor(request)
    profile = selectors.access_profile(actor, uuid, for_write=True)
    return services.submit_profile(actor, profile)


@router.post("/mentor-profiles/{uuid}/review", response={200: MentorProfileOut, **ERRORS})
def review_profile(request: HttpRequest, uuid: UUID, payload: Review) -> Any:
    """A coordinator approves the profile or asks for changes (with a note)."""
    actor = _actor(request)
    profile = selectors.access_profile(actor, uuid)
    if payload.decision == "approved":
        return services.approve_profile(actor, profile)
    return services.request_changes(actor, profile, payload.note)
