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
    generic_pool: bool
    listed_in_directory: bool
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
    generic_pool: bool = Field(None)
    listed_in_directory: bool = Field(None)
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


# --- the partnership directory, brokerage and credits (C2, C5) ---------------------------

from ninja.responses import Status  # noqa: E402

from tandem.api.schemas import Input, PartnershipRef  # noqa: E402
from tandem.mentors import brokerage as brokerage_services  # noqa: E402
from tandem.mentors import directory  # noqa: E402
from tandem.mentors.directory import DirectoryFilters  # noqa: E402
from tandem.mentors.models import BrokerageStatus, Sector  # noqa: E402
from tandem.organisations.models import Organisation  # noqa: E402

directory_router = Router(tags=["partnership directory"])


class ContactOut(Schema):
    email: str
    phone: str


def _contact(person: Any) -> dict[str, str]:
    return {"email": person.email, "phone": person.phone}


class DirectoryEntryOut(Schema):
    uuid: UUID = Field(description="The mentor profile's id")
    name: str
    organisation: OrganisationRef
    specialisms: list[SubjectOut]
    training_status: TrainingStatus
    teaching_qualification: str
    mentoring_qualification: str
    years_teaching: int
    years_mentoring: int
    advanced_practitioner: bool
    subject_learning_coach: bool
    capacity: int
    free_places: int
    availability: str
    region: str
    modes: list[Mode]
    contact: ContactOut | None = Field(
        None,
        description="Only for the mentor's own organisation, and for coordinators of an "
        "organisation whose brokerage request for this mentor was accepted",
    )

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return obj.person.full_name

    @staticmethod
    def resolve_specialisms(obj: Any) -> list[Any]:
        return list(obj.specialisms.all())

    @staticmethod
    def resolve_region(obj: Any) -> str:
        return obj.region or obj.organisation.region

    @staticmethod
    def resolve_free_places(obj: Any) -> int:
        return max(obj.capacity - getattr(obj, "held", 0), 0)

    @staticmethod
    def resolve_contact(obj: Any, context: Any) -> dict[str, str] | None:
        request = context["request"]
        # One query per response, not per mentor.
        if not hasattr(request, "tandem_brokered"):
            request.tandem_brokered = directory.accepted_profile_ids(request.actor)
        shown = directory.contact_visible(request.actor, obj, request.tandem_brokered)
        return _contact(obj.person) if shown else None


class DirectoryQuery(Schema):
    q: str = Field("", max_length=100, description="Part of a name, subject or sector")
    subject: UUID | None = Field(None, description="A subject id")
    sector: UUID | None = Field(None, description="A sector id")
    organisation: UUID | None = Field(None, description="A member organisation's id")
    mode: Mode | None = None
    region: str = Field("", max_length=100)
    practitioner: Literal["advanced_practitioner", "subject_learning_coach"] | None = None
    training_status: TrainingStatus | None = None
    free_capacity: bool = Field(False, description="Only mentors with a free place")


def _filters(query: DirectoryQuery, organisations: list[Any]) -> DirectoryFilters:
    subject = sector = organisation = None
    if query.subject is not None:
        subject = selectors.active_subjects().filter(uuid=query.subject).first()
        if subject is None:
            raise ValidationError({"subject": "No subject with this id"})
    if query.sector is not None:
        sector = Sector.objects.filter(uuid=query.sector).first()
        if sector is None:
            raise ValidationError({"sector": "No sector with this id"})
    if query.organisation is not None:
        organisation = next((o for o in organisations if o.uuid == query.organisation), None)
        if organisation is None:
            raise ValidationError(
                {"organisation": "No organisation with this id shares its mentors here"}
            )
    return DirectoryFilters(
        q=query.q.strip(),
        subject=subject,
        sector=sector,
        organisation=organisation,
        mode=query.mode.value if query.mode else "",
        region=query.region.strip(),
        practitioner=query.practitioner or "",
        training_status=query.training_status.value if query.training_status else "",
        free_capacity=query.free_capacity,
    )


@directory_router.get(
    "/partnerships/{uuid}/directory", response={200: list[DirectoryEntryOut], **ERRORS}
)
@paginate(Page)
def list_directory(request: HttpRequest, uuid: UUID, filters: Query[DirectoryQuery]) -> Any:
    """Mentors listed in the partnership's directory — never their contact details
    until a brokerage request is accepted. For coordinators and tutors of member
    organisations and the partnership's administrators."""
    actor = _actor(request)
    partnership = directory.access_directory(actor, uuid)
    chosen = _filters(filters, directory.listed_organisations(partnership))
    return directory.directory(actor, partnership, chosen)


class ProfileRef(Schema):
    uuid: UUID = Field(description="The mentor profile's id")
    name: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return obj.person.full_name


class RequestRef(Schema):
    uuid: UUID
    mentee: PersonRef
    subject: str

    @staticmethod
    def resolve_subject(obj: Any) -> str:
        return obj.subject.name


