"""API for partnerships, organisations, people, roles and line management (A1, A2).

Thin, like the views: resolve records through the selectors (404 when absent
or invisible, 403 when read-only), call the same services, shape the answer.
"""

from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from tandem.api.schemas import (
    ERRORS,
    LineManagerOut,
    LineManagerSet,
    MembershipCreate,
    MembershipEnd,
    MembershipOut,
    OrganisationDetailOut,
    OrganisationOut,
    OrganisationUpdate,
    Page,
    PartnershipDetailOut,
    PartnershipOut,
    PartnershipUpdate,
    PersonCreate,
    PersonDetailOut,
    PersonInOrganisationOut,
    PersonUpdate,
)
from tandem.core import policies
from tandem.core.roles import Role
from tandem.organisations import selectors, services
from tandem.organisations.models import Organisation, Partnership, Person, Site

router = Router()


def _actor(request: HttpRequest) -> Any:
    return request.actor  # type: ignore[attr-defined]


def _changes(payload: Schema) -> dict[str, Any]:
    """The fields the client sent (PATCH), enums as their plain values."""
    data = payload.model_dump(exclude_unset=True)
    return {k: getattr(v, "value", v) for k, v in data.items()}


def _site_of(actor: Any, organisation: Organisation, uuid: UUID | None) -> Site | None:
    if uuid is None:
        return None
    site = selectors.sites_of(actor, organisation).filter(uuid=uuid).first()
    if site is None:
        raise ValidationError({"site": f"No site with this id at {organisation}"})
    return site


# --- partnerships ---------------------------------------------------------------------


@router.get("/partnerships", response={200: list[PartnershipOut], **ERRORS}, tags=["partnerships"])
@paginate(Page)
def list_partnerships(request: HttpRequest) -> Any:
    """Partnerships your organisations belong to, and those you administer."""
    return selectors.partnerships(_actor(request))


def _partnership_detail(actor: Any, partnership: Partnership) -> Partnership:
    partnership.api_members = selectors.members_of(actor, partnership)  # type: ignore[attr-defined]
    return partnership


@router.get(
    "/partnerships/{uuid}", response={200: PartnershipDetailOut, **ERRORS}, tags=["partnerships"]
)
def get_partnership(request: HttpRequest, uuid: UUID) -> Any:
    actor = _actor(request)
    return _partnership_detail(actor, selectors.access_partnership(actor, uuid))


@router.patch(
    "/partnerships/{uuid}", response={200: PartnershipDetailOut, **ERRORS}, tags=["partnerships"]
)
def update_partnership(request: HttpRequest, uuid: UUID, payload: PartnershipUpdate) -> Any:
    """Partnership administrators only."""
    actor = _actor(request)
    partnership = selectors.access_partnership(actor, uuid, for_write=True)
    services.update_partnership(actor, partnership, **_changes(payload))
    return _partnership_detail(actor, partnership)


# --- organisations --------------------------------------------------------------------


@router.get(
    "/organisations", response={200: list[OrganisationOut], **ERRORS}, tags=["organisations"]
)
@paginate(Page)
def list_organisations(request: HttpRequest) -> Any:
    """Your organisations, their partners, and those in partnerships you administer."""
    return selectors.organisations(_actor(request))


def _organisation_detail(actor: Any, organisation: Organisation) -> Organisation:
    organisation.api_partnerships = selectors.partnerships_of(actor, organisation)  # type: ignore[attr-defined]
    organisation.api_sites = selectors.sites_of(actor, organisation)  # type: ignore[attr-defined]
    return organisation


@router.get(
    "/organisations/{uuid}",
    response={200: OrganisationDetailOut, **ERRORS},
    tags=["organisations"],
)
def get_organisation(request: HttpRequest, uuid: UUID) -> Any:
    actor = _actor(request)
    return _organisation_detail(actor, selectors.access_organisation(actor, uuid))


@router.patch(
    "/organisations/{uuid}",
    response={200: OrganisationDetailOut, **ERRORS},
    tags=["organisations"],
)
def update_organisation(request: HttpRequest, uuid: UUID, payload: OrganisationUpdate) -> Any:
    """The organisation's coordinators and its partnerships' administrators."""
    actor = _actor(request)
    organisation = selectors.access_organisation(actor, uuid, for_write=True)
    services.update_organisation(actor, organisation, **_changes(payload))
    return _organisation_detail(actor, organisation)


class PeopleFilter(Schema):
    q: str = ""
    role: Role | None = None


@router.get(
    "/organisations/{uuid}/people",
    response={200: list[PersonInOrganisationOut], **ERRORS},
    tags=["people"],
)
@paginate(Page)
def list_people(request: HttpRequest, uuid: UUID, filters: Query[PeopleFilter]) -> Any:
    """People holding a current role here. `q` searches names and email; `role` filters."""
    actor = _actor(request)
    organisation = selectors.access_organisation(actor, uuid)
    if not policies.can_read_people_of(actor, organisation):
        raise PermissionDenied("Your roles here do not include seeing the staff list")
    people = selectors.people(
        actor,
        organisation,
        search=filters.q.strip()[:100],
        role=filters.role.value if filters.role else "",
    )
    return selectors.with_roles(actor, people, organisation)


@router.post(
    "/organisations/{uuid}/people", response={201: PersonDetailOut, **ERRORS}, tags=["people"]
)
def create_person(request: HttpRequest, uuid: UUID, payload: PersonCreate) -> Any:
    """Add someone to the organisation with one or more roles (coordinators only)."""
    actor = _actor(request)
    organisation = selectors.access_organisation(actor, uuid)
    data = payload.model_dump()
    data["roles"] = [r.value for r in payload.roles]
    data["site"] = _site_of(actor, organisation, payload.site)
    person = services.create_person(actor, organisation, **data)
    return Status(201, _person_detail(actor, person))


