"""Programmes, calendars, periods and cohorts as a permission matrix.

Every actor in the cast × record type × (own organisation, partner
organisation, organisation in another partnership, and a programme shared by
the home partnership) × (see, change), matching the rules in
tandem.core.policies.mentoring; then the same through the pages and the API.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from tandem.core import policies
from tandem.core.actor import ANONYMOUS, build_actor
from tandem.core.roles import Confidentiality
from tandem.core.tenancy import access_object, system_access
from tandem.programmes import services
from tandem.programmes.demo import PLATFORM
from tandem.programmes.models import AcademicCalendar, CalendarPeriod, Cohort, Programme
from tests import factories as f
from tests.programmes.conftest import set_up, template

ACTORS = [
    "coordinator",
    "mentor",
    "mentee",
    "tutor",
    "line_manager",
    "trainer",
    "partner_coordinator",
    "outsider_coordinator",
    "partnership_admin",
    "stranger",
    "anonymous",
]
HOME = {"coordinator", "mentor", "mentee", "tutor", "line_manager", "trainer"}
MODELS = {
    "programme": Programme,
    "academiccalendar": AcademicCalendar,
    "calendarperiod": CalendarPeriod,
    "cohort": Cohort,
}


@pytest.fixture
def world(cast):
    rec = {}
    for where, org in (
        ("own", cast.riverside),
        ("partner", cast.northgate),
        ("other", cast.eastfield),
    ):
        programme, calendar, cohort = set_up(org)
        with system_access():
            period = CalendarPeriod.objects.filter(calendar=calendar).first()
        rec |= {
            ("programme", where): programme,
            ("academiccalendar", where): calendar,
            ("calendarperiod", where): period,
            ("cohort", where): cohort,
        }
    with system_access():
        rec[("programme", "shared")] = services.create_programme(
            PLATFORM, template("new-managers"), partnership=cast.north
        )
    return rec


# Every record of the scheme's set-up is seen in its organisation (any role) and by the
# administrators of its partnerships; it is changed by the organisation's coordinators.
def _seen_in(where):
    return {
        "own": HOME | {"partnership_admin"},
        "partner": {"partner_coordinator", "partnership_admin"},
        "other": {"outsider_coordinator"},
    }[where]


def _changed_in(where):
    return {
        "own": {"coordinator"},
        "partner": {"partner_coordinator"},
        "other": {"outsider_coordinator"},
    }[where]


SEE = {(kind, where): _seen_in(where) for kind in MODELS for where in ("own", "partner", "other")}
CHANGE = {
    (kind, where): _changed_in(where) for kind in MODELS for where in ("own", "partner", "other")
}
# A programme shared by the North partnership: everyone in its member organisations sees it;
# only the partnership's administrators change it.
SEE[("programme", "shared")] = HOME | {"partner_coordinator", "partnership_admin"}
CHANGE[("programme", "shared")] = {"partnership_admin"}


def actor_for(cast, name):
    return ANONYMOUS if name == "anonymous" else cast.actor(name)


def test_every_record_type_has_a_rule_at_organisation_level():
    for model in MODELS.values():
        assert policies.LEVELS[model._meta.label_lower] == Confidentiality.ORGANISATION


@pytest.mark.parametrize("actor_name", ACTORS)
def test_see_and_change_matrix(cast, world, actor_name):
    actor = actor_for(cast, actor_name)
    problems = []
    for (kind, where), seers in SEE.items():
        obj = world[(kind, where)]
        model = MODELS[kind]
        seen = model.objects.visible_to(actor).filter(pk=obj.pk).exists()
        if seen != (actor_name in seers):
            problems.append(f"see {kind}/{where}: got {seen}")
        expected_change = actor_name in CHANGE[(kind, where)]
        if policies.can_change(actor, obj) != expected_change:
            problems.append(f"change {kind}/{where}: got {not expected_change}")
        try:
            access_object(actor, model, obj.uuid, for_write=True)
            outcome = "ok"
        except Http404:
            outcome = "404"
        except PermissionDenied:
            outcome = "403"
        want = "ok" if expected_change else ("403" if actor_name in seers else "404")
        if outcome != want:
            problems.append(f"access {kind}/{where}: got {outcome}, want {want}")
    assert not problems, f"{actor_name}: " + "; ".join(problems)


def test_superuser_sees_and_changes_everything(cast, world):
    admin = f.UserFactory(username="root@example.org", email="root@example.org", is_superuser=True)
    actor = build_actor(admin)
    for obj in world.values():
        assert type(obj).objects.visible_to(actor).filter(pk=obj.pk).exists()
        assert policies.can_change(actor, obj)


def pages(world):
    """(url, kind, where, needs_write) for every page that takes one record."""
    out = []
    for where in ("own", "partner", "other"):
        programme = world[("programme", where)]
        calendar = world[("academiccalendar", where)]
        period = world[("calendarperiod", where)]
        cohort = world[("cohort", where)]
        out += [
            (programme.get_absolute_url(), "programme", where, False),
            (reverse("programmes:programme_edit", args=[programme.uuid]), "programme", where, True),
            (cohort.get_absolute_url(), "cohort", where, False),
            (reverse("programmes:cohort_edit", args=[cohort.uuid]), "cohort", where, True),
            (
                reverse("programmes:calendar_detail", args=[calendar.uuid]),
                "academiccalendar",
                where,
                False,
            ),
            (
                reverse("programmes:period_edit", args=[calendar.uuid, period.uuid]),
                "calendarperiod",
                where,
                True,
            ),
        ]
    shared = world[("programme", "shared")]
    out += [
        (shared.get_absolute_url(), "programme", "shared", False),
        (reverse("programmes:programme_edit", args=[shared.uuid]), "programme", "shared", True),
    ]
    return out


def expected_status(actor_name, kind, where, needs_write):
    if actor_name == "anonymous":
        return 302
    if needs_write:
        if actor_name in CHANGE[(kind, where)]:
            return 200
        return 403 if actor_name in SEE[(kind, where)] else 404
    return 200 if actor_name in SEE[(kind, where)] else 404


@pytest.mark.parametrize("actor_name", ACTORS)
def test_page_matrix(cast, world, client, actor_name):
    if actor_name != "anonymous":
        client.force_login(cast.people[actor_name].user)
    problems = []
    for url, kind, where, needs_write in pages(world):
        want = expected_status(actor_name, kind, where, needs_write)
        got = client.get(url).status_code
        if got != want:
            problems.append(f"{url} ({kind}/{where}): {got}, want {want}")
    assert not problems, f"{actor_name}: " + "; ".join(problems)


@pytest.mark.parametrize("actor_name", ACTORS)
def test_api_matrix(cast, world, api_as, actor_name):
    client = api_as(actor_name)
    problems = []
    for (kind, where), path in {
        ("programme", "own"): "/programmes/{}",
        ("programme", "partner"): "/programmes/{}",
        ("programme", "other"): "/programmes/{}",
        ("programme", "shared"): "/programmes/{}",
        ("cohort", "own"): "/cohorts/{}",
        ("cohort", "partner"): "/cohorts/{}",
        ("cohort", "other"): "/cohorts/{}",
        ("academiccalendar", "own"): "/calendars/{}",
        ("academiccalendar", "partner"): "/calendars/{}",
        ("academiccalendar", "other"): "/calendars/{}",
    }.items():
        obj = world[(kind, where)]
        got = client.get(path.format(obj.uuid)).status_code
        want = 200 if actor_name in SEE[(kind, where)] else 404
        if actor_name == "anonymous":
            want = 401
        if got != want:
            problems.append(f"GET {kind}/{where}: {got}, want {want}")
        if kind == "programme":
            got = client.patch(path.format(obj.uuid), {"version": obj.version}).status_code
            if actor_name == "anonymous":
                want = 401
            elif actor_name in CHANGE[(kind, where)]:
                want = 200
            else:
                want = 403 if actor_name in SEE[(kind, where)] else 404
            if got != want:
                problems.append(f"PATCH {kind}/{where}: {got}, want {want}")
    assert not problems, f"{actor_name}: " + "; ".join(problems)


CREATORS = {"coordinator"}


@pytest.mark.parametrize("actor_name", [a for a in ACTORS if a != "anonymous"])
def test_who_sets_up_programmes_and_calendars_of_the_home_organisation(cast, client, actor_name):
    client.force_login(cast.people[actor_name].user)
    org = cast.riverside
    for url in (
        reverse("programmes:programme_new", args=[org.uuid]),
        reverse("programmes:calendar_new", args=[org.uuid]),
    ):
        got = client.get(url).status_code
        if actor_name in CREATORS:
            want = 200
        elif actor_name in HOME | {"partner_coordinator", "partnership_admin"}:
            want = 403  # the organisation is visible to them
        else:
            want = 404
        assert got == want, f"{url}: {got}, want {want}"
