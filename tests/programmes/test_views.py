"""The programme pages: happy paths, another organisation's 404, read-only 403, clear errors."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from tandem.core.tenancy import system_access
from tandem.programmes.models import AcademicCalendar, CalendarPeriod, Cohort, Programme
from tests.programmes.conftest import ensure_templates, set_up


@pytest.fixture(autouse=True)
def _templates(db):
    ensure_templates()


def reload(obj):
    with system_access():
        return type(obj).objects.get(pk=obj.pk)


def edit_data(programme, contacts=None, reports=None, **changes):
    """What the edit page posts when nothing is changed, with ``changes`` applied."""
    data = {
        "name": programme.name,
        "description": programme.description,
        "purpose": programme.purpose,
        "relationship_type": programme.relationship_type,
        "required_documents": programme.required_documents,
        "mentor_hours_per_mentee": programme.mentor_hours_per_mentee,
        "remission_hours_per_mentee": programme.remission_hours_per_mentee,
        "supervision_hours_per_mentor": programme.supervision_hours_per_mentor,
        "payment_per_placement": f"{programme.payment_per_placement_pence / 100:.2f}",
        "observation_policy": programme.observation_policy,
        "offer_response_days": programme.offer_response_days,
        "version": programme.version,
    }
    for name in ("line_manager_reports", "requires_trained_mentor"):
        if getattr(programme, name):
            data[name] = "on"
    for name in Programme.WEIGHT_FIELDS:
        data[name] = getattr(programme, name)
    contacts = programme.contact_rules if contacts is None else contacts
    reports = programme.report_schedule if reports is None else reports
    data |= {
        "contacts-TOTAL_FORMS": len(contacts),
        "contacts-INITIAL_FORMS": len(programme.contact_rules),
        "contacts-MIN_NUM_FORMS": 0,
        "contacts-MAX_NUM_FORMS": 1000,
        "reports-TOTAL_FORMS": len(reports),
        "reports-INITIAL_FORMS": len(programme.report_schedule),
        "reports-MIN_NUM_FORMS": 0,
        "reports-MAX_NUM_FORMS": 1000,
    }
    for i, rule in enumerate(contacts):
        data |= {
            f"contacts-{i}-period": rule["period"],
            f"contacts-{i}-periods": ", ".join(str(p) for p in rule.get("periods", [])),
            f"contacts-{i}-kind": rule["kind"],
            f"contacts-{i}-minimum": rule["minimum"],
            f"contacts-{i}-label": rule.get("label", ""),
        }
        if rule.get("DELETE"):
            data[f"contacts-{i}-DELETE"] = "on"
    for i, report in enumerate(reports):
        month, day = report["due"].split("-")
        data |= {
            f"reports-{i}-name": report["name"],
            f"reports-{i}-due_day": int(day),
            f"reports-{i}-due_month": int(month),
            f"reports-{i}-recipients": report["recipients"],
        }
    return data | changes


# --- lists and setting up --------------------------------------------------------------------


def test_coordinator_lists_the_organisations_programmes(cast, login, home):
    programme, _, _ = home
    response = login(cast.coordinator).get(
        reverse("programmes:organisation_programmes", args=[cast.riverside.uuid])
    )
    assert response.status_code == 200
    assert programme.name in response.content.decode()
    assert b"Set up a programme" in response.content


def test_an_empty_list_says_what_to_do_next(cast, login):
    response = login(cast.coordinator).get(
        reverse("programmes:organisation_programmes", args=[cast.riverside.uuid])
    )
    assert b"has no programmes yet" in response.content
    assert b"Add this year's calendar" in response.content


def test_the_entry_point_goes_to_the_active_organisation(cast, login):
    response = login(cast.mentee).get(reverse("programmes:programmes"))
    assert response.url == reverse("programmes:organisation_programmes", args=[cast.riverside.uuid])
    response = login(cast.partnership_admin).get(reverse("programmes:programmes"))
    assert response.url == reverse("programmes:partnership_programmes", args=[cast.north.uuid])
    assert login(cast.stranger).get(reverse("programmes:programmes")).status_code == 403


def test_programme_lists_follow_the_policy(cast, login):
    url = reverse("programmes:organisation_programmes", args=[cast.riverside.uuid])
    assert login(cast.mentee).get(url).status_code == 200
    assert login(cast.partnership_admin).get(url).status_code == 200
    # The partner organisation is visible, its programmes are not shared; the outsider's is hidden.
    assert login(cast.partner_coordinator).get(url).status_code == 403
    assert login(cast.outsider_coordinator).get(url).status_code == 404


def test_coordinator_sets_up_a_programme_from_a_template(cast, login):
    client = login(cast.coordinator)
    url = reverse("programmes:programme_new", args=[cast.riverside.uuid])
    page = client.get(url)
    assert page.status_code == 200
    assert b"Term 1 (to the end of December)" in page.content
    with system_access():
        from tandem.programmes.models import ProgrammeTemplate

        template = ProgrammeTemplate.objects.get(code="induction-new-staff")
    response = client.post(url, {"template": template.pk, "name": "Welcome mentoring"})
    with system_access():
        programme = Programme.objects.get(name="Welcome mentoring")
    assert response.status_code == 302 and response.url == programme.get_absolute_url()
    assert programme.organisation == cast.riverside


def test_setting_up_without_a_template_explains(cast, login):
    response = login(cast.coordinator).post(
        reverse("programmes:programme_new", args=[cast.riverside.uuid]), {"name": "Nameless"}
    )
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert b"Choose the template to start from" in response.content


def test_a_mentee_cannot_set_up_programmes(cast, login):
    url = reverse("programmes:programme_new", args=[cast.riverside.uuid])
    assert login(cast.mentee).get(url).status_code == 403
    assert login(cast.outsider_coordinator).get(url).status_code == 404


def test_partnership_administrator_shares_a_programme(cast, login):
    client = login(cast.partnership_admin)
    url = reverse("programmes:partnership_programme_new", args=[cast.north.uuid])
    with system_access():
        from tandem.programmes.models import ProgrammeTemplate

        template = ProgrammeTemplate.objects.get(code="new-managers")
    response = client.post(url, {"template": template.pk, "name": ""})
    assert response.status_code == 302
    listing = client.get(reverse("programmes:partnership_programmes", args=[cast.north.uuid]))
    assert b"Mentoring for new managers" in listing.content
    # Member organisations see the shared programme in their own list.
    mine = login(cast.mentee).get(
        reverse("programmes:organisation_programmes", args=[cast.riverside.uuid])
    )
    assert b"Mentoring for new managers" in mine.content and b"(shared)" in mine.content
    assert login(cast.coordinator).get(url).status_code == 403


# --- one programme ---------------------------------------------------------------------------


def test_programme_page_says_the_rules_in_plain_words(cast, login, home):
    programme, _, cohort = home
    response = login(cast.mentee).get(programme.get_absolute_url())
    text = response.content.decode()
    assert response.status_code == 200
    assert "Half-term 3 (to the end of February): 2 discussions and 1 observation" in text
    assert "Mentor observations are formative only" in text
    assert cohort.name in text
    assert "Change the rules" not in text  # read-only for a mentee


def test_another_organisations_programme_is_not_found(cast, login, home):
    programme, _, cohort = home
    for url in (
        programme.get_absolute_url(),
        reverse("programmes:programme_edit", args=[programme.uuid]),
        cohort.get_absolute_url(),
    ):
        assert login(cast.outsider_coordinator).get(url).status_code == 404
        assert login(cast.partner_coordinator).get(url).status_code == 404


def test_read_only_people_cannot_edit(cast, login, home):
    programme, calendar, cohort = home
    client = login(cast.mentee)
    assert (
        client.get(reverse("programmes:programme_edit", args=[programme.uuid])).status_code == 403
    )
    assert (
        client.post(
            reverse("programmes:programme_edit", args=[programme.uuid]), edit_data(programme)
        ).status_code
        == 403
    )
    assert (
        client.post(reverse("programmes:programme_close", args=[programme.uuid])).status_code == 403
    )
    assert client.get(reverse("programmes:cohort_new", args=[programme.uuid])).status_code == 403
    assert client.get(reverse("programmes:cohort_edit", args=[cohort.uuid])).status_code == 403
    with system_access():
        period = CalendarPeriod.objects.filter(calendar=calendar).first()
    assert (
        client.get(reverse("programmes:period_edit", args=[calendar.uuid, period.uuid])).status_code
        == 403
    )
    assert reload(programme).version == 1


def test_edit_page_shows_the_contact_table_as_rows_of_fields(cast, login, home):
    programme, _, _ = home
    response = login(cast.coordinator).get(
        reverse("programmes:programme_edit", args=[programme.uuid])
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert 'name="contacts-0-minimum"' in text and 'value="3"' in text
    assert 'name="contacts-15-minimum"' in text  # 13 rows and three empty ones
    assert "Contact row 1: At least" in text
    assert 'name="reports-0-due_day"' in text
    assert 'name="weight_subject"' in text
    assert "[{" not in text  # no raw JSON


def test_coordinator_changes_the_rules(cast, login, home):
    programme, _, _ = home
    contacts = [dict(r) for r in programme.contact_rules]
    contacts[0]["minimum"] = 4
    contacts[1]["DELETE"] = True
    contacts.append(
        {"period": "month", "periods": [9], "kind": "report", "minimum": 1, "label": "May"}
    )
    reports = programme.report_schedule + [
        {"name": "End-of-year report", "due": "07-10", "recipients": ["tutor", "mentee"]}
    ]
    data = edit_data(programme, contacts, reports, weight_subject="5.5", mentor_hours_per_mentee=30)
    response = login(cast.coordinator).post(
        reverse("programmes:programme_edit", args=[programme.uuid]), data
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    after = reload(programme)
    assert after.version == 2
    assert after.contact_rules[0]["minimum"] == 4
    assert len(after.contact_rules) == len(programme.contact_rules)  # one removed, one added
    assert after.contact_rules[-1] == {
        "period": "month",
        "kind": "report",
        "minimum": 1,
        "periods": [9],
        "label": "May",
    }
    assert after.report_schedule[-1]["due"] == "07-10"
    assert after.weight_subject == 5.5 and after.mentor_hours_per_mentee == 30


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"weight_subject": "-2"}, "Subject fit must not be negative"),
        (
            {name: "0" for name in Programme.WEIGHT_FIELDS},
            "All six weights are zero",
        ),
        ({"weight_mode": "lots"}, "Ways of meeting must be a number"),
        ({"contacts-1-minimum": "99"}, "Contact table row 2, at least: Minimum must be a whole"),
        ({"contacts-0-periods": "one"}, "Contact table row 1, which ones: Enter the numbers"),
        (
            {"contacts-0-periods": "5"},
            "Contact table row 1: each term must be a whole number from 1 to 3",
        ),
        ({"reports-0-due_day": "31", "reports-0-due_month": "2"}, "February has no day 31"),
        ({"name": ""}, "Name: Enter a name"),
    ],
)
def test_bad_rules_get_an_error_summary_naming_the_field(cast, login, home, changes, expected):
    programme, _, _ = home
    response = login(cast.coordinator).post(
        reverse("programmes:programme_edit", args=[programme.uuid]), edit_data(programme, **changes)
    )
    text = response.content.decode().replace("&#x27;", "'")
    assert response.status_code == 200
    assert "There is a problem" in text
    assert expected in text
    assert reload(programme).version == 1


def test_a_stale_edit_is_refused_with_a_message(cast, login, home):
    programme, _, _ = home
    client = login(cast.coordinator)
    url = reverse("programmes:programme_edit", args=[programme.uuid])
    stale = edit_data(programme, name="First")
    assert client.post(url, stale).status_code == 302
    response = client.post(url, stale | {"name": "Second"})
    assert response.status_code == 200
    assert b"Someone else saved this programme" in response.content
    assert reload(programme).name == "First"


def test_closing_and_reopening_a_programme(cast, login, home):
    programme, _, _ = home
    client = login(cast.coordinator)
    client.post(reverse("programmes:programme_close", args=[programme.uuid]))
    assert not reload(programme).is_active
    page = client.get(programme.get_absolute_url())
    assert b"This programme is closed" in page.content and b"Start a cohort" not in page.content
    client.post(reverse("programmes:programme_reopen", args=[programme.uuid]))
    assert reload(programme).is_active


# --- cohorts ---------------------------------------------------------------------------------


def test_coordinator_starts_a_cohort(cast, login, home):
    programme, calendar, _ = home
    client = login(cast.coordinator)
    url = reverse("programmes:cohort_new", args=[programme.uuid])
    page = client.get(url)
    assert page.status_code == 200 and b"2026/27" in page.content
    response = client.post(
        url,
        {
            "name": "January starters",
            "calendar": calendar.pk,
            "starts_on_0": "4",
            "starts_on_1": "1",
            "starts_on_2": "2027",
            "ends_on_0": "22",
            "ends_on_1": "7",
            "ends_on_2": "2027",
            "status": "planned",
        },
    )
    with system_access():
        cohort = Cohort.objects.get(name="January starters")
    assert response.status_code == 302 and response.url == cohort.get_absolute_url()
    detail = client.get(cohort.get_absolute_url())
    assert detail.status_code == 200
    assert b"4 January 2027 to 22 July 2027" in detail.content
    assert b"Mentoring requests" in detail.content


def test_a_cohort_ending_before_it_starts_is_explained(cast, login, home):
    programme, calendar, _ = home
    response = login(cast.coordinator).post(
        reverse("programmes:cohort_new", args=[programme.uuid]),
        {
            "name": "Backwards",
            "calendar": calendar.pk,
            "starts_on_0": "4",
            "starts_on_1": "1",
            "starts_on_2": "2027",
            "ends_on_0": "31",
            "ends_on_1": "2",
            "ends_on_2": "2027",
            "status": "planned",
        },
    )
    text = response.content.decode()
    assert "There is a problem" in text
    assert "End date: Enter a real date, for example 16 7 2027" in text
    response = login(cast.coordinator).post(
        reverse("programmes:cohort_new", args=[programme.uuid]),
        {
            "name": "Backwards",
            "calendar": calendar.pk,
            "starts_on_0": "4",
            "starts_on_1": "1",
            "starts_on_2": "2027",
            "ends_on_0": "3",
            "ends_on_1": "1",
            "ends_on_2": "2027",
            "status": "planned",
        },
    )
    assert "End date: The cohort must end after the day it starts" in response.content.decode()


def test_without_a_calendar_the_cohort_page_says_what_to_do(cast, login):
    with system_access():
        from tandem.programmes import services
        from tandem.programmes.demo import PLATFORM
        from tests.programmes.conftest import template

        programme = services.create_programme(PLATFORM, template(), organisation=cast.riverside)
    response = login(cast.coordinator).get(reverse("programmes:cohort_new", args=[programme.uuid]))
    assert b"Add an academic calendar for Riverside College" in response.content


def test_editing_a_cohort(cast, login, home):
    _, calendar, cohort = home
    response = login(cast.coordinator).post(
        reverse("programmes:cohort_edit", args=[cohort.uuid]),
        {
            "name": "Renamed",
            "calendar": calendar.pk,
            "starts_on_0": "1",
            "starts_on_1": "9",
            "starts_on_2": "2026",
            "ends_on_0": "22",
            "ends_on_1": "7",
            "ends_on_2": "2027",
            "status": "closed",
        },
    )
    assert response.status_code == 302
    assert reload(cohort).status == "closed"


# --- calendars -------------------------------------------------------------------------------


def test_coordinator_adds_and_edits_a_calendar(cast, login):
    client = login(cast.coordinator)
    listing = client.get(reverse("programmes:organisation_calendars", args=[cast.riverside.uuid]))
    assert b"No academic calendars yet" in listing.content
    response = client.post(
        reverse("programmes:calendar_new", args=[cast.riverside.uuid]), {"start_year": "2027"}
    )
    with system_access():
        calendar = AcademicCalendar.objects.get(organisation=cast.riverside)
        autumn1 = CalendarPeriod.objects.get(calendar=calendar, name="Autumn 1")
    assert calendar.name == "2027/28"
    assert response.url == reverse("programmes:calendar_detail", args=[calendar.uuid])
    detail = client.get(response.url)
    assert b"Spring 2" in detail.content and b"Thu 13 Apr 2028" in detail.content
    url = reverse("programmes:period_edit", args=[calendar.uuid, autumn1.uuid])
    assert client.get(url).status_code == 200
    moved = client.post(
        url,
        {
            "starts_on_0": "1",
            "starts_on_1": "9",
            "starts_on_2": "2027",
            "ends_on_0": "24",
            "ends_on_1": "10",
            "ends_on_2": "2027",
        },
    )
    assert moved.status_code == 302
    assert reload(autumn1).ends_on == date(2027, 10, 24)
    bad = client.post(
        url,
        {
            "starts_on_0": "1",
            "starts_on_1": "9",
            "starts_on_2": "2027",
            "ends_on_0": "20",
            "ends_on_1": "12",
            "ends_on_2": "2027",
        },
    )
    text = bad.content.decode()
    assert "There is a problem" in text
    assert "Last day: Autumn 2 must end on or after the day it starts" in text


def test_the_same_calendar_year_twice_is_explained(cast, login):
    client = login(cast.coordinator)
    url = reverse("programmes:calendar_new", args=[cast.riverside.uuid])
    client.post(url, {"start_year": "2026"})
    response = client.post(url, {"start_year": "2026"})
    assert b"Riverside College already has a calendar for 2026/27" in response.content
    assert b"There is a problem" in response.content


def test_calendar_pages_follow_the_policy(cast, login, home):
    _, calendar, _ = home
    assert (
        login(cast.mentee)
        .get(reverse("programmes:calendar_detail", args=[calendar.uuid]))
        .status_code
        == 200
    )
    assert (
        login(cast.outsider_coordinator)
        .get(reverse("programmes:calendar_detail", args=[calendar.uuid]))
        .status_code
        == 404
    )
    assert (
        login(cast.mentee)
        .get(reverse("programmes:calendar_new", args=[cast.riverside.uuid]))
        .status_code
        == 403
    )
    assert (
        login(cast.partner_coordinator)
        .get(reverse("programmes:organisation_calendars", args=[cast.riverside.uuid]))
        .status_code
        == 403
    )


def test_a_period_of_another_calendar_is_not_found(cast, login, home):
    _, calendar, _ = home
    _, other, _ = set_up(cast.riverside, name="Second") if False else (None, None, None)
    with system_access():
        from tandem.programmes import services
        from tandem.programmes.demo import PLATFORM

        next_year = services.create_default_calendar(PLATFORM, cast.riverside, 2027)
        period = CalendarPeriod.objects.filter(calendar=next_year).first()
    url = reverse("programmes:period_edit", args=[calendar.uuid, period.uuid])
    assert login(cast.coordinator).get(url).status_code == 404


def test_a_member_organisation_starts_a_cohort_of_a_shared_programme(cast, login):
    with system_access():
        from tandem.programmes import services
        from tandem.programmes.demo import PLATFORM
        from tests.programmes.conftest import template

        shared = services.create_programme(
            PLATFORM, template("new-managers"), partnership=cast.north
        )
        calendar = services.create_default_calendar(PLATFORM, cast.riverside, 2026)
    client = login(cast.coordinator)
    page = client.get(shared.get_absolute_url())
    assert b"Start a cohort" in page.content and b"shared by the partnership" in page.content
    response = client.post(
        reverse("programmes:cohort_new", args=[shared.uuid]),
        {
            "name": "Riverside managers",
            "calendar": calendar.pk,
            "starts_on_0": "1",
            "starts_on_1": "10",
            "starts_on_2": "2026",
            "ends_on_0": "30",
            "ends_on_1": "6",
            "ends_on_2": "2027",
            "status": "running",
        },
    )
    assert response.status_code == 302
    with system_access():
        assert Cohort.objects.get(name="Riverside managers").organisation == cast.riverside
    # The administrator who owns the programme does not run cohorts at organisations.
    assert (
        login(cast.partnership_admin)
        .get(reverse("programmes:cohort_new", args=[shared.uuid]))
        .status_code
        == 403
    )
