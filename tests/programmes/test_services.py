"""Programmes and cohorts: every write checks permission, validates, and leaves a trail."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tandem.core.models import AuditEvent
from tandem.core.tenancy import system_access
from tandem.programmes import services
from tandem.programmes.models import Cohort, Programme
from tests.programmes.conftest import set_up, template


def events(code):
    with system_access():
        return list(AuditEvent.objects.filter(code=code))


def stored(programme):
    with system_access():
        return Programme.objects.get(pk=programme.pk)


# --- creating programmes ---------------------------------------------------------------------


def test_coordinator_sets_up_a_programme_with_a_copy_of_the_template_rules(cast):
    t = template("learning-support-staff")
    programme = services.create_programme(cast.actor("coordinator"), t, organisation=cast.riverside)
    assert programme.name == t.name
    assert programme.template == t
    assert programme.contact_rules == t.contact_rules
    assert programme.report_schedule == t.report_schedule
    assert programme.line_manager_reports is True
    assert programme.weights() == t.weights()
    assert programme.version == 1
    [event] = events("programmes.programme.created")
    assert event.organisation_id == cast.riverside.pk
    assert event.changes["template"] == "learning-support-staff"
    # The copy is the programme's own: changing the template later does not change it.
    t.mentor_hours_per_mentee = 99
    t.save()
    assert stored(programme).mentor_hours_per_mentee == 10


def test_a_programme_name_is_unique_for_its_owner(cast):
    services.create_programme(
        cast.actor("coordinator"), template(), organisation=cast.riverside, name="Placements"
    )
    with pytest.raises(ValidationError) as caught:
        services.create_programme(
            cast.actor("coordinator"), template(), organisation=cast.riverside, name="placements"
        )
    assert caught.value.message_dict == {
        "name": ["Riverside College already has a programme called 'placements'"]
    }
    # Another organisation may use the same name.
    services.create_programme(
        cast.actor("partner_coordinator"),
        template(),
        organisation=cast.northgate,
        name="Placements",
    )


@pytest.mark.parametrize(
    "name", ["mentee", "mentor", "tutor", "partner_coordinator", "partnership_admin", "stranger"]
)
def test_only_the_organisations_coordinators_set_up_its_programmes(cast, name):
    with pytest.raises(PermissionDenied):
        services.create_programme(cast.actor(name), template(), organisation=cast.riverside)


def test_partnership_administrators_set_up_shared_programmes(cast):
    programme = services.create_programme(
        cast.actor("partnership_admin"), template("new-managers"), partnership=cast.north
    )
    assert programme.partnership == cast.north and programme.organisation is None
    with pytest.raises(PermissionDenied):
        services.create_programme(
            cast.actor("coordinator"), template("new-managers"), partnership=cast.north
        )


def test_a_template_is_needed(cast):
    with pytest.raises(ValidationError) as caught:
        services.create_programme(cast.actor("coordinator"), None, organisation=cast.riverside)
    assert "template" in caught.value.message_dict


# --- editing programmes ----------------------------------------------------------------------


@pytest.fixture
def programme(cast):
    return services.create_programme(
        cast.actor("coordinator"), template(), organisation=cast.riverside
    )


def edit(cast, programme, who="coordinator", **data):
    return services.edit_programme(
        cast.actor(who), programme, expected_version=stored(programme).version, **data
    )


def test_editing_bumps_the_version_and_records_what_changed(cast, programme):
    rules = [
        {"period": "half_term", "kind": "discussion", "minimum": 2, "periods": [3, 1]},
        {"period": "year", "kind": "observation", "minimum": 1},
    ]
    schedule = [{"name": " Mid-year ", "due": "02-28", "recipients": ["coordinator", "tutor"]}]
    edited = edit(
        cast,
        programme,
        contact_rules=rules,
        report_schedule=schedule,
        weight_subject=6,
        mentor_hours_per_mentee=25,
    )
    assert edited.version == 2
    assert edited.contact_rules[0] == {
        "period": "half_term",
        "kind": "discussion",
        "minimum": 2,
        "periods": [1, 3],
        "label": "",
    }
    assert edited.report_schedule == [
        {"name": "Mid-year", "due": "02-28", "recipients": ["tutor", "coordinator"]}
    ]
    assert edited.report_recipients == ["tutor", "coordinator"]
    assert edited.weight_subject == 6.0
    [event] = events("programmes.programme.changed")
    assert set(event.changes) == {
        "contact_rules",
        "report_schedule",
        "report_recipients",
        "weight_subject",
        "mentor_hours_per_mentee",
    }
    assert event.changes["mentor_hours_per_mentee"] == [20, 25]


def test_saving_nothing_new_changes_nothing(cast, programme):
    edited = edit(cast, programme, name=programme.name)
    assert edited.version == 1
    assert events("programmes.programme.changed") == []


def test_a_stale_version_is_refused_and_nothing_is_saved(cast, programme):
    edit(cast, programme, name="Placements 2026")
    with pytest.raises(ValidationError) as caught:
        services.edit_programme(
            cast.actor("coordinator"), programme, expected_version=1, name="Something else"
        )
    assert "Someone else saved this programme" in caught.value.messages[0]
    assert stored(programme).name == "Placements 2026"


@pytest.mark.parametrize(
    ("weights", "field", "message"),
    [
        ({"weight_subject": -1.0}, "weight_subject", "Subject fit must not be negative, got -1.0"),
        ({"weight_place": float("inf")}, "weight_place", "Same site or region must be a finite"),
        ({"weight_mode": float("nan")}, "weight_mode", "Ways of meeting must be a finite number"),
        (
            {
                "weight_subject": 0,
                "weight_mode": 0,
                "weight_availability": 0,
                "weight_place": 0,
                "weight_experience": 0,
                "weight_preferred": 0,
            },
            "weight_subject",
            "All six weights are zero",
        ),
    ],
)
def test_bad_weights_are_refused_on_their_field(cast, programme, weights, field, message):
    with pytest.raises(ValidationError) as caught:
        edit(cast, programme, **weights)
    assert caught.value.message_dict[field][0].startswith(message)
    assert stored(programme).version == 1


def test_zero_weights_are_fine_while_one_is_positive(cast, programme):
    edited = edit(
        cast, programme, weight_mode=0, weight_place=0, weight_availability=0, weight_preferred=0
    )
    assert edited.weights()["mode"] == 0.0


def test_bad_rules_are_refused_row_by_row_and_nothing_is_half_written(cast, programme):
    rules = [
        {"period": "half_term", "kind": "discussion", "minimum": 2},
        {"period": "half_term", "kind": "observation", "minimum": 60},
    ]
    with pytest.raises(ValidationError) as caught:
        edit(cast, programme, name="Renamed", contact_rules=rules, required_documents=["x"])
    errors = caught.value.message_dict
    assert errors["contact_rules.1.minimum"] == [
        "Contact table row 2: minimum must be a whole number from 0 to 50"
    ]
    assert "required_documents.0" in errors
    after = stored(programme)
    assert after.name != "Renamed" and after.version == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "  "}, "name"),
        ({"purpose": "fun"}, "purpose"),
        ({"observation_policy": "graded"}, "observation_policy"),
        ({"mentor_hours_per_mentee": -1}, "mentor_hours_per_mentee"),
        ({"offer_response_days": 0}, "offer_response_days"),
        ({"line_manager_reports": "yes"}, "line_manager_reports"),
        ({"version": 3}, "version"),
    ],
)
def test_bad_fields_are_named(cast, programme, data, field):
    with pytest.raises(ValidationError) as caught:
        edit(cast, programme, **data)
    assert field in caught.value.message_dict


@pytest.mark.parametrize("name", ["mentee", "tutor", "partner_coordinator", "partnership_admin"])
def test_only_coordinators_change_an_organisations_programme(cast, programme, name):
    with pytest.raises(PermissionDenied):
        edit(cast, programme, who=name, description="Mine now")


def test_closing_and_reopening(cast, programme):
    closed = services.deactivate_programme(cast.actor("coordinator"), programme)
    assert not closed.is_active and closed.version == 2
    with pytest.raises(ValidationError):
        services.deactivate_programme(cast.actor("coordinator"), programme)
    reopened = services.reactivate_programme(cast.actor("coordinator"), programme)
    assert reopened.is_active
    assert len(events("programmes.programme.deactivated")) == 1
    assert len(events("programmes.programme.reactivated")) == 1
    with pytest.raises(PermissionDenied):
        services.deactivate_programme(cast.actor("mentee"), programme)


# --- cohorts ---------------------------------------------------------------------------------


@pytest.fixture
def calendar(cast):
    return services.create_default_calendar(cast.actor("coordinator"), cast.riverside, 2026)


def new_cohort(cast, programme, calendar, who="coordinator", **kw):
    data = {
        "calendar": calendar,
        "name": "September starters",
        "starts_on": date(2026, 9, 1),
        "ends_on": date(2027, 7, 22),
    } | kw
    return services.create_cohort(cast.actor(who), programme, **data)


def test_coordinator_starts_a_cohort(cast, programme, calendar):
    cohort = new_cohort(cast, programme, calendar)
    assert cohort.organisation == cast.riverside
    assert cohort.status == "planned"
    [event] = events("programmes.cohort.created")
    assert event.changes["programme"] == programme.name


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"starts_on": date(2026, 9, 1), "ends_on": date(2026, 8, 1)},
            "ends_on",
            "The cohort must end after the day it starts",
        ),
        (
            {"starts_on": date(2027, 9, 1), "ends_on": date(2028, 7, 1)},
            "starts_on",
            "The cohort must start inside the 2026/27 calendar",
        ),
        ({"name": ""}, "name", "Enter a name for the cohort"),
        ({"status": "paused"}, "status", "Choose one of"),
        ({"starts_on": "tomorrow"}, "starts_on", "Enter a real date"),
    ],
)
def test_bad_cohorts_are_refused(cast, programme, calendar, data, field, message):
    with pytest.raises(ValidationError) as caught:
        new_cohort(cast, programme, calendar, **data)
    assert caught.value.message_dict[field][0].startswith(message)
    with system_access():
        assert not Cohort.objects.exists()


def test_a_cohort_may_run_past_the_end_of_its_first_year(cast, programme, calendar):
    cohort = new_cohort(cast, programme, calendar, ends_on=date(2028, 7, 14))
    assert cohort.ends_on.year == 2028


def test_cohort_names_are_unique_within_a_programme(cast, programme, calendar):
    new_cohort(cast, programme, calendar)
    with pytest.raises(ValidationError) as caught:
        new_cohort(cast, programme, calendar, name="september STARTERS")
    assert "already has a cohort called" in caught.value.message_dict["name"][0]


def test_a_cohort_follows_its_own_organisations_calendar(cast, programme):
    elsewhere = services.create_default_calendar(
        cast.actor("partner_coordinator"), cast.northgate, 2026
    )
    with pytest.raises(ValidationError) as caught:
        new_cohort(cast, programme, elsewhere)
    assert caught.value.message_dict["calendar"] == [
        "Choose one of Riverside College's academic calendars"
    ]


def test_a_closed_programme_takes_no_cohorts(cast, programme, calendar):
    services.deactivate_programme(cast.actor("coordinator"), programme)
    with pytest.raises(ValidationError) as caught:
        new_cohort(cast, programme, calendar)
    assert "closed" in caught.value.messages[0]


@pytest.mark.parametrize("name", ["mentee", "tutor", "partner_coordinator", "partnership_admin"])
def test_only_coordinators_start_cohorts(cast, programme, calendar, name):
    with pytest.raises(PermissionDenied):
        new_cohort(cast, programme, calendar, who=name)


def test_member_organisations_run_cohorts_of_a_shared_programme(cast):
    shared = services.create_programme(
        cast.actor("partnership_admin"), template("new-managers"), partnership=cast.north
    )
    calendar = services.create_default_calendar(
        cast.actor("partner_coordinator"), cast.northgate, 2026
    )
    cohort = new_cohort(
        cast, shared, calendar, who="partner_coordinator", organisation=cast.northgate
    )
    assert cohort.organisation == cast.northgate
    outsider_calendar = services.create_default_calendar(
        cast.actor("outsider_coordinator"), cast.eastfield, 2026
    )
    with pytest.raises(ValidationError) as caught:
        new_cohort(
            cast,
            shared,
            outsider_calendar,
            who="outsider_coordinator",
            organisation=cast.eastfield,
        )
    assert caught.value.message_dict["organisation"] == [
        f"Eastfield Adult Learning does not run {shared.name}"
    ]


def test_editing_a_cohort(cast):
    programme, calendar, cohort = set_up(cast.riverside)
    edited = services.edit_cohort(
        cast.actor("coordinator"), cohort, status="closed", name="2026 starters"
    )
    assert (edited.status, edited.name) == ("closed", "2026 starters")
    [event] = events("programmes.cohort.changed")
    assert event.changes["status"] == ["running", "closed"]
    with pytest.raises(ValidationError) as caught:
        services.edit_cohort(cast.actor("coordinator"), cohort, ends_on=date(2026, 1, 1))
    assert "ends_on" in caught.value.message_dict
    with pytest.raises(ValidationError):
        services.edit_cohort(cast.actor("coordinator"), cohort, programme=None)
    with pytest.raises(PermissionDenied):
        services.edit_cohort(cast.actor("mentee"), cohort, name="Ours")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("remission_hours_per_mentee", 501, "Remission hours must be a whole number from 0 to 500"),
        ("supervision_hours_per_mentor", -1, "Supervision hours must be a whole number"),
        ("payment_per_placement_pence", 12.5, "Payment per placement, in pence, must be"),
    ],
)
def test_time_and_money_rules_are_checked(cast, programme, field, value, message):
    with pytest.raises(ValidationError) as caught:
        edit(cast, programme, **{field: value})
    assert caught.value.message_dict[field][0].startswith(message)


def test_time_and_money_come_from_the_template(cast):
    placement = services.create_programme(
        cast.actor("coordinator"),
        template("itt-pre-service-placement"),
        organisation=cast.riverside,
    )
    assert placement.payment_per_placement_pence == 50000
    managers = services.create_programme(
        cast.actor("coordinator"), template("new-managers"), organisation=cast.riverside
    )
    assert managers.supervision_hours_per_mentor == 3
