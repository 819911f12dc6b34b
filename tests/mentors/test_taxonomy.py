"""The shipped subject taxonomy: present after migrating, reloadable, shown to users."""

from django.core.management import call_command
from django.urls import reverse

from tandem.mentors.models import Sector, SectorKind, Subject
from tandem.mentors.taxonomy import read_taxonomy


def test_migrations_load_every_shipped_subject(db):
    shipped = read_taxonomy()
    assert Sector.objects.count() == len(shipped)
    assert Subject.objects.count() == sum(len(s["subjects"]) for s in shipped)
    kinds = set(Sector.objects.values_list("kind", flat=True))
    assert kinds == {k.value for k in SectorKind}


def test_covers_minority_subjects_skills_for_life_and_cross_cutting_themes(db):
    names = set(Subject.objects.values_list("name", flat=True))
    for expected in (
        "Upholstery and soft furnishing",
        "Law and legal services",
        "Performing arts",
        "Literacy",
        "Numeracy",
        "ESOL (English for speakers of other languages)",
        "Behaviour management",
        "Special educational needs and disability (SEND)",
        "Dyslexia and specific learning difficulties",
        "Digital skills for teaching",
        "Teaching in prisons and secure settings",
    ):
        assert expected in names


def test_reloading_keeps_edits_and_adds_nothing_twice(db):
    subject = Subject.objects.get(name="Performing arts")
    subject.description = "Drama, dance and musical theatre"
    subject.save()
    before = Subject.objects.count()
    call_command("load_subjects", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Subject.objects.count() == before
    subject.refresh_from_db()
    assert subject.description == "Drama, dance and musical theatre"


def test_subject_page_lists_and_searches(cast, client):
    client.force_login(cast.mentee.user)
    page = client.get(reverse("mentors:subject_list")).content.decode()
    assert "Skills for Life" in page and "Upholstery and soft furnishing" in page
    found = client.get(reverse("mentors:subject_list"), {"q": "uphol"}).content.decode()
    assert "Upholstery and soft furnishing" in found and "Plumbing" not in found
    none = client.get(reverse("mentors:subject_list"), {"q": "quidditch"}).content.decode()
    assert "No subject matches" in none


def test_subject_page_needs_sign_in(client):
    assert client.get(reverse("mentors:subject_list")).status_code == 302


def test_platform_admin_edits_the_taxonomy(client, db):
    from tests import factories as f

    root = f.UserFactory(
        username="root@tandem.example",
        email="root@tandem.example",
        is_superuser=True,
        is_staff=True,
    )
    client.force_login(root)
    sector = Sector.objects.get(name="Retail and commercial enterprise")
    response = client.post(
        reverse("admin:mentors_subject_add"),
        {"sector": sector.pk, "name": "Floristry", "description": "", "is_active": "on"},
    )
    assert response.status_code == 302
    assert Subject.objects.filter(name="Floristry", sector=sector).exists()
