"""The daily digest (D6): one email per person listing what is due or overdue for them.

Mentors and mentees hear about this period's requirements not met yet, the
overdue ones, reports to write, objectives due within a week and offers
waiting for their answer; coordinators hear how many of their organisation's
relationships are overdue or at risk, and brokerage requests waiting for them.
People with nothing due get nothing.

``DigestSent`` (unique per person and day) is written in the same transaction
as the email is sent, so a second run on the same day sends nothing, and a
failed send is retried by the next run.

``run_daily`` is the whole daily job: create the scheduled reports now due,
send the line managers' activity reports, then the digests.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from tandem.core.notify import notify
from tandem.core.roles import Role
from tandem.core.tenancy import system_access
from tandem.relationships import compliance, reports
from tandem.relationships.models import (
    DigestSent,
    Mentorship,
    MentorshipStatus,
    Objective,
    ObjectiveStatus,
    Report,
    ReportKind,
    ReportStatus,
)

logger = logging.getLogger(__name__)

OBJECTIVE_DAYS = 7
REPORT_DAYS = 14

MENTORING = "Your mentoring"
REPORTS = "Reports to write"
OBJECTIVES = "Objectives due this week"
OFFERS = "Waiting for your answer"
ORGANISATIONS = "Relationships you coordinate"


def _day(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


@dataclass
class Line:
    text: str
    path: str = ""


@dataclass
class Digest:
    person: Any
    sections: dict[str, list[Line]] = field(default_factory=lambda: defaultdict(list))

    def add(self, section: str, text: str, path: str = "") -> None:
        self.sections[section].append(Line(text, path))

    @property
    def count(self) -> int:
        return sum(len(lines) for lines in self.sections.values())

    @property
    def ordered(self) -> list[tuple[str, list[Line]]]:
        order = (OFFERS, MENTORING, REPORTS, OBJECTIVES, ORGANISATIONS)
        return [(name, self.sections[name]) for name in order if self.sections.get(name)]


def _compliance_path(m: Any) -> str:
    return reverse("relationships:mentorship_compliance", kwargs={"uuid": m.uuid})


def _mentoring_lines(digests: dict[int, Digest], m: Any, c: compliance.Compliance) -> None:
    for person, other, as_whom in ((m.mentor, m.mentee, "mentoring"), (m.mentee, m.mentor, "")):
        who = f"Mentoring {other}" if as_whom else f"With your mentor {other}"
        digest = digests.setdefault(person.pk, Digest(person))
        for r in c.due_now:
            digest.add(MENTORING, f"{who}: {r.summary}", _compliance_path(m))
        if c.overdue_count:
            first = c.overdue[0]
            digest.add(
                MENTORING,
                f"{who}: {c.overdue_count} requirement{'s' if c.overdue_count != 1 else ''} "
                f"overdue, the first {first.what} in {first.period.title}",
                _compliance_path(m),
            )


def build_digests(today: date) -> dict[int, Digest]:
    """Every person's digest for ``today`` (empty ones included; the sender skips them)."""
    from tandem.organisations.models import Membership

    digests: dict[int, Digest] = {}
    with system_access():
        scope = Mentorship.objects.filter(status=MentorshipStatus.ACTIVE)
        active = list(scope.select_related("mentor", "mentee", "organisation", "cohort"))
        results = compliance.evaluate(
            [compliance.Facts.of(m) for m in active], today=today, scope=scope
        )
        drafts = list(
            Report.objects.filter(
                kind=ReportKind.SCHEDULED,
                status=ReportStatus.DRAFT,
                mentorship__status=MentorshipStatus.ACTIVE,
                due_on__lte=today + timedelta(days=REPORT_DAYS),
            ).select_related("mentorship__mentor", "mentorship__mentee")
        )
        objectives = list(
            Objective.objects.filter(
                plan__mentorship__status=MentorshipStatus.ACTIVE,
                due_on__gte=today,
                due_on__lte=today + timedelta(days=OBJECTIVE_DAYS),
            )
            .exclude(status__in=[ObjectiveStatus.ACHIEVED, ObjectiveStatus.DROPPED])
            .select_related("plan__mentorship__mentor", "plan__mentorship__mentee")
        )
        waiting = list(
            Mentorship.objects.filter(
                status__in=[MentorshipStatus.PROPOSED, MentorshipStatus.AWAITING_BROKERAGE]
            ).select_related("mentor", "mentee", "organisation", "mentor_organisation")
        )
        coordinators = list(
            Membership.objects.current()
            .filter(role=Role.COORDINATOR)
            .select_related("person", "organisation")
        )

    for m in active:
        _mentoring_lines(digests, m, results[m.pk])

    for report in drafts:
        m = report.mentorship
        late = " (overdue)" if report.due_on < today else ""
        digests.setdefault(m.mentor_id, Digest(m.mentor)).add(
            REPORTS,
            f"“{report.name}” about {m.mentee}, due {_day(report.due_on)}{late}",
            reverse("relationships:report_detail", kwargs={"uuid": report.uuid}),
        )

    for objective in objectives:
        m = objective.plan.mentorship
        for person in (m.mentor, m.mentee):
            digests.setdefault(person.pk, Digest(person)).add(
                OBJECTIVES,
                f"“{objective.what}” ({m.mentor} mentoring {m.mentee}), "
                f"due {_day(objective.due_on)}",
                m.get_absolute_url(),
            )

    coordinating: dict[int, list[Any]] = defaultdict(list)
    for membership in coordinators:
        coordinating[membership.organisation_id].append(membership.person)

    for m in waiting:
        if m.status == MentorshipStatus.PROPOSED:
            when = (
                f" by {_day(timezone.localdate(m.respond_by))}" if m.respond_by is not None else ""
            )
            digests.setdefault(m.mentor_id, Digest(m.mentor)).add(
                OFFERS, f"Will you mentor {m.mentee}? Please answer{when}", m.get_absolute_url()
            )
        else:
            for person in coordinating.get(m.mentor_organisation_id, []):
                digests.setdefault(person.pk, Digest(person)).add(
                    OFFERS,
                    f"{m.organisation} asks for {m.mentor} to mentor {m.mentee}",
                    m.get_absolute_url(),
                )

    standing: dict[int, dict[str, Any]] = {}
    for m in active:
        c = results[m.pk]
        row = standing.setdefault(
            m.organisation_id, {"organisation": m.organisation, "overdue": 0, "at_risk": 0}
        )
        row["overdue"] += c.standing == compliance.OVERDUE
        row["at_risk"] += c.is_at_risk
    for organisation_id, row in standing.items():
        if not (row["overdue"] or row["at_risk"]):
            continue
        organisation = row["organisation"]
        text = (
            f"{organisation}: {row['overdue']} relationship{'s' if row['overdue'] != 1 else ''} "
            f"with overdue requirements, {row['at_risk']} at risk"
        )
        path = reverse("relationships:organisation_compliance", kwargs={"uuid": organisation.uuid})
        for person in coordinating.get(organisation_id, []):
            digests.setdefault(person.pk, Digest(person)).add(ORGANISATIONS, text, path)
    return digests


def send_daily_digests(*, today: date | None = None) -> int:
    """Email each person with something due their one digest of the day; returns how many."""
    today = today or timezone.localdate()
    digests = build_digests(today)
    already = set(DigestSent.objects.filter(on=today).values_list("person_id", flat=True))
    sent = 0
    for person_id, digest in digests.items():
        if person_id in already or not digest.count:
            continue
        try:
            with transaction.atomic():
                DigestSent.objects.create(person_id=person_id, on=today, items=digest.count)
                notify(
                    [digest.person],
                    "relationships/email/digest.txt",
                    {"digest": digest, "today": today},
                )
        except IntegrityError:  # another run sent it a moment ago
            continue
        except Exception:  # the mail server: nothing is recorded, the next run tries again
            logger.exception("The digest to person %s could not be sent", person_id)
            continue
        sent += 1
    return sent


def run_daily(*, today: date | None = None) -> dict[str, int]:
    """The daily job: scheduled reports, line managers' activity reports, then the digests."""
    today = today or timezone.localdate()
    return {
        "reports_scheduled": reports.schedule_reports(today=today),
        "activity_reports": reports.send_line_manager_reports(today=today),
        "digests": send_daily_digests(today=today),
    }
