"""Reads for the partnership directory, brokerage requests and the credit ledger (C2, C5).

The directory is a rule of its own: a mentor profile is otherwise seen only by
the mentor and their organisation's staff. Here a profile is *listed* in a
partnership's directory when the mentor is approved, offered for matching,
willing to mentor outside their organisation and has asked to be listed, and
their organisation shares its mentors in that partnership. It is shown to the
coordinators and tutors of the partnership's member organisations and to its
administrators — the profile, never the mentor's contact details, which only
the mentor, their own organisation's staff and the coordinators of an
organisation whose brokerage request was accepted see (``contact_visible``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404

from tandem.core.roles import Role
from tandem.core.tenancy import access_object, system_access
from tandem.matching.models import MentoringRequest, RequestStatus
from tandem.mentors.models import (
    BrokerageRequest,
    BrokerageStatus,
    CreditEntry,
    MentorProfile,
    Mode,
    ProfileStatus,
    TrainingStatus,
)
from tandem.organisations.models import Organisation, Partnership, PartnershipMember
from tandem.relationships.models import HOLDING, Mentorship

if TYPE_CHECKING:
    from tandem.core.actor import Actor

BROWSER_ROLES = frozenset({Role.COORDINATOR, Role.TUTOR})


# --- who may browse which directory ---------------------------------------------------


def member_ids(partnership: Partnership) -> set[int]:
    with system_access():
        return set(
            PartnershipMember.objects.filter(partnership=partnership).values_list(
                "organisation_id", flat=True
            )
        )


def can_browse(actor: Actor, partnership: Partnership) -> bool:
    """Coordinators and tutors of a member organisation, the partnership's administrators."""
    if not actor.is_authenticated:
        return False
    if actor.is_superuser or partnership.pk in actor.administered_partnership_ids:
        return True
    return bool(actor.organisations_where(BROWSER_ROLES) & member_ids(partnership))


def browsable_partnerships(actor: Actor) -> QuerySet[Partnership]:
    """The partnerships whose directory the actor may browse, by name."""
    qs = Partnership.objects.visible_to(actor)
    if actor.is_superuser:
        return qs.order_by("name")
    browsing_orgs = actor.organisations_where(BROWSER_ROLES)
    with system_access():
        via_orgs = set(
            PartnershipMember.objects.filter(organisation_id__in=browsing_orgs).values_list(
                "partnership_id", flat=True
            )
        )
    return qs.filter(id__in=via_orgs | set(actor.administered_partnership_ids)).order_by("name")


def access_directory(actor: Actor, uuid: Any) -> Partnership:
    """The partnership of a directory: 404 unless visible, 403 unless the actor may browse."""
    partnership = access_object(actor, Partnership, uuid)
    if not can_browse(actor, partnership):
        raise PermissionDenied(
            "The directory is for coordinators and tutors of the partnership's organisations"
        )
    return partnership


# --- the listing ----------------------------------------------------------------------


def _listed_q(partnership_ids: Any) -> Q:
    sharing = PartnershipMember.objects.filter(
        partnership_id__in=partnership_ids, in_directory=True
    ).values("organisation_id")
    return Q(
        status=ProfileStatus.APPROVED,
        consents_to_matching=True,
        listed_in_directory=True,
        willing_outside=True,
        organisation_id__in=sharing,
    )


def _held() -> Subquery:
    return Subquery(
        Mentorship.objects.filter(mentor_id=OuterRef("person_id"), status__in=HOLDING)
        .order_by()
        .values("mentor_id")
        .annotate(n=Count("pk"))
        .values("n"),
        output_field=IntegerField(),
    )


