"""The demonstration mentoring requests: idempotent, and they show every state."""

from __future__ import annotations

from tandem.core.actor import build_actor
from tandem.core.tenancy import system_access
from tandem.matching.models import MentoringRequest, RequestStatus, Route
from tandem.matching.request_demo import seed_requests
from tandem.organisations import demo
from tandem.organisations.models import Organisation, Person
from tandem.programmes.demo import seed_programmes
from tests.conftest import ensure_subjects


def test_demo_requests(db):
    ensure_subjects()
    demo.seed()
    programmes = seed_programmes()
    added = seed_requests(programmes)
    assert added == 8
    assert seed_requests(programmes) == 0  # idempotent
    assert seed_requests() == 0  # and finds the programmes by itself
    with system_access():
        requests = list(MentoringRequest.objects.select_related("mentee", "chosen_mentor"))
        riverside = Organisation.objects.get(name="Riverside College")
        coordinator = Person.objects.get(email="coordinator@riverside.example")
    by_name = {str(r.mentee): r for r in requests}
    assert by_name["Ryan Taylor"].status == RequestStatus.OPEN
    tomasz, maryam = by_name["Tomasz Nowak"], by_name["Maryam Iqbal"]
    assert (tomasz.status, tomasz.route) == (RequestStatus.AWAITING_APPROVAL, Route.SHORTLIST)
    assert (maryam.status, maryam.route) == (
        RequestStatus.AWAITING_APPROVAL,
        Route.SELF_IDENTIFIED,
    )
    assert maryam.chosen_mentor is not None and tomasz.chosen_mentor is not None
    assert all(r.cohort is not None for r in requests)

    from tandem.matching.services import hard_to_match_report

    report = hard_to_match_report(build_actor(coordinator.user), riverside)
    subjects = {row.subject for row in report.rows if row.without_candidate}
    assert {"Sport, leisure and recreation", "Learning support"} <= subjects
