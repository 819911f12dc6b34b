"""Mentor profiles: every write, one function per use case (C1)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from tandem.core import audit, policies
from tandem.core.roles import Role
from tandem.core.tenancy import system_access
from tandem.mentors.models import MentorProfile, Mode, ProfileStatus
from tandem.organisations.models import Membership, Organisation

if TYPE_CHECKING:
    from tandem.core.actor import Actor

# What a mentor claims about themself needs a coordinator's approval again when
# it changes; how and when they mentor is theirs to decide.
CLAIMS = (
    "specialisms",
    "teaching_qualification",
    "mentoring_qualification",
    "training_status",
    "years_teaching",
    "years_mentoring",
    "advanced_practitioner",
    "subject_learning_coach",
)
PREFERENCES = (
    "capacity",
    "availability",
    "site",
    "region",
    "modes",
    "willing_outside",
    "listed_in_directory",
    "generic_pool",
    "consents_to_matching",
)


@transaction.atomic
def start_profile(actor: Actor, organisation: Organisation) -> MentorProfile:
    """Create the signed-in mentor's draft profile at an organisation where they mentor."""
    person = actor.person
    if person is None:
        raise PermissionDenied("Only people in Tandem have mentor profiles")
    with system_access():
        if (
            not Membership.objects.current()
            .filter(person=person, organisation=organisation, role=Role.MENTOR)
            .exists()
        ):
            raise PermissionDenied(f"You are not a mentor at {organisation}")
        existing = MentorProfile.objects.filter(person=person).first()
    if existing is not None:
        return existing
    profile = MentorProfile.objects.create(person=person, organisation=organisation)
    audit.record(actor, "mentors.profile.started", profile, organisation=organisation)
    return profile


def _stored(profile: MentorProfile) -> dict[str, Any]:
    stored = MentorProfile._base_manager.get(pk=profile.pk)
    values = {name: getattr(stored, name) for name in CLAIMS + PREFERENCES if name != "specialisms"}
    values["specialisms"] = set(stored.specialisms.values_list("pk", flat=True))
    return values


@transaction.atomic
def save_profile(
    actor: Actor, profile: MentorProfile, *, expected_version: int, **data: Any
) -> MentorProfile:
    """Save the mentor's changes; changed claims go back to the coordinator."""
    if not policies.can_change(actor, profile):
        raise PermissionDenied("You cannot change this mentor profile")
    locked = MentorProfile._base_manager.select_for_update().get(pk=profile.pk)
    if locked.version != expected_version:
        raise ValidationError(
            "Someone else saved this profile while you were editing it. "
            "Nothing of yours was saved: reload the page to see their changes, then edit again."
        )
    unknown = set(data) - set(CLAIMS + PREFERENCES)
    if unknown:
        raise ValidationError(f"Unknown profile fields: {', '.join(sorted(unknown))}")
    if "modes" in data:
        bad = [m for m in data["modes"] if m not in Mode.values]
        if bad:
            raise ValidationError({"modes": f"Unknown ways of meeting: {', '.join(bad)}"})
    if "capacity" in data and not 0 <= int(data["capacity"]) <= 20:
        raise ValidationError({"capacity": "Choose between 0 and 20 mentees at once"})
    if data.get("site") is not None and data["site"].organisation_id != profile.organisation_id:
        raise ValidationError({"site": "Choose a site of your own organisation"})
    before = _stored(profile)
    after = dict(before)
    for name, value in data.items():
        after[name] = set(s.pk for s in value) if name == "specialisms" else value
    changes = {n: [before[n], after[n]] for n in after if before[n] != after[n]}
    if not changes:
        return profile
    for name, value in data.items():
        if name != "specialisms":
            setattr(profile, name, value)
    claims_changed = any(name in CLAIMS for name in changes)
    if claims_changed and profile.status == ProfileStatus.APPROVED:
        profile.status = ProfileStatus.SUBMITTED
        profile.approved_at = None
        profile.approved_by = None
    profile.version = locked.version + 1
    with system_access():
        profile.full_clean(exclude=["person", "organisation"])
    profile.save()
    if "specialisms" in data:
        profile.specialisms.set(data["specialisms"])
    audit.record(
        actor,
        "mentors.profile.saved",
        profile,
        organisation=profile.organisation,
        changes={k: [_plain(v[0]), _plain(v[1])] for k, v in changes.items()},
    )
    return profile


def _plain(value: Any) -> Any:
    return sorted(value) if isinstance(value, set) else value


@transaction.atomic
def submit_profile(actor: Actor, profile: MentorProfile) -> MentorProfile:
    if profile.person_id != actor.person_id:
        raise PermissionDenied("Only the mentor submits their own profile")
    if profile.status not in (ProfileStatus.DRAFT, ProfileStatus.CHANGES_REQUESTED):
        raise ValidationError("This profile is already with your coordinator or approved")
    if not profile.specialisms.exists():
        raise ValidationError({"specialisms": "Choose at least one subject you can mentor in"})
    profile.status = ProfileStatus.SUBMITTED
    profile.version += 1
    profile.save(update_fields=["status", "version", "updated_at"])
    audit.record(actor, "mentors.profile.submitted", profile, organisation=profile.organisation)
    return profile


@transaction.atomic
def approve_profile(actor: Actor, profile: MentorProfile) -> MentorProfile:
    if not policies.can_approve_mentor_profile(actor, profile):
        raise PermissionDenied("Only the organisation's coordinators approve mentors")
    if profile.status != ProfileStatus.SUBMITTED:
        raise ValidationError("Only a profile waiting for approval can be approved")
    profile.status = ProfileStatus.APPROVED
    profile.approved_at = timezone.now()
    profile.approved_by = actor.person
    profile.coordinator_note = ""
    profile.version += 1
    profile.save()
    audit.record(actor, "mentors.profile.approved", profile, organisation=profile.organisation)
    return profile


@transaction.atomic
def request_changes(actor: Actor, profile: MentorProfile, note: str) -> MentorProfile:
    if not policies.can_approve_mentor_profile(actor, profile):
        raise PermissionDenied("Only the organisation's coordinators review mentors")
    note = note.strip()
    if not note:
        raise ValidationError({"note": "Say what the mentor should change"})
    if profile.status != ProfileStatus.SUBMITTED:
        raise ValidationError("Only a profile waiting for approval can be sent back")
    profile.status = ProfileStatus.CHANGES_REQUESTED
    profile.coordinator_note = note[:500]
    profile.version += 1
    profile.save()
    audit.record(
        actor,
        "mentors.profile.changes_requested",
        profile,
        organisation=profile.organisation,
        changes={"note": note[:500]},
    )
    return profile
