"""The daily digest (D6): one email per person with what is due, sent once a day."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command

from tandem.core.roles import Role
from tandem.relationships import digest, reports
from tandem.relationships.models import DigestSent
from tests.relationships import compliance_fixtures as cf

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 20)
SCHEDULE = [{"name": "Initial review", "due": "11-30", "recipients": ["tutor"]}]


@pytest.fixture
def scene(cast: Any) -> dict[str, Any]:
    prog = cf.programme(cast.riverside, report_schedule=SCHEDULE)
    # Autumn 1 met, Autumn 2 not yet: due now. An objective due in five days.
    due = cf.mentorship(cast.mentee, cast.mentor, prog, starts_on=date(2026, 9, 7))
    cf.meeting(due, date(2026, 10, 30))
    cf.signed_agreement(due)
    cf.objective(due, TODAY + timedelta(days=5), what="Use questioning to check learning")
    # Autumn 1 missed: overdue, and at risk.
    late_mentee = cf.person(cast.riverside, Role.MENTEE, "Lou", "Late")
    other_mentor = cf.person(cast.riverside, Role.MENTOR, "Omar", "Other")
    late = cf.mentorship(late_mentee, other_mentor, prog, starts_on=date(2026, 9, 7))
    # All done: nothing to say to this pair.
    calm_mentee = cf.person(cast.riverside, Role.MENTEE, "Cal", "Calm")
    calm_mentor = cf.person(cast.riverside, Role.MENTOR, "Cy", "Calm")
    calm = cf.mentorship(
        calm_mentee,
        calm_mentor,
        cf.programme(cast.riverside, []),
        starts_on=TODAY - timedelta(days=3),
    )
    # An offer waiting for a mentor's answer.
    asked = cf.person(cast.riverside, Role.MENTOR, "Ann", "Asked")
    cf.mentorship(
        cf.person(cast.riverside, Role.MENTEE, "Pat", "Pending"),
        asked,
        prog,
        starts_on=TODAY,
        status="proposed",
    )
    return {
        "due": due,
        "late": late,
        "calm": calm,
        "asked": asked,
        "other_mentor": other_mentor,
        "late_mentee": late_mentee,
        "calm_people": (calm_mentee, calm_mentor),
    }


def outbox_by_person() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for message in mail.outbox:
        out.setdefault(message.to[0], []).append(message.body)
    return out


def test_each_person_gets_one_digest_and_a_second_run_sends_nothing(cast: Any, scene: Any) -> None:
    reports.schedule_reports(today=TODAY)
    mail.outbox.clear()
    count = digest.send_daily_digests(today=TODAY)
    sent = outbox_by_person()
    assert count == 6
    assert all(len(bodies) == 1 for bodies in sent.values())
    assert set(sent) == {
        cast.mentor.email,
        cast.mentee.email,
        scene["other_mentor"].email,
        scene["late_mentee"].email,
        scene["asked"].email,
        cast.coordinator.email,
    }
    mine = sent[cast.mentor.email][0]
    assert "Mentoring Tom Reyes: 1 more discussion by 18 December 2026 (Autumn 2 2026/27)" in mine
    assert "“Initial review 2026/27” about Tom Reyes, due 30 November 2026" in mine
    assert "Use questioning to check learning" in mine
    assert "/compliance/" in mine
    theirs = sent[cast.mentee.email][0]
    assert "With your mentor Mina Patel" in theirs
    assert "Initial review" not in theirs  # the mentor writes reports
    assert "1 requirement overdue" in sent[scene["late_mentee"].email][0]
    assert "Will you mentor Pat Pending?" in sent[scene["asked"].email][0]
    coordinator = sent[cast.coordinator.email][0]
    assert "Riverside College: 1 relationship with overdue requirements, 1 at risk" in coordinator
    # Nothing due, nothing sent: the tutor, the line manager, the calm pair.
    for person in (cast.tutor, cast.line_manager, *scene["calm_people"]):
        assert person.email not in sent

    mail.outbox.clear()
    assert digest.send_daily_digests(today=TODAY) == 0
    assert mail.outbox == []
    assert DigestSent.objects.filter(on=TODAY).count() == 6
    # The next day, a digest again.
    assert digest.send_daily_digests(today=TODAY + timedelta(days=1)) == 6


def test_the_subject_names_the_day(cast: Any, scene: Any) -> None:
    digest.send_daily_digests(today=TODAY)
    assert all("What is due in your mentoring, 20 November 2026" in m.subject for m in mail.outbox)


def test_a_failed_send_is_retried_by_the_next_run(
    cast: Any, scene: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> int:
        raise ConnectionError("mail server down")

    monkeypatch.setattr(digest, "notify", broken)
    assert digest.send_daily_digests(today=TODAY) == 0  # each failure is logged; none stops the run
    assert not DigestSent.objects.exists()
    monkeypatch.undo()
    assert digest.send_daily_digests(today=TODAY) == 6


def test_the_command_and_the_task_run_the_daily_job_once(cast: Any, scene: Any) -> None:
    out = StringIO()
    call_command("send_digests", "--date", TODAY.isoformat(), stdout=out)
    assert "2 scheduled report(s) created" in out.getvalue()
    assert "6 digest(s) emailed" in out.getvalue()
    from tandem.relationships.compliance_tasks import send_daily_digests

    result = send_daily_digests.enqueue(TODAY.isoformat())
    assert result.return_value == {"reports_scheduled": 0, "activity_reports": 0, "digests": 0}
    with pytest.raises(Exception, match="YYYY-MM-DD"):
        call_command("send_digests", "--date", "20/11/2026", stdout=StringIO())
