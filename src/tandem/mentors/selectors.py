"""Reads of the subject taxonomy (public reference data) and mentor profiles (scoped)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from tandem.core.tenancy import access_object
from tandem.mentors.models import MentorProfile, Sector, Subject


def sectors_with_subjects(search: str = "") -> QuerySet[Sector]:
    subjects = Subject.objects.filter(is_active=True)
    sectors = Sector.objects.all()
    if search:
        matching = Q(name__icontains=search) | Q(sector__name__icontains=search)
        subjects = subjects.filter(matching)
        sectors = sectors.filter(subjects__in=subjects).distinct()
    return sectors.prefetch_related(Prefetch("subjects", queryset=subjects, to_attr="shown"))


def profiles_of(actor: Any, organisation: Any, status: str = "") -> QuerySet[MentorProfile]:
    qs = (
        MentorProfile.objects.visible_to(actor)
        .filter(organisation=organisation)
        .select_related("person")
        .prefetch_related("specialisms")
        .order_by("person__family_name", "person__given_name")
    )
    return qs.filter(status=status) if status else qs


def own_profile(actor: Any) -> MentorProfile | None:
    if actor.person_id is None:
        return None
    return MentorProfile.objects.visible_to(actor).filter(person_id=actor.person_id).first()


def access_profile(actor: Any, uuid: Any, *, for_write: bool = False) -> MentorProfile:
    return access_object(actor, MentorProfile, uuid, for_write=for_write)


def active_subjects() -> QuerySet[Subject]:
    return Subject.objects.filter(is_active=True).select_related("sector")
