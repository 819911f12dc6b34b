"""The platform admin works for superusers on tenant records, and only for them."""

import pytest
from django.urls import reverse

from tandem.core.tenancy import system_access
from tandem.organisations.models import (
    LineManagement,
    Membership,
    Organisation,
    Partnership,
    Person,
)
from tests import factories as f


@pytest.fixture
def superuser(db):
    return f.UserFactory(
        username="root@tandem.example",
        email="root@tandem.example",
        is_superuser=True,
        is_staff=True,
    )


@pytest.mark.parametrize("model", [Partnership, Organisation, Person, Membership, LineManagement])
def test_superuser_lists_and_opens_records(cast, client, superuser, model):
    client.force_login(superuser)
    label = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    assert client.get(reverse(f"{label}_changelist")).status_code == 200
    with system_access():
        obj = model.objects.first()
    assert client.get(reverse(f"{label}_change", args=[obj.pk])).status_code == 200
    assert client.get(reverse(f"{label}_history", args=[obj.pk])).status_code == 200


def test_superuser_edits_an_organisation_through_the_admin(cast, client, superuser):
    client.force_login(superuser)
    url = reverse("admin:organisations_organisation_change", args=[cast.eastfield.pk])
    response = client.post(
        url,
        {
            "name": "Eastfield Adult Learning Service",
            "kind": "adult_community",
            "cpd_target_hours": 30,
        },
    )
    assert response.status_code == 302
    cast.eastfield.refresh_from_db()
    assert cast.eastfield.name == "Eastfield Adult Learning Service"


def test_staff_who_are_not_superusers_are_kept_out(cast, client):
    user = cast.coordinator.user
    user.is_staff = True
    user.save()
    client.force_login(user)
    response = client.get(reverse("admin:organisations_person_changelist"))
    assert response.status_code == 403
