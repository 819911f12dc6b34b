"""Reads of the subject taxonomy (public reference data)."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from tandem.mentors.models import Sector, Subject


def sectors_with_subjects(search: str = "") -> QuerySet[Sector]:
    subjects = Subject.objects.filter(is_active=True)
    sectors = Sector.objects.all()
    if search:
        matching = Q(name__icontains=search) | Q(sector__name__icontains=search)
        subjects = subjects.filter(matching)
        sectors = sectors.filter(subjects__in=subjects).distinct()
    return sectors.prefetch_related(Prefetch("subjects", queryset=subjects, to_attr="shown"))