def listed_profiles(actor: Actor, partnership: Partnership) -> QuerySet[MentorProfile]:
    """Every mentor listed in the partnership's directory, for an actor who may browse it.

    Each profile carries ``held`` (mentees proposed or agreed) and ``free_places``.
    """
    if not can_browse(actor, partnership):
        raise PermissionDenied("You cannot browse this partnership's directory")
    # The directory rule (module docstring) is the scope of this queryset.
    return (
        MentorProfile.objects.filter(_listed_q([partnership.pk]))
        .scoped()
        .annotate(held=Coalesce(_held(), Value(0)))
        .annotate(free_places=Greatest(Value(0), F("capacity") - F("held")))
        .select_related("person", "organisation", "site")
        .prefetch_related("specialisms__sector")
        .order_by("person__family_name", "person__given_name", "pk")
    )


@dataclass(frozen=True)
class DirectoryFilters:
    q: str = ""
    subject: Any = None  # Subject
    sector: Any = None  # Sector
    organisation: Any = None  # Organisation
    mode: str = ""
    region: str = ""
    practitioner: str = ""  # "advanced_practitioner" | "subject_learning_coach"
    training_status: str = ""
    free_capacity: bool = False

    @property
    def active(self) -> bool:
        return any(
            (
                self.q,
                self.subject,
                self.sector,
                self.organisation,
                self.mode,
                self.region,
                self.practitioner,
                self.training_status,
                self.free_capacity,
            )
        )


def filtered(qs: QuerySet[MentorProfile], filters: DirectoryFilters) -> QuerySet[MentorProfile]:
    for word in filters.q.split()[:5]:
        matches = MentorProfile.specialisms.through.objects.filter(
            Q(subject__name__icontains=word) | Q(subject__sector__name__icontains=word)
        ).values("mentorprofile_id")
        qs = qs.filter(
            Q(person__given_name__icontains=word)
            | Q(person__family_name__icontains=word)
            | Q(pk__in=matches)
        )
    if filters.subject is not None:
        qs = qs.filter(
            pk__in=MentorProfile.specialisms.through.objects.filter(subject=filters.subject).values(
                "mentorprofile_id"
            )
        )
    if filters.sector is not None:
        qs = qs.filter(
            pk__in=MentorProfile.specialisms.through.objects.filter(
                subject__sector=filters.sector
            ).values("mentorprofile_id")
        )
    if filters.organisation is not None:
        qs = qs.filter(organisation=filters.organisation)
    if filters.mode in Mode.values:
        # JSON "contains" is not portable to SQLite; the mode codes are distinct words.
        qs = qs.filter(modes__icontains=f'"{filters.mode}"')
    if filters.region:
        qs = qs.filter(
            Q(region__iexact=filters.region)
            | Q(region="", organisation__region__iexact=filters.region)
        )
    if filters.practitioner == "advanced_practitioner":
        qs = qs.filter(advanced_practitioner=True)
    elif filters.practitioner == "subject_learning_coach":
        qs = qs.filter(subject_learning_coach=True)
    if filters.training_status in TrainingStatus.values:
        qs = qs.filter(training_status=filters.training_status)
    if filters.free_capacity:
        qs = qs.filter(free_places__gt=0)
    return qs


def directory(
    actor: Actor, partnership: Partnership, filters: DirectoryFilters | None = None
) -> QuerySet[MentorProfile]:
    return filtered(listed_profiles(actor, partnership), filters or DirectoryFilters())


def listed_organisations(partnership: Partnership) -> list[Organisation]:
    """Member organisations that share their mentors in this directory."""
    with system_access():
        return list(
            Organisation.objects.filter(
                partnership_memberships__partnership=partnership,
                partnership_memberships__in_directory=True,
            ).order_by("name")
        )


def regions(actor: Actor, partnership: Partnership) -> list[str]:
    """The regions of listed mentors (their own, else their organisation's)."""
    seen: dict[str, str] = {}
    for own, org in listed_profiles(actor, partnership).values_list(
        "region", "organisation__region"
    ):
        value = (own or org or "").strip()
        if value:
            seen.setdefault(value.lower(), value)
    return sorted(seen.values(), key=str.lower)


