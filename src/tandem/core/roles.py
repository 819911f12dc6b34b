"""The roles a person can hold, per organisation or per partnership."""

from django.db import models


class Role(models.TextChoices):
    MENTEE = "mentee", "Mentee"
    MENTOR = "mentor", "Mentor"
    COORDINATOR = "coordinator", "Programme coordinator"
    TUTOR = "tutor", "Personal tutor / course leader"
    LINE_MANAGER = "line_manager", "Line manager"
    TRAINER = "trainer", "Trainer of mentors"


class PartnershipRoleKind(models.TextChoices):
    ADMINISTRATOR = "administrator", "Partnership administrator"


ROLE_PLURALS = {
    Role.MENTEE: "Mentees",
    Role.MENTOR: "Mentors",
    Role.COORDINATOR: "Programme coordinators",
    Role.TUTOR: "Personal tutors and course leaders",
    Role.LINE_MANAGER: "Line managers",
    Role.TRAINER: "Trainers of mentors",
}

# Roles that see other people's records in their organisation and, where the
# organisation asks for it, must use multi-factor authentication.
STAFF_ROLES = frozenset({Role.COORDINATOR, Role.TUTOR, Role.TRAINER, Role.LINE_MANAGER})
# Roles that read the organisation's people list.
PEOPLE_READER_ROLES = frozenset({Role.COORDINATOR, Role.TUTOR, Role.TRAINER})


class Confidentiality(models.TextChoices):
    """How far a record travels. Every record type declares its level."""

    PAIR = "pair", "Private to the mentoring pair"
    PERSONAL = "personal", "The person and those who manage their record"
    PROGRAMME = "programme", "Programme staff"
    ORGANISATION = "organisation", "The organisation"
    PARTNERSHIP = "partnership", "The partnership"
    PUBLIC = "public", "Anyone"
