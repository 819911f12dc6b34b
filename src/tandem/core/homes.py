"""What each role needs first: the data behind each home page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tandem.core.roles import ROLE_PLURALS, Role
from tandem.organisations import selectors

if TYPE_CHECKING:
    from tandem.core.actor import Actor


def _active_org_where(actor: Actor, role: str) -> Any:
    from tandem.organisations.models import Organisation

    ids = actor.organisations_where({role})
    if not ids:
        return None
    wanted = actor.active_organisation_id if actor.active_organisation_id in ids else min(ids)
    return Organisation.objects.visible_to(actor).filter(id=wanted).first()


def _coordinators(actor: Actor) -> list[Any]:
    result = []
    for o in actor.organisations:
        from tandem.organisations.models import Organisation

        org = Organisation.objects.visible_to(actor).get(id=o.organisation_id)
        people = list(
            selectors.people(actor, org, role=Role.COORDINATOR).exclude(id=actor.person_id)
        )
        result.append((org, people))
    return result


def build(actor: Actor, kind: str) -> dict[str, Any]:
    person = actor.person
    ctx: dict[str, Any] = {"person": person}
    if kind == "partnership":
        rows = []
        for partnership in selectors.partnerships(actor).filter(
            id__in=actor.administered_partnership_ids
        ):
            members = list(selectors.members_of(actor, partnership))
            rows.append({"partnership": partnership, "members": members})
        ctx["partnerships"] = rows
    elif kind in {"coordinator", "tutor", "trainer"}:
        role = {"coordinator": Role.COORDINATOR, "tutor": Role.TUTOR, "trainer": Role.TRAINER}[kind]
        org = _active_org_where(actor, role)
        counts = selectors.role_counts(actor, org)
        ctx.update(
            organisation=org,
            role_counts=[
                (ROLE_PLURALS[value], counts.get(value, 0), value) for value in Role.values
            ],
            people_total=selectors.people(actor, org).count(),
        )
        if kind == "coordinator":
            ctx["without_manager"] = selectors.people_without_line_manager(actor, org).filter(
                id__in=selectors.people(actor, org, role=Role.MENTEE).values("id")
            )[:10]
            from tandem.organisations.models import ImportBatch

            ctx["imports"] = ImportBatch.objects.visible_to(actor).filter(organisation=org)[:5]
            from tandem.core.models import AuditEvent

            ctx["recent"] = AuditEvent.objects.visible_to(actor).filter(organisation=org)[:8]
            from tandem.mentors.models import ProfileStatus
            from tandem.mentors.selectors import profiles_of

            ctx["profiles_waiting"] = profiles_of(actor, org, ProfileStatus.SUBMITTED).count()
            ctx.update(_coordinator_matching(actor, org))
        elif kind == "tutor":
            from tandem.matching.request_selectors import awaiting_decision

            ctx["approvals"] = list(awaiting_decision(actor)[:10])
            ctx["mentees"] = selectors.people(actor, org, role=Role.MENTEE)[:20]
            ctx["mentors"] = selectors.people(actor, org, role=Role.MENTOR)[:20]
        else:
            ctx["mentors"] = selectors.people(actor, org, role=Role.MENTOR)[:20]
    elif kind == "line-manager":
        ctx["reports"] = list(selectors.reports_of(actor, person))
    if kind in {"mentor", "mentee"}:
        from tandem.relationships.selectors import own_mentoring

        ctx["mentoring"] = own_mentoring(actor)
        ctx["offers"] = ctx["mentoring"]["offers"]
    if kind == "mentor":
        from tandem.mentors.selectors import own_profile

        ctx["profile"] = own_profile(actor)
    if kind == "mentee":
        from tandem.matching.request_selectors import own_requests

        ctx["requests"] = list(own_requests(actor).exclude(status="withdrawn")[:5])
    ctx["training"] = _training(actor, kind)
    if kind in {"mentor", "mentee"}:
        ctx["line_managers"] = list(selectors.line_managers_of(actor, person))
        ctx["coordinators"] = _coordinators(actor)
        ctx["memberships"] = list(selectors.memberships_of(actor, person).current())
    return ctx


def _training(actor: Actor, kind: str) -> dict[str, Any]:
    """The person's own courses in progress; for course staff, the courses they run and the
    work waiting to be assessed."""
    from tandem.core.policies.training import course_staff_of
    from tandem.training import learning_selectors
    from tandem.training import selectors as training_selectors
    from tandem.training.models import EnrolmentStatus

    out: dict[str, Any] = {}
    if kind in {"mentor", "mentee"}:
        enrolments = learning_selectors.enrolments_of_person(actor).filter(
            status=EnrolmentStatus.ACTIVE
        )[:5]
        out["learning"] = [(e, learning_selectors.progress(e)) for e in enrolments]
        from django.utils import timezone

        from tandem.training import cpd

        year = cpd.academic_year_of(timezone.localdate())
        out["cpd"] = cpd.cpd_totals(actor, actor.person, year)
        out["cpd_year"] = cpd.year_label(year)
    if kind in {"trainer", "tutor", "coordinator"} and course_staff_of(actor):
        out["to_assess"] = learning_selectors.assessment_queue(actor).count()
    if kind == "trainer":
        out["courses"] = list(training_selectors.courses_run_by(actor)[:10])
    return out


def _coordinator_matching(actor: Actor, org: Any) -> dict[str, Any]:
    """What waits for the coordinator in matching: requests, approvals, runs, brokerage."""
    from django.utils import timezone

    from tandem.matching.models import MatchRun, RequestStatus, RunStatus
    from tandem.matching.request_selectors import awaiting_decision, requests_of
    from tandem.mentors.directory import waiting_count
    from tandem.relationships.compliance_selectors import organisation_compliance
    from tandem.relationships.selectors import pending_count

    open_requests = requests_of(actor, org).filter(status=RequestStatus.OPEN)
    counts = organisation_compliance(actor, org, today=timezone.localdate()).counts
    return {
        "compliance": counts,
        "open_requests": open_requests.count(),
        "approvals": awaiting_decision(actor).filter(organisation=org).count(),
        "runs_ready": list(
            MatchRun.objects.visible_to(actor).filter(organisation=org, status=RunStatus.READY)[:3]
        ),
        "brokerage_waiting": waiting_count(actor),
        "offers_pending": pending_count(actor, org),
    }