def directory_profile(actor: Actor, uuid: Any) -> tuple[MentorProfile, list[Partnership]]:
    """A listed mentor and the directories the actor reaches them through; 404 otherwise."""
    partnerships = list(browsable_partnerships(actor))
    if not partnerships:
        raise Http404("No mentor profile found")
    ids = [p.pk for p in partnerships]
    try:
        profile = (
            MentorProfile.objects.filter(_listed_q(ids))
            .scoped()
            .annotate(held=Coalesce(_held(), Value(0)))
            .select_related("person", "organisation", "site")
            .get(uuid=uuid)
        )
    except (MentorProfile.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No mentor profile found") from exc
    except Exception as exc:  # an invalid UUID string
        from django.core.exceptions import ValidationError

        if isinstance(exc, ValidationError):
            raise Http404("No mentor profile found") from exc
        raise
    with system_access():
        sharing = set(
            PartnershipMember.objects.filter(
                organisation_id=profile.organisation_id, in_directory=True, partnership_id__in=ids
            ).values_list("partnership_id", flat=True)
        )
    profile.free_places = max(profile.capacity - profile.held, 0)
    return profile, [p for p in partnerships if p.pk in sharing]


# --- contact details ------------------------------------------------------------------


def accepted_for(actor: Actor, profile: MentorProfile) -> bool:
    """An organisation the actor coordinates has an accepted brokerage request for this mentor."""
    if not actor.coordinator_of:
        return False
    with system_access():
        return BrokerageRequest.objects.filter(
            mentor_profile_id=profile.pk,
            status=BrokerageStatus.ACCEPTED,
            requesting_organisation_id__in=actor.coordinator_of,
        ).exists()


def contact_visible(
    actor: Actor, profile: MentorProfile, brokered: frozenset[int] | None = None
) -> bool:
    """Whether the directory shows this mentor's email and phone to the actor.

    The mentor, their own organisation's staff (who already hold the record),
    and coordinators of an organisation whose brokerage request was accepted.
    ``brokered``: ``accepted_profile_ids(actor)`` when checking many profiles.
    """
    if actor.person_id is None:
        return False
    if profile.person_id == actor.person_id:
        return True
    if profile.organisation_id in actor.people_reader_of:
        return True
    if brokered is not None:
        return profile.pk in brokered
    return accepted_for(actor, profile)


def accepted_profile_ids(actor: Actor) -> frozenset[int]:
    """Mentors (profile ids) whose coordinator accepted a request from the actor's organisations."""
    if not actor.coordinator_of:
        return frozenset()
    with system_access():
        return frozenset(
            BrokerageRequest.objects.filter(
                status=BrokerageStatus.ACCEPTED,
                requesting_organisation_id__in=actor.coordinator_of,
            ).values_list("mentor_profile_id", flat=True)
        )


def contacts_visible(actor: Actor, profiles: list[MentorProfile]) -> set[int]:
    """``contact_visible`` for a page of profiles at once: the ids whose details show."""
    if actor.person_id is None:
        return set()
    brokered = accepted_profile_ids(actor)
    return {
        p.pk
        for p in profiles
        if p.person_id == actor.person_id
        or p.organisation_id in actor.people_reader_of
        or p.pk in brokered
    }


# --- asking for a mentor ----------------------------------------------------------------


def requesting_organisations(
    actor: Actor, profile: MentorProfile, partnerships: list[Partnership]
) -> list[Organisation]:
    """Organisations the actor coordinates that may ask for this mentor in these directories."""
    ids = [p.pk for p in partnerships]
    with system_access():
        members = set(
            PartnershipMember.objects.filter(partnership_id__in=ids).values_list(
                "organisation_id", flat=True
            )
        )
        allowed = (set(actor.coordinator_of) & members) - {profile.organisation_id}
        return list(Organisation.objects.filter(id__in=allowed).order_by("name"))


def open_requests(actor: Actor, organisations: list[Organisation]) -> QuerySet[MentoringRequest]:
    """Open mentoring requests of these organisations, as the actor may see them."""
    return (
        MentoringRequest.objects.visible_to(actor)
        .filter(organisation__in=organisations, status=RequestStatus.OPEN)
        .select_related("mentee", "subject", "programme", "organisation")
        .order_by("mentee__family_name", "mentee__given_name", "created_at")
    )


def requests_for_mentor(actor: Actor, profile: MentorProfile) -> QuerySet[BrokerageRequest]:
    """Brokerage requests for this mentor the actor can see (their organisation's)."""
    return (
        BrokerageRequest.objects.visible_to(actor)
        .filter(mentor_profile=profile)
        .select_related("requesting_organisation", "mentor_organisation")
    )


# --- brokerage requests -------------------------------------------------------------------


def _mentee_shown(actor: Actor) -> Case:
    """``mentee_shown`` for each brokerage request (see ``mentee_visible``), in the query."""
    if actor.person_id is None:
        return Value(False, output_field=BooleanField())
    sides = Q(requesting_organisation_id__in=actor.coordinator_of) | Q(
        mentor_organisation_id__in=actor.coordinator_of
    )
    readable = Exists(MentoringRequest.objects.visible_to(actor).filter(pk=OuterRef("request_id")))
    return Case(
        When(request_id__isnull=True, then=Value(False)),
        When(sides | readable, then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


def brokerage_requests(actor: Actor) -> QuerySet[BrokerageRequest]:
    """Brokerage requests the actor sees; each carries ``mentee_shown`` (``mentee_visible``)."""
    return (
        BrokerageRequest.objects.visible_to(actor)
        .select_related(
            "partnership",
            "requesting_organisation",
            "mentor_organisation",
            "mentor_profile__person",
            "request__mentee",
            "request__subject",
            "request__programme",
            "mentorship",
            "requested_by",
            "decided_by",
        )
        .annotate(mentee_shown=_mentee_shown(actor))
    )


def mentee_visible(actor: Actor, brokerage: BrokerageRequest) -> bool:
    """Whether the brokerage request shows who the mentee is (and their request).

    The coordinators of the two organisations (the request is theirs, or the mentor
    they are asked for is), and whoever may see the mentoring request itself;
    never the partnership's administrators as such, nor the mentor before the offer.
    """
    if brokerage.request_id is None:
        return False
    shown = getattr(brokerage, "mentee_shown", None)
    if shown is not None:
        return bool(shown)
    if actor.person_id is None:
        return False
    if (
        actor.is_superuser
        or brokerage.requesting_organisation_id in actor.coordinator_of
        or brokerage.mentor_organisation_id in actor.coordinator_of
    ):
        return True
    from tandem.core import policies

    return policies.can_see(actor, brokerage.request)


def incoming(actor: Actor) -> QuerySet[BrokerageRequest]:
    """Requests for the actor's organisations' mentors, waiting ones first."""
    return (
        brokerage_requests(actor)
        .filter(mentor_organisation_id__in=actor.coordinator_of)
        .order_by(
            Case(When(status=BrokerageStatus.PENDING, then=0), default=1),
            "-created_at",
        )
    )


def outgoing(actor: Actor) -> QuerySet[BrokerageRequest]:
    return (
        brokerage_requests(actor)
        .filter(requesting_organisation_id__in=actor.coordinator_of)
        .order_by("-created_at")
    )


def waiting_count(actor: Actor) -> int:
    """Requests waiting for the actor's decision."""
    if not actor.coordinator_of:
        return 0
    return (
        BrokerageRequest.objects.visible_to(actor)
        .filter(mentor_organisation_id__in=actor.coordinator_of, status=BrokerageStatus.PENDING)
        .count()
    )


def access_brokerage(actor: Actor, uuid: Any, *, for_write: bool = False) -> BrokerageRequest:
    return access_object(actor, BrokerageRequest, uuid, for_write=for_write)


def can_decide(actor: Actor, brokerage: BrokerageRequest) -> bool:
    return actor.is_superuser or brokerage.mentor_organisation_id in actor.coordinator_of


def can_withdraw(actor: Actor, brokerage: BrokerageRequest) -> bool:
    return actor.is_superuser or brokerage.requesting_organisation_id in actor.coordinator_of


def brokerage_contact_visible(
    actor: Actor, brokerage: BrokerageRequest, brokered: frozenset[int] | None = None
) -> bool:
    """Contact details on a brokerage page: only once accepted, only for the two sides' staff.

    ``brokered``: ``accepted_profile_ids(actor)`` when checking many requests.
    """
    if brokerage.status != BrokerageStatus.ACCEPTED:
        # The mentor's own organisation already holds them; nobody else sees them yet.
        return brokerage.mentor_organisation_id in actor.people_reader_of or (
            brokerage.mentor_profile.person_id == actor.person_id
        )
    return contact_visible(actor, brokerage.mentor_profile, brokered)


# --- directory settings -------------------------------------------------------------------


def can_manage_directory_settings(actor: Actor, organisation: Organisation) -> bool:
    return actor.is_superuser or organisation.pk in actor.coordinator_of


def memberships_of(actor: Actor, organisation: Organisation) -> QuerySet[PartnershipMember]:
    return (
        PartnershipMember.objects.visible_to(actor)
        .filter(organisation=organisation)
        .select_related("partnership")
        .order_by("partnership__name")
    )


def own_listing_summary(organisation: Organisation) -> dict[str, int]:
    """How many of the organisation's approved mentors ask to be listed (shown to its staff)."""
    with system_access():
        approved = MentorProfile.objects.filter(
            organisation=organisation, status=ProfileStatus.APPROVED
        )
        return {
            "approved": approved.count(),
            "listed": approved.filter(
                listed_in_directory=True, willing_outside=True, consents_to_matching=True
            ).count(),
        }


# --- the credit ledger ----------------------------------------------------------------------


def can_view_credits(actor: Actor, partnership: Partnership) -> bool:
    if actor.is_superuser or partnership.pk in actor.administered_partnership_ids:
        return True
    return bool(set(actor.coordinator_of) & member_ids(partnership))


def access_credits(actor: Actor, uuid: Any) -> Partnership:
    partnership = access_object(actor, Partnership, uuid)
    if not can_view_credits(actor, partnership):
        raise PermissionDenied(
            "The credit ledger is for the partnership's administrators and its members' "
            "coordinators"
        )
    return partnership


def credit_entries(actor: Actor, partnership: Partnership) -> QuerySet[CreditEntry]:
    return (
        CreditEntry.objects.visible_to(actor)
        .filter(partnership=partnership)
        .select_related("organisation", "brokerage")
        .order_by("-created_at", "-pk")
    )


@dataclass(frozen=True)
class Balance:
    organisation: Organisation
    earned: int
    spent: int

    @property
    def balance(self) -> int:
        return self.earned - self.spent


def credit_balances(actor: Actor, partnership: Partnership) -> list[Balance]:
    """Every member organisation's credits in the partnership (zero when none yet)."""
    rows = {
        r["organisation_id"]: r
        for r in CreditEntry.objects.visible_to(actor)
        .filter(partnership=partnership)
        .values("organisation_id")
        .annotate(
            earned=Coalesce(Sum("amount", filter=Q(amount__gt=0)), 0),
            spent=Coalesce(Sum("amount", filter=Q(amount__lt=0)), 0),
        )
        .order_by()
    }
    with system_access():
        organisations = {
            o.pk: o
            for o in Organisation.objects.filter(
                Q(partnership_memberships__partnership=partnership) | Q(pk__in=rows)
            ).distinct()
        }
    out = [
        Balance(
            organisation=org,
            earned=rows.get(pk, {}).get("earned", 0),
            spent=-rows.get(pk, {}).get("spent", 0),
        )
        for pk, org in organisations.items()
    ]
    return sorted(out, key=lambda b: b.organisation.name)
