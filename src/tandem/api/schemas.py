"""Request and response shapes of the API. Public ids are UUIDs; integer keys never leave."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import ConfigDict

from tandem.core.roles import Role
from tandem.organisations.models import OrganisationKind

# --- shared ---------------------------------------------------------------------------


class FieldError(Schema):
    field: str | None = Field(description="The field as sent (dotted for nested), or null")
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[FieldError] | None = None


# Every operation may answer these; documented once for all.
ERRORS: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ErrorOut,
}


class Input(Schema):
    """A request body: unknown fields are refused rather than silently ignored."""

    model_config = ConfigDict(extra="forbid")


class Page(LimitOffsetPagination):
    """``?limit=&offset=``; answers ``{"count": total, "items": [...]}``."""

    MAX_LIMIT = 100

    class Input(Schema):
        limit: int = Field(50, ge=1, le=100, description="How many items (at most 100)")
        offset: int = Field(0, ge=0, description="How many items to skip")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=self.MAX_LIMIT, **kwargs)


class PartnershipRef(Schema):
    uuid: UUID
    name: str


class OrganisationRef(Schema):
    uuid: UUID
    name: str


class PersonRef(Schema):
    uuid: UUID
    name: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return obj.full_name


class SiteRef(Schema):
    uuid: UUID
    name: str


# --- partnerships ---------------------------------------------------------------------


class PartnershipOut(Schema):
    uuid: UUID
    name: str
    description: str
    region: str
    require_mfa_for_admins: bool
    created_at: datetime


class PartnershipDetailOut(PartnershipOut):
    organisations: list[OrganisationRef]

    @staticmethod
    def resolve_organisations(obj: Any) -> list[Any]:
        return [member.organisation for member in obj.api_members]


class PartnershipUpdate(Input):
    """Send only the fields to change."""

    name: str = Field(None, min_length=1, max_length=200)
    description: str = Field(None)
    region: str = Field(None, max_length=100)
    require_mfa_for_admins: bool = Field(None)


# --- organisations --------------------------------------------------------------------


class OrganisationOut(Schema):
    uuid: UUID
    name: str
    kind: OrganisationKind
    region: str
    website: str
    require_mfa_for_staff: bool
    created_at: datetime


class OrganisationDetailOut(OrganisationOut):
    partnerships: list[PartnershipRef]
    sites: list[SiteRef]

    @staticmethod
    def resolve_partnerships(obj: Any) -> list[Any]:
        return [member.partnership for member in obj.api_partnerships]

    @staticmethod
    def resolve_sites(obj: Any) -> list[Any]:
        return list(obj.api_sites)


class OrganisationUpdate(Input):
    """Send only the fields to change."""

    name: str = Field(None, min_length=1, max_length=200)
    kind: OrganisationKind = Field(None)
    region: str = Field(None, max_length=100)
    website: str = Field(None, max_length=200, description="A full address, https://…")
    require_mfa_for_staff: bool = Field(None)


# --- people and roles -----------------------------------------------------------------


class PersonOut(Schema):
    uuid: UUID
    given_name: str
    family_name: str
    email: str
    phone: str
    job_title: str


class PersonInOrganisationOut(PersonOut):
    roles: list[Role] = Field(description="Current roles in the organisation listed")

    @staticmethod
    def resolve_roles(obj: Any) -> list[str]:
        return sorted({m.role for m in getattr(obj, "current_roles", [])})


class MembershipOut(Schema):
    uuid: UUID
    person: PersonRef
    organisation: OrganisationRef
    role: Role
    site: SiteRef | None
    starts_on: date
    ends_on: date | None
    is_current: bool


class LineManagementOut(Schema):
    uuid: UUID
    organisation: OrganisationRef
    manager: PersonRef
    report: PersonRef
    starts_on: date


class PersonDetailOut(PersonOut):
    phone: str | None = Field(
        None, description="Only for the person, staff who manage their record and their managers"
    )
    memberships: list[MembershipOut]
    line_managers: list[LineManagementOut]
    reports: list[LineManagementOut]

    @staticmethod
    def resolve_phone(obj: Any) -> str | None:
        return getattr(obj, "api_phone", None)

    @staticmethod
    def resolve_memberships(obj: Any) -> list[Any]:
        return list(obj.api_memberships)

    @staticmethod
    def resolve_line_managers(obj: Any) -> list[Any]:
        return list(obj.api_line_managers)

    @staticmethod
    def resolve_reports(obj: Any) -> list[Any]:
        return list(obj.api_reports)


class PersonCreate(Input):
    given_name: str = Field(max_length=100)
    family_name: str = Field(max_length=100)
    email: str = Field(max_length=254)
    roles: list[Role] = Field(description="At least one role in this organisation")
    phone: str = Field("", max_length=40)
    job_title: str = Field("", max_length=150)
    site: UUID | None = Field(None, description="One of the organisation's sites")
    starts_on: date | None = Field(None, description="When the roles start (default today)")


class PersonUpdate(Input):
    """Send only the fields to change."""

    given_name: str = Field(None, max_length=100)
    family_name: str = Field(None, max_length=100)
    email: str = Field(None, max_length=254)
    phone: str = Field(None, max_length=40)
    job_title: str = Field(None, max_length=150)


class MembershipCreate(Input):
    organisation: UUID
    role: Role
    site: UUID | None = None
    starts_on: date | None = Field(None, description="Default today")


class MembershipEnd(Input):
    ends_on: date | None = Field(None, description="Default today")


class LineManagerSet(Input):
    manager: UUID | None = Field(description="The manager's person id; null ends the link")


class LineManagerOut(Schema):
    manager: PersonRef | None
    starts_on: date | None


class OrganisationRolesOut(Schema):
    uuid: UUID
    name: str
    roles: list[Role]


class MeOut(Schema):
    person: PersonRef | None
    organisations: list[OrganisationRolesOut]
    administers: list[PartnershipRef]