# --- people ---------------------------------------------------------------------------


def _person_detail(actor: Any, person: Person) -> Person:
    person.api_memberships = selectors.memberships_of(actor, person)  # type: ignore[attr-defined]
    person.api_line_managers = selectors.line_managers_of(actor, person)  # type: ignore[attr-defined]
    person.api_reports = selectors.reports_of(actor, person)  # type: ignore[attr-defined]
    visible = policies.can_see_contact_details(actor, person)
    person.api_phone = person.phone if visible else None  # type: ignore[attr-defined]
    return person


@router.get("/people/{uuid}", response={200: PersonDetailOut, **ERRORS}, tags=["people"])
def get_person(request: HttpRequest, uuid: UUID) -> Any:
    actor = _actor(request)
    return _person_detail(actor, selectors.access_person(actor, uuid))


@router.patch("/people/{uuid}", response={200: PersonDetailOut, **ERRORS}, tags=["people"])
def update_person(request: HttpRequest, uuid: UUID, payload: PersonUpdate) -> Any:
    """The person themselves, or a coordinator of an organisation they belong to."""
    actor = _actor(request)
    person = selectors.access_person(actor, uuid, for_write=True)
    services.update_person(actor, person, **_changes(payload))
    return _person_detail(actor, person)


# --- roles (memberships) --------------------------------------------------------------


@router.get(
    "/people/{uuid}/memberships",
    response={200: list[MembershipOut], **ERRORS},
    tags=["memberships"],
)
@paginate(Page)
def list_memberships(request: HttpRequest, uuid: UUID) -> Any:
    """The person's roles you can see, current and ended."""
    actor = _actor(request)
    return selectors.memberships_of(actor, selectors.access_person(actor, uuid))


@router.post(
    "/people/{uuid}/memberships", response={201: MembershipOut, **ERRORS}, tags=["memberships"]
)
def grant_role(request: HttpRequest, uuid: UUID, payload: MembershipCreate) -> Any:
    """Give the person a role in an organisation (its coordinators only)."""
    actor = _actor(request)
    person = selectors.access_person(actor, uuid)
    organisation = selectors.organisations(actor).filter(uuid=payload.organisation).first()
    if organisation is None:
        raise ValidationError({"organisation": "No organisation with this id that you can see"})
    membership = services.grant_role(
        actor,
        person,
        organisation,
        payload.role.value,
        site=_site_of(actor, organisation, payload.site),
        starts_on=payload.starts_on,
    )
    return Status(201, membership)


@router.get("/memberships/{uuid}", response={200: MembershipOut, **ERRORS}, tags=["memberships"])
def get_membership(request: HttpRequest, uuid: UUID) -> Any:
    return selectors.access_membership(_actor(request), uuid)


@router.post(
    "/memberships/{uuid}/end", response={200: MembershipOut, **ERRORS}, tags=["memberships"]
)
def end_role(request: HttpRequest, uuid: UUID, payload: MembershipEnd | None = None) -> Any:
    """End a role (today unless `ends_on` is given). Coordinators only."""
    actor = _actor(request)
    membership = selectors.access_membership(actor, uuid, for_write=True)
    ends_on = payload.ends_on if payload is not None else None
    return services.end_role(actor, membership, ends_on=ends_on)


# --- line management ------------------------------------------------------------------


def _line_manager_answer(actor: Any, organisation: Organisation, person: Person) -> dict:
    link = selectors.line_managers_of(actor, person).filter(organisation=organisation).first()
    if link is None:
        return {"manager": None, "starts_on": None}
    return {"manager": link.manager, "starts_on": link.starts_on}


LINE_MANAGER_PATH = "/organisations/{uuid}/people/{person_uuid}/line-manager"


@router.get(LINE_MANAGER_PATH, response={200: LineManagerOut, **ERRORS}, tags=["line management"])
def get_line_manager(request: HttpRequest, uuid: UUID, person_uuid: UUID) -> Any:
    """The person's current line manager in this organisation, if any."""
    actor = _actor(request)
    organisation = selectors.access_organisation(actor, uuid)
    return _line_manager_answer(actor, organisation, selectors.access_person(actor, person_uuid))


@router.put(LINE_MANAGER_PATH, response={200: LineManagerOut, **ERRORS}, tags=["line management"])
def set_line_manager(
    request: HttpRequest, uuid: UUID, person_uuid: UUID, payload: LineManagerSet
) -> Any:
    """Record who manages the person here (`null` ends the link). Coordinators only."""
    actor = _actor(request)
    organisation = selectors.access_organisation(actor, uuid)
    person = selectors.access_person(actor, person_uuid)
    manager = None
    if payload.manager is not None:
        manager = selectors.people(actor).filter(uuid=payload.manager).first()
        if manager is None:
            raise ValidationError({"manager": "No person with this id that you can see"})
    services.set_line_manager(actor, organisation, person, manager)
    return _line_manager_answer(actor, organisation, person)


@router.delete(
    LINE_MANAGER_PATH, response={200: LineManagerOut, **ERRORS}, tags=["line management"]
)
def clear_line_manager(request: HttpRequest, uuid: UUID, person_uuid: UUID) -> Any:
    """End the person's line-management link here. Coordinators only."""
    actor = _actor(request)
    organisation = selectors.access_organisation(actor, uuid)
    person = selectors.access_person(actor, person_uuid)
    services.set_line_manager(actor, organisation, person, None)
    return _line_manager_answer(actor, organisation, person)
