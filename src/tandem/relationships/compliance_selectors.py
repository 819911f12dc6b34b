"""Reads for compliance (D6) and reports (D5), already scoped by the policy.

The coordinator's view computes every active relationship of the organisation
(a fixed number of queries, see ``compliance.evaluate``) and filters and sorts
in Python, so the counts at the top and the filtered list agree and the number
of queries does not grow with the number of relationships.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from tandem.core import policies
from tandem.core.roles import Role
from tandem.core.tenancy import system_access
from tandem.relationships import compliance
from tandem.relationships import selectors as mentorship_selectors
from tandem.relationships.models import Mentorship, MentorshipStatus, Report, ReportKind

if TYPE_CHECKING:
    from tandem.core.actor import Actor

STANDINGS = (compliance.OVERDUE, compliance.DUE, compliance.ON_TRACK)


# --- who follows what ------------------------------------------------------------------------


def can_follow_organisation(actor: Actor, organisation: Any) -> bool:
    """The organisation's coordinators and tutors follow its relationships."""
    return mentorship_selectors.can_list_organisation(actor, organisation)


def can_follow_mentorship(actor: Actor, mentorship: Mentorship) -> bool:
    """The pair and the mentee organisation's coordinators and tutors (as for content)."""
    return (
        actor.is_superuser
        or actor.person_id in (mentorship.mentor_id, mentorship.mentee_id)
        or mentorship.organisation_id in actor.organisations_where({Role.COORDINATOR, Role.TUTOR})
    )


def can_follow_partnership(actor: Actor, partnership: Any) -> bool:
    """Partnership administrators see the partnership's figures (numbers, never names)."""
    return actor.is_superuser or partnership.pk in actor.administered_partnership_ids


# --- one organisation ------------------------------------------------------------------------


@dataclass
class Filters:
    standing: str = ""  # overdue, due or on_track
    at_risk: bool = False
    programme: Any = None
    cohort: Any = None
    q: str = ""

    @property
    def any(self) -> bool:
        return bool(self.standing or self.at_risk or self.programme or self.cohort or self.q)


@dataclass
class Row:
    """One relationship in the coordinator's list: its brief standing for filters and counts;
    in full (and the relationship itself) once it is on the page shown."""

    id: int
    programme_id: int
    cohort_id: int | None
    mentor_name: str
    mentee_family: str
    mentee_given: str
    brief: compliance.Brief
    facts: compliance.Facts
    evaluator: compliance.Evaluator
    mentorship: Mentorship | None = None

    @cached_property
    def compliance(self) -> compliance.Compliance:
        return self.evaluator.evaluate(self.facts)


@dataclass
class OrganisationCompliance:
    rows: list[Row]  # filtered and sorted
    counts: dict[str, int] = field(default_factory=dict)  # of every active relationship


def active_mentorships(actor: Actor, organisation: Any) -> QuerySet[Mentorship]:
    """The active relationships the organisation runs (its mentees'), with what a row shows."""
    return mentorship_selectors.mentorships(actor).filter(
        organisation=organisation, status=MentorshipStatus.ACTIVE
    )


def _matches(row: Row, filters: Filters) -> bool:
    c = row.brief
    if filters.standing and c.standing != filters.standing:
        return False
    if filters.at_risk and not c.is_at_risk:
        return False
    if filters.programme is not None and row.programme_id != filters.programme.pk:
        return False
    if filters.cohort is not None and row.cohort_id != filters.cohort.pk:
        return False
    if filters.q:
        names = f"{row.mentor_name} {row.mentee_given} {row.mentee_family}".lower()
        if not all(word in names for word in filters.q.lower().split()[:5]):
            return False
    return True


def _order(row: Row) -> tuple[Any, ...]:
    c = row.brief
    return (
        STANDINGS.index(c.standing),
        not c.is_at_risk,
        -c.overdue_count,
        row.mentee_family.lower(),
        row.mentee_given.lower(),
        row.id,
    )


def count_rows(rows: list[Row]) -> dict[str, int]:
    counts = {"active": len(rows), "at_risk": 0} | {s: 0 for s in STANDINGS}
    for row in rows:
        counts[row.brief.standing] += 1
        counts["at_risk"] += row.brief.is_at_risk
    return counts


def organisation_compliance(
    actor: Actor, organisation: Any, *, today: date, filters: Filters | None = None
) -> OrganisationCompliance:
    """Every active relationship's standing, filtered and sorted (most behind first).

    Light rows (ids, names, figures) for all of them; ``attach`` fetches the
    relationships shown on one page, in one more query.
    """
    filters = filters or Filters()
    scope = active_mentorships(actor, organisation)
    facts = {f.id: f for f in compliance.facts_from_queryset(scope)}
    evaluator = compliance.prepare(list(facts.values()), today=today, scope=scope)
    rows = [
        Row(
            pk,
            programme_id,
            cohort_id,
            f"{mg} {mf}",
            ef,
            eg,
            evaluator.brief(facts[pk]),
            facts[pk],
            evaluator,
        )
        for pk, programme_id, cohort_id, mg, mf, eg, ef in scope.order_by().values_list(
            "id",
            "programme_id",
            "cohort_id",
            "mentor__given_name",
            "mentor__family_name",
            "mentee__given_name",
            "mentee__family_name",
        )
        if pk in facts
    ]
    chosen = sorted((r for r in rows if _matches(r, filters)), key=_order)
    return OrganisationCompliance(chosen, count_rows(rows))