class BrokerageOut(Schema):
    uuid: UUID
    status: BrokerageStatus
    partnership: PartnershipRef
    requesting_organisation: OrganisationRef
    mentor_organisation: OrganisationRef
    mentor: ProfileRef
    request: RequestRef | None = Field(
        None,
        description="The mentee's request, for the two organisations' coordinators; "
        "never shown to the partnership's administrators",
    )
    mentorship: UUID | None = Field(None, description="The proposed mentorship, if for a mentee")
    message: str
    credits: int
    requested_by: PersonRef | None
    created_at: datetime
    decided_by: PersonRef | None
    decided_at: datetime | None
    decision_note: str
    mentor_contact: ContactOut | None = Field(
        None, description="Only once accepted, for the asking organisation's coordinators"
    )

    @staticmethod
    def resolve_mentor(obj: Any) -> Any:
        return obj.mentor_profile

    @staticmethod
    def resolve_mentorship(obj: Any) -> UUID | None:
        return obj.mentorship.uuid if obj.mentorship_id else None

    @staticmethod
    def resolve_request(obj: Any, context: Any) -> Any:
        if directory.mentee_visible(context["request"].actor, obj):
            return obj.request
        return None

    @staticmethod
    def resolve_mentor_contact(obj: Any, context: Any) -> dict[str, str] | None:
        request = context["request"]
        # One query per response, not per request.
        if not hasattr(request, "tandem_brokered"):
            request.tandem_brokered = directory.accepted_profile_ids(request.actor)
        if directory.brokerage_contact_visible(request.actor, obj, request.tandem_brokered):
            return _contact(obj.mentor_profile.person)
        return None


class BrokerageQuery(Schema):
    box: Literal["incoming", "outgoing", "all"] = Field(
        "all",
        description="incoming: for your organisations' mentors; outgoing: sent by them",
    )
    status: BrokerageStatus | None = None


class BrokerageCreate(Input):
    mentor_profile: UUID = Field(description="A mentor profile listed in the directory")
    organisation: UUID | None = Field(
        None, description="Your organisation that asks; needed only if you coordinate several"
    )
    partnership: UUID | None = Field(
        None, description="The directory the mentor was found in; needed only if several"
    )
    request: UUID | None = Field(
        None, description="One of your organisation's open mentoring requests; none to talk first"
    )
    message: str = Field("", max_length=2000)


class BrokerageDecision(Input):
    decision: Literal["accepted", "declined"]
    note: str = Field("", max_length=500)


@directory_router.get("/brokerage-requests", response={200: list[BrokerageOut], **ERRORS})
@paginate(Page)
def list_brokerage(request: HttpRequest, filters: Query[BrokerageQuery]) -> Any:
    """Brokerage requests you can see, newest first."""
    actor = _actor(request)
    qs = directory.brokerage_requests(actor).order_by("-created_at", "-pk")
    if filters.box == "incoming":
        qs = qs.filter(mentor_organisation_id__in=actor.coordinator_of)
    elif filters.box == "outgoing":
        qs = qs.filter(requesting_organisation_id__in=actor.coordinator_of)
    if filters.status is not None:
        qs = qs.filter(status=filters.status.value)
    return qs


def _one_of(options: list[Any], wanted: UUID | None, field: str, what: str) -> Any:
    if wanted is not None:
        for option in options:
            if option.uuid == wanted:
                return option
        raise ValidationError({field: f"Choose {what}"})
    if len(options) == 1:
        return options[0]
    raise ValidationError({field: f"Choose {what}"})


@directory_router.post("/brokerage-requests", response={201: BrokerageOut, **ERRORS})
def create_brokerage(request: HttpRequest, payload: BrokerageCreate) -> Any:
    """Ask the coordinator of a directory mentor's organisation for them.

    With `request`, the mentor is proposed for that mentee and asked once their
    coordinator agrees; without, it is a request to talk first.
    """
    actor = _actor(request)
    profile, partnerships = directory.directory_profile(actor, payload.mentor_profile)
    organisations = directory.requesting_organisations(actor, profile, partnerships)
    if not organisations:
        raise PermissionDenied(
            "Brokerage requests are sent by coordinators of the partnership's other organisations"
        )
    organisation = _one_of(
        organisations, payload.organisation, "organisation", "which of your organisations asks"
    )
    member_of = [p for p in partnerships if organisation.pk in directory.member_ids(p)]
    partnership = _one_of(
        member_of, payload.partnership, "partnership", "the partnership directory you are using"
    )
    mentoring_request = None
    if payload.request is not None:
        mentoring_request = (
            directory.open_requests(actor, [organisation]).filter(uuid=payload.request).first()
        )
        if mentoring_request is None:
            raise ValidationError(
                {"request": f"No open mentoring request with this id at {organisation}"}
            )
    created = brokerage_services.request_brokerage(
        actor,
        profile=profile,
        organisation=organisation,
        partnership=partnership,
        message=payload.message,
        request=mentoring_request,
    )
    return Status(201, created)


