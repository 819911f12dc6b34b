"""The shipped templates: loaded by a migration, valid, drawn from the seeds, kept when edited."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from tandem.core.tenancy import system_access
from tandem.programmes import rules
from tandem.programmes.models import (
    ObservationPolicy,
    ProgrammeTemplate,
    Purpose,
    RelationshipType,
)
from tandem.programmes.shipped import load_templates, read_templates
from tests import factories as f
from tests.programmes.conftest import set_up

CODES = {
    "itt-in-service-subject-mentor",
    "itt-pre-service-placement",
    "induction-new-staff",
    "learning-support-staff",
    "peer-co-coaching-cpd",
    "new-managers",
}


def test_the_migration_loads_the_six_shipped_templates(db):
    assert set(ProgrammeTemplate.objects.values_list("code", flat=True)) == CODES


@pytest.mark.parametrize("entry", read_templates(), ids=lambda e: e["code"])
def test_every_shipped_template_is_valid(entry):
    rules.check(
        contact_rules=entry["contact_rules"],
        required_documents=entry["required_documents"],
        report_schedule=entry["report_schedule"],
    )
    assert entry["purpose"] in Purpose.values
    assert entry["relationship_type"] in RelationshipType.values
    assert entry["observation_policy"] in ObservationPolicy.values
    assert entry["name"] and len(entry["description"]) > 100
    assert isinstance(entry["line_manager_reports"], bool)
    assert isinstance(entry["requires_trained_mentor"], bool)
    assert entry["mentor_hours_per_mentee"] >= 0
    assert entry["contact_rules"], "every template sets minimum contacts"


def test_pre_service_template_holds_the_half_term_table_of_seed_002(db):
    t = ProgrammeTemplate.objects.get(code="itt-pre-service-placement")
    assert rules.describe_contact_rules(t.contact_rules) == [
        "Term 1 (to the end of December): 3 discussions, 1 observation and 1 report",
        "Half-term 3 (to the end of February): 2 discussions and 1 observation",
        "Half-term 4 (to Easter): 2 discussions and 1 observation",
        "Half-term 4 (contribution to the mid-year review): 1 report",
        "Half-term 5 (to the summer half-term): 2 discussions and 1 observation",
        "Half-term 6 (to the end of the academic year): 1 discussion, 1 observation and 1 report",
    ]
    assert t.observation_policy == ObservationPolicy.FORMATIVE_ONLY
    assert t.purpose == Purpose.ITT_PRE_SERVICE


def test_in_service_template_reports_to_tutors_three_times_a_year(db):
    t = ProgrammeTemplate.objects.get(code="itt-in-service-subject-mentor")
    assert [r["due"] for r in t.report_schedule] == ["11-30", "01-31", "04-30"]
    assert all(r["recipients"] == ["tutor"] for r in t.report_schedule)
    assert t.mentor_hours_per_mentee == 20
    assert t.requires_trained_mentor


def test_learning_support_template_follows_seed_004(db):
    t = ProgrammeTemplate.objects.get(code="learning-support-staff")
    assert t.line_manager_reports
    lines = rules.describe_contact_rules(t.contact_rules)
    assert lines[0].startswith("Each month from September to November")
    assert "4 discussions" in lines[0]
    assert "observes" in lines[2]


def test_co_coaching_and_new_managers_weigh_matching_for_their_purpose(db):
    co = ProgrammeTemplate.objects.get(code="peer-co-coaching-cpd")
    assert co.relationship_type == RelationshipType.CO_COACHING
    assert co.weight_preferred > ProgrammeTemplate._meta.get_field("weight_preferred").default
    managers = ProgrammeTemplate.objects.get(code="new-managers")
    assert managers.purpose == Purpose.LEADERSHIP
    assert managers.weight_experience > managers.weight_subject


def test_loading_again_adds_only_new_templates_and_keeps_edits(db):
    edited = ProgrammeTemplate.objects.get(code="induction-new-staff")
    edited.name = "Induction (our wording)"
    edited.mentor_hours_per_mentee = 12
    edited.save()
    ProgrammeTemplate.objects.filter(code="new-managers").delete()
    assert load_templates(ProgrammeTemplate) == 1
    edited.refresh_from_db()
    assert edited.name == "Induction (our wording)"
    assert edited.mentor_hours_per_mentee == 12
    assert ProgrammeTemplate.objects.count() == 6
    assert load_templates(ProgrammeTemplate) == 0


def test_the_command_reports_what_it_added(db, capsys):
    call_command("load_programme_templates")
    assert "0 new (6 templates in all)" in capsys.readouterr().out


@pytest.fixture
def superuser(db):
    return f.UserFactory(
        username="root@tandem.example",
        email="root@tandem.example",
        is_superuser=True,
        is_staff=True,
    )


@pytest.mark.parametrize("model", ["programmetemplate", "programme", "academiccalendar", "cohort"])
def test_platform_admin_lists_and_opens_programme_records(cast, client, superuser, model):
    programme, calendar, cohort = set_up(cast.riverside)
    obj = {
        "programmetemplate": programme.template,
        "programme": programme,
        "academiccalendar": calendar,
        "cohort": cohort,
    }[model]
    client.force_login(superuser)
    assert client.get(reverse(f"admin:programmes_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:programmes_{model}_change", args=[obj.pk])).status_code == 200


def test_staff_who_are_not_superusers_see_no_programmes_in_the_admin(cast, client):
    set_up(cast.riverside)
    user = cast.coordinator.user
    user.is_staff = True
    user.save()
    client.force_login(user)
    response = client.get(reverse("admin:programmes_programme_changelist"))
    assert response.status_code == 403
    with system_access():
        assert ProgrammeTemplate.objects.count() == 6


def test_the_admin_checks_rules_typed_as_json(cast, client, superuser):
    t = ProgrammeTemplate.objects.get(code="new-managers")
    client.force_login(superuser)
    url = reverse("admin:programmes_programmetemplate_change", args=[t.pk])
    data = {
        "code": t.code,
        "name": t.name,
        "description": t.description,
        "position": t.position,
        "purpose": t.purpose,
        "relationship_type": t.relationship_type,
        "contact_rules": '[{"period": "half_term", "kind": "discussion", "minimum": 80}]',
        "required_documents": '["agreement"]',
        "mentor_hours_per_mentee": 10,
        "remission_hours_per_mentee": 0,
        "payment_per_placement_pence": 0,
        "supervision_hours_per_mentor": 3,
        "report_schedule": '[{"name": "Review", "due": "07-15", "recipients": ["mentee"]}]',
        "report_recipients": "[]",
        "observation_policy": t.observation_policy,
        "weight_subject": 0,
        "weight_mode": 0,
        "weight_availability": 0,
        "weight_place": 0,
        "weight_experience": 0,
        "weight_preferred": 0,
        "offer_response_days": 5,
    }
    response = client.post(url, data)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Contact table row 1: minimum must be a whole number from 0 to 50" in text
    assert "All six weights are zero" in text
    fixed = data | {
        "contact_rules": '[{"period": "half_term", "kind": "discussion", "minimum": 1}]',
        "weight_subject": 1,
    }
    assert client.post(url, fixed).status_code == 302
    t.refresh_from_db()
    assert t.contact_rules[0]["minimum"] == 1
    assert t.report_recipients == ["mentee"]


def test_the_templates_carry_time_and_payment_from_the_seeds(db):
    by_code = {t.code: t for t in ProgrammeTemplate.objects.all()}
    assert by_code["itt-in-service-subject-mentor"].remission_hours_per_mentee == 20
    assert by_code["itt-pre-service-placement"].payment_per_placement_pence == 50000
    assert by_code["new-managers"].supervision_hours_per_mentor == 3