def attach(actor: Actor, rows: Any) -> list[Row]:
    """Fetch the relationships of these rows (one page of them) in one query."""
    rows = list(rows)
    found = mentorship_selectors.mentorships(actor).in_bulk([r.id for r in rows])
    for row in rows:
        row.mentorship = found.get(row.id)
    return [r for r in rows if r.mentorship is not None]


def mentorship_compliance(mentorship: Mentorship, *, today: date) -> compliance.Compliance:
    """One relationship (already reached through access_mentorship)."""
    return compliance.evaluate([compliance.Facts.of(mentorship)], today=today)[mentorship.pk]


# --- a partnership ---------------------------------------------------------------------------


@dataclass
class OrganisationFigures:
    organisation: Any
    active: int = 0
    overdue: int = 0
    due: int = 0
    on_track: int = 0
    at_risk: int = 0


def partnership_summary(partnership: Any, *, today: date) -> list[OrganisationFigures]:
    """How many relationships each member organisation runs, are overdue, due, at risk.

    Figures only: a partnership administrator sees numbers per organisation,
    never a relationship's names or content. Call after ``can_follow_partnership``.
    """
    from tandem.organisations.models import Organisation, PartnershipMember

    with system_access():
        members = PartnershipMember.objects.filter(partnership=partnership).values(
            "organisation_id"
        )
        organisations = list(Organisation.objects.filter(id__in=members).order_by("name"))
        scope = Mentorship.objects.filter(
            organisation_id__in=members, status=MentorshipStatus.ACTIVE
        )
        facts = compliance.facts_from_queryset(scope)
        evaluator = compliance.prepare(facts, today=today, scope=scope) if facts else None
    figures = {o.pk: OrganisationFigures(o) for o in organisations}
    for f in facts:
        row = figures.get(f.organisation_id)
        if row is None:
            continue
        c = evaluator.brief(f)
        row.active += 1
        setattr(row, c.standing, getattr(row, c.standing) + 1)
        row.at_risk += c.is_at_risk
    return list(figures.values())


def totals(figures: list[OrganisationFigures]) -> OrganisationFigures:
    total = OrganisationFigures(None)
    for row in figures:
        for name in ("active", "overdue", "due", "on_track", "at_risk"):
            setattr(total, name, getattr(total, name) + getattr(row, name))
    return total


# --- reports ---------------------------------------------------------------------------------


def reports_of(actor: Actor, mentorship: Mentorship) -> QuerySet[Report]:
    """The relationship's reports the actor may read (a line manager: those sent to them)."""
    return (
        Report.objects.visible_to(actor)
        .filter(mentorship=mentorship)
        .distinct()
        .order_by("due_on", "kind", "name")
    )


def received_reports(actor: Actor) -> QuerySet[Report]:
    """Reports addressed to the actor, newest first."""
    if actor.person_id is None:
        return Report.objects.none()
    return (
        Report.objects.visible_to(actor)
        .filter(recipients=actor.person_id)
        .select_related("mentorship__mentee", "mentorship__mentor", "mentorship__organisation")
        .distinct()
        .order_by("-sent_at", "-due_on", "pk")
    )


def access_report(actor: Actor, uuid: Any, *, for_write: bool = False) -> Report:
    """One report: 404 when absent or not visible, 403 when visible but read-only.

    (Visibility joins the recipients, so the row is made distinct before it is got.)
    """
    try:
        report = (
            Report.objects.visible_to(actor)
            .filter(uuid=uuid)
            .distinct()
            .select_related("mentorship__mentor", "mentorship__mentee", "mentorship__organisation")
            .get()
        )
    except (Report.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404("No report found") from exc
    if for_write and not policies.can_change(actor, report):
        raise PermissionDenied("You can read this report but not change it")
    return report


def drafts_to_write(actor: Actor) -> QuerySet[Report]:
    """Scheduled reports the actor, as mentor, still has to send."""
    if actor.person_id is None:
        return Report.objects.none()
    return (
        Report.objects.visible_to(actor)
        .filter(
            mentorship__mentor_id=actor.person_id,
            kind=ReportKind.SCHEDULED,
            status="draft",
        )
        .filter(~Q(mentorship__status=MentorshipStatus.ENDED))
        .select_related("mentorship__mentee")
        .order_by("due_on")
    )