@directory_router.get("/brokerage-requests/{uuid}", response={200: BrokerageOut, **ERRORS})
def get_brokerage(request: HttpRequest, uuid: UUID) -> Any:
    return directory.access_brokerage(_actor(request), uuid)


@directory_router.post(
    "/brokerage-requests/{uuid}/decision", response={200: BrokerageOut, **ERRORS}
)
def decide_brokerage(request: HttpRequest, uuid: UUID, payload: BrokerageDecision) -> Any:
    """The mentor's coordinator accepts (sharing the mentor's contact details) or declines."""
    actor = _actor(request)
    item = directory.access_brokerage(actor, uuid)
    return brokerage_services.decide_brokerage(
        actor, item, accepted=payload.decision == "accepted", note=payload.note
    )


@directory_router.post(
    "/brokerage-requests/{uuid}/withdraw", response={200: BrokerageOut, **ERRORS}
)
def withdraw_brokerage(request: HttpRequest, uuid: UUID) -> Any:
    """The asking organisation's coordinator takes back a request still waiting."""
    actor = _actor(request)
    item = directory.access_brokerage(actor, uuid)
    return brokerage_services.withdraw_brokerage(actor, item)


class BalanceOut(Schema):
    organisation: OrganisationRef
    earned: int
    spent: int
    balance: int


class CreditEntryOut(Schema):
    uuid: UUID
    organisation: OrganisationRef
    amount: int = Field(description="Positive when earned, negative when spent")
    description: str
    brokerage: UUID | None
    created_at: datetime

    @staticmethod
    def resolve_brokerage(obj: Any) -> UUID | None:
        return obj.brokerage.uuid if obj.brokerage_id else None


class CreditsOut(Schema):
    partnership: PartnershipRef
    balances: list[BalanceOut]
    count: int = Field(description="How many entries in all")
    entries: list[CreditEntryOut] = Field(description="Newest first, one page")


class CreditsQuery(Schema):
    limit: int = Field(50, ge=1, le=100, description="How many entries (at most 100)")
    offset: int = Field(0, ge=0, description="How many entries to skip")


@directory_router.get("/partnerships/{uuid}/credits", response={200: CreditsOut, **ERRORS})
def partnership_credits(request: HttpRequest, uuid: UUID, page: Query[CreditsQuery]) -> Any:
    """The partnership's mentoring-credit ledger: balances per organisation and the entries.

    For the partnership's administrators and its members' coordinators.
    """
    actor = _actor(request)
    partnership = directory.access_credits(actor, uuid)
    entries = directory.credit_entries(actor, partnership)
    return {
        "partnership": partnership,
        "balances": [
            {
                "organisation": b.organisation,
                "earned": b.earned,
                "spent": b.spent,
                "balance": b.balance,
            }
            for b in directory.credit_balances(actor, partnership)
        ],
        "count": entries.count(),
        "entries": list(entries[page.offset : page.offset + page.limit]),
    }


class DirectorySettingOut(Schema):
    partnership: PartnershipRef
    in_directory: bool = Field(description="The organisation's mentors are shared in it")


class DirectorySettingsIn(Input):
    shared_in: list[UUID] = Field(
        description="Partnerships whose directory lists your mentors; the others stop"
    )


def _settings(actor: Any, organisation: Organisation) -> list[Any]:
    return list(directory.memberships_of(actor, organisation))


@directory_router.get(
    "/organisations/{uuid}/directory-settings",
    response={200: list[DirectorySettingOut], **ERRORS},
)
def get_directory_settings(request: HttpRequest, uuid: UUID) -> Any:
    """Where the organisation shares its mentors (its coordinators)."""
    actor = _actor(request)
    organisation = org_selectors.access_organisation(actor, uuid)
    if not directory.can_manage_directory_settings(actor, organisation):
        raise PermissionDenied(f"Only coordinators of {organisation} see its directory settings")
    return _settings(actor, organisation)


@directory_router.put(
    "/organisations/{uuid}/directory-settings",
    response={200: list[DirectorySettingOut], **ERRORS},
)
def put_directory_settings(request: HttpRequest, uuid: UUID, payload: DirectorySettingsIn) -> Any:
    actor = _actor(request)
    organisation = org_selectors.access_organisation(actor, uuid)
    memberships = _settings(actor, organisation)
    by_uuid = {m.partnership.uuid: m.partnership for m in memberships}
    unknown = [u for u in payload.shared_in if u not in by_uuid]
    if unknown and directory.can_manage_directory_settings(actor, organisation):
        raise ValidationError(
            {"shared_in": f"{organisation} is not a member of a partnership with this id"}
        )
    brokerage_services.set_directory_opt_ins(
        actor, organisation, shared_in={by_uuid[u] for u in payload.shared_in if u in by_uuid}
    )
    return _settings(actor, organisation)


router.add_router("", directory_router)
