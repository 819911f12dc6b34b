"""The demonstration cast loaded by ``manage.py seed_demo``.

Two partnerships of further-education providers in England and Wales, seven
organisations of six kinds (Westbury University belongs to both
partnerships), named people in every role, line management, and one demo
sign-in per role sharing ``DEMO_PASSWORD``.

Daniel Okafor at Riverside College is a mentor *and* line-manages the demo
mentee, Ryan Taylor: he must never be matched as Ryan's mentor.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from tandem.core import audit
from tandem.core.roles import Role
from tandem.core.tenancy import system_access
from tandem.organisations.models import (
    LineManagement,
    Membership,
    Organisation,
    OrganisationKind,
    Partnership,
    PartnershipMember,
    PartnershipRole,
    Person,
    Site,
)

# Published on purpose: demo data only, printed by `make run`.
DEMO_PASSWORD = "tandem-demo-2026"  # noqa: S105
DEMO_URL = settings.SITE_URL.rstrip("/") + "/"
SUPERUSER_EMAIL = "admin@tandem.example"
# Its presence means the demonstration data is already loaded.
MARKER_PARTNERSHIP = "Pennine Teacher Education Partnership"

PARTNERSHIPS = {
    "pennine": (
        MARKER_PARTNERSHIP,
        "Yorkshire and the North West",
        "Colleges, training providers and adult learning services that share mentors and "
        "mentor training for new teachers and trainers in the Pennine towns.",
    ),
    "severn": (
        "Severn Lifelong Learning Network",
        "West Midlands and Wales",
        "Community, prison and college educators along the Severn working together on "
        "induction, mentoring and teaching observation.",
    ),
}


@dataclass(frozen=True)
class DemoOrganisation:
    name: str
    kind: str
    region: str
    domain: str
    partnerships: tuple[str, ...]
    sites: tuple[tuple[str, str, str], ...]  # name, address, postcode

    @property
    def website(self) -> str:
        return f"https://www.{self.domain}/"


ORGANISATIONS = {
    "riverside": DemoOrganisation(
        "Riverside College",
        OrganisationKind.COLLEGE,
        "West Yorkshire",
        "riverside.example",
        ("pennine",),
        (
            ("Calder Street Campus", "14 Calder Street\nHalifax", "HX1 5QT"),
            ("Moorside Construction Centre", "Moorside Industrial Estate\nElland", "HX5 9DL"),
        ),
    ),
    "northgate": DemoOrganisation(
        "Northgate Training",
        OrganisationKind.WORK_BASED_LEARNING,
        "West Yorkshire",
        "northgate.example",
        ("pennine",),
        (("Northgate House", "2 Northgate\nBradford", "BD1 3JR"),),
    ),
    "kirkdale": DemoOrganisation(
        "Kirkdale Adult and Community Learning Service",
        OrganisationKind.ADULT_COMMUNITY,
        "Lancashire",
        "kirkdale.example",
        ("pennine",),
        (
            ("Kirkdale Library Learning Centre", "Market Place\nKirkdale", "BB4 6AS"),
            ("Hollins Community Centre", "Hollins Lane\nKirkdale", "BB4 7HN"),
        ),
    ),
    "westbury": DemoOrganisation(
        "Westbury University",
        OrganisationKind.HIGHER_EDUCATION,
        "West Midlands",
        "westbury.example",
        ("pennine", "severn"),
        (("School of Education, Mercia Building", "University Road\nWestbury", "WV2 4LJ"),),
    ),
    "severnside": DemoOrganisation(
        "Severnside College",
        OrganisationKind.COLLEGE,
        "Worcestershire",
        "severnside.example",
        ("severn",),
        (
            ("Riverbank Campus", "Riverbank Road\nWorcester", "WR1 2EL"),
            ("Malvern Skills Hub", "5 Graham Road\nMalvern", "WR14 2HU"),
        ),
    ),
    "severnvalley": DemoOrganisation(
        "Severn Valley Community Learning Trust",
        OrganisationKind.THIRD_SECTOR,
        "Shropshire",
        "severnvalley.example",
        ("severn",),
        (("The Old Chapel", "Chapel Street\nShrewsbury", "SY1 1NX"),),
    ),
    "longmarsh": DemoOrganisation(
        "HMP Longmarsh Learning and Skills",
        OrganisationKind.PRISON_EDUCATION,
        "Gloucestershire",
        "longmarsh.example",
        ("severn",),
        (("Education Block", "HMP Longmarsh\nLongmarsh Lane\nTewkesbury", "GL20 8QX"),),
    ),
}


@dataclass(frozen=True)
class DemoPerson:
    key: str
    given: str
    family: str
    job_title: str
    organisation: str | None  # None: partnership staff with no organisation role
    roles: tuple[str, ...] = ()
    manager: str | None = None
    site: int | None = None
    email: str = ""
    elsewhere: tuple[tuple[str, str], ...] = ()  # (organisation, role) in another organisation

    @property
    def name(self) -> str:
        return f"{self.given} {self.family}"


# One line a person, under "== <organisation key>":
#   Given Family | job title | roles | line manager (by given name) or -
# and, indented on the next line, options: site=<index of the organisation's site>,
# email=<address>, also=<organisation>:<role> (a role in another organisation).
# People are known in this file by their given name in lower case.
CAST = """
== riverside
Jane Whitaker      | Vice Principal, Quality and Teaching         | line_manager        | -
Helen Ashworth     | Professional Development Coordinator         | coordinator         | jane
Marcus Greenwood   | Teacher Development Lead                     | coordinator         | jane
Daniel Okafor      | Head of Construction and Engineering         | line_manager mentor | jane
    site=1
Farah Qureshi      | Head of Health, Care and Early Years         | line_manager        | jane
Siobhan Kelly      | Course Leader, PGCE and Cert Ed (FE)         | tutor               | jane
Gareth Lloyd       | Mentor Trainer                               | trainer             | helen
Amara Mensah       | Lecturer in Health and Social Care           | mentor              | farah
Ryan Taylor        | Trainee Lecturer, Electrical Installation    | mentee              | daniel
    site=1
Kwame Asante       | Lecturer in Engineering                      | mentor              | daniel
    site=1
Rebecca Holt       | Lecturer in English                          | mentor tutor        | jane
Wei Zhang          | Lecturer in Mathematics                      | mentor              | jane
Bethany Clarke     | Lecturer in Early Years                      | mentor              | farah
Hannah Brooks      | Lecturer in Health and Social Care           | mentor              | farah
Jordan Fletcher    | Trainee Lecturer, Plumbing                   | mentee              | daniel
    site=1
Tomasz Nowak       | Trainee Lecturer, Carpentry and Joinery      | mentee              | daniel
    site=1
Liam O'Connor      | Trainee Lecturer, Motor Vehicle              | mentee              | daniel
    site=1
Aisha Begum        | ESOL Lecturer                                | mentee              | jane
Nisha Chauhan      | Lecturer in Applied Science                  | mentee              | jane
Ellie Marsden      | Learning Support Practitioner                | mentee              | farah
Chloe Bennett      | Lecturer in Hair and Beauty                  | mentee              | farah
Josh Whitworth     | Trainee Lecturer, Sport and Public Services  | mentee              | jane
Maryam Iqbal       | Trainee Lecturer, Childcare                  | mentee              | farah

== northgate
Steven Marsh       | Operations Manager                           | line_manager        | -
Joanne Pickering   | Quality and Staff Development Coordinator    | coordinator         | steven
Claire Dawson      | Team Leader, Skills Coaches                  | line_manager mentor | steven
Imran Akhtar       | Lead Skills Coach and Quality Assurer        | mentor tutor        | steven
Ben Hargreaves     | Skills Coach, Engineering Apprenticeships    | mentor              | steven
Kieran Walsh       | Apprenticeship Skills Coach                  | mentee              | claire
Megan Price        | Trainee Assessor                             | mentee              | claire
Oluwaseun Bakare   | Skills Coach, Digital                        | mentee              | claire
Stacey Wood        | Skills Coach, Business Administration        | mentee              | steven

== kirkdale
Paul Hirst         | Adult Learning Manager                       | line_manager        | -
Margaret Sutcliffe | Curriculum and Staff Development Coordinator | coordinator trainer | paul
Fatima Rahman      | ESOL Tutor                                   | mentor              | paul
Gwen Roberts       | Family Learning Tutor                        | mentor              | paul
    site=1
Declan Murphy      | Digital Skills Tutor                         | mentee              | paul
Zainab Ali         | Community Learning Tutor                     | mentee              | paul
    site=1
Lucy Haigh         | Adult Numeracy Tutor                         | mentee              | paul

== westbury
Catherine Doyle    | Head of the School of Education              | line_manager        | -
Simon Pearce       | Programme Leader, PGCE Further Education     | coordinator         | catherine
Ruth Adeyemi       | Senior Lecturer in Education                 | tutor trainer       | catherine
    also=riverside:trainer
Anjali Mehta       | Lecturer in Post-16 Education                | tutor               | catherine
Tom Ellery         | Senior Lecturer in Teacher Education         | mentor              | catherine
Sarah Lindqvist    | Associate Lecturer                           | mentee              | catherine

== severnside
Mark Holloway      | Assistant Principal, Teaching and Learning   | line_manager        | -
Bronwen Davies     | Teaching and Learning Coach                  | coordinator         | mark
Yasmin Khan        | Head of Business and Computing               | line_manager mentor | mark
Eleanor Webb       | Course Leader, Diploma in Teaching           | tutor               | mark
Jamal Richards     | Advanced Practitioner                        | trainer mentor      | mark
    also=longmarsh:trainer
Ceri Jenkins       | Lecturer in Computing                        | mentor              | yasmin
Adrian Cole        | Lecturer in Land-based Studies               | mentor              | mark
    site=1
Harriet Moss       | Trainee Lecturer, Business                   | mentee              | yasmin
Connor Bradley     | Trainee Lecturer, Computing                  | mentee              | yasmin
Deepa Nair         | Lecturer in Accounting                       | mentee              | yasmin
Ethan Hughes       | Trainee Instructor, Agriculture              | mentee              | mark
    site=1
Grace Okonkwo      | Lecturer in Health Professions               | mentee              | mark

== severnvalley
Gary Boyce         | Learning and Development Manager             | line_manager        | -
Louise Fenwick     | Volunteer Tutor Coordinator                  | coordinator         | gary
Rosa Martínez      | Senior Community Tutor                       | mentor              | gary
Nathan Ford        | Community Tutor, Employability               | mentee              | gary
Abdi Warsame       | Community Tutor, ESOL                        | mentee              | rosa
Kirsty Lamb        | Community Tutor, Wellbeing                   | mentee              | gary

== longmarsh
Andrew Tennant     | Head of Learning and Skills                  | coordinator line_manager | -
Janet Cooper       | Lead Tutor, English and Maths                | mentor              | andrew
Shona Campbell     | Vocational Training Instructor, Catering     | mentor              | andrew
Michael Sinclair   | Vocational Instructor, Industrial Cleaning   | mentee              | andrew
Bilal Rashid       | Trainee Tutor, English                       | mentee              | janet
Patrick Doherty    | Trainee Instructor, Painting and Decorating  | mentee              | andrew

== partnership staff
Rachel Summers     | Partnership Manager                          | -                   | -
Owen Pritchard     | Network Director                             | -                   | -
    email=owen.pritchard@severn.example
"""


def _default_email(given: str, family: str, organisation: str | None) -> str:
    plain = unicodedata.normalize("NFKD", f"{given}.{family}".lower())
    local = re.sub(r"[^a-z.-]", "", plain.replace(" ", "-"))
    domain = ORGANISATIONS[organisation].domain if organisation else "tandem.example"
    return f"{local}@{domain}"


def _key(given: str) -> str:
    return unicodedata.normalize("NFKD", given.lower()).encode("ascii", "ignore").decode()


def _parse_cast(text: str) -> tuple[DemoPerson, ...]:
    rows: list[dict[str, Any]] = []
    organisation: str | None = None
    for line in text.strip().splitlines():
        if not line.strip():
            continue
        if line.startswith("== "):
            name = line[3:].strip()
            organisation = name if name in ORGANISATIONS else None
        elif line.startswith(" "):
            rows[-1]["options"].update(item.split("=", 1) for item in line.split())
        else:
            full_name, job_title, roles, manager = (f.strip() for f in line.split("|"))
            given, family = full_name.split(" ", 1)
            rows.append(
                {
                    "given": given,
                    "family": family,
                    "job_title": job_title,
                    "organisation": organisation,
                    "roles": tuple(Role(r) for r in roles.split() if r != "-"),
                    "manager": None if manager == "-" else manager,
                    "options": {},
                }
            )
    people = []
    for row in rows:
        options = row.pop("options")
        also = options.get("also")
        people.append(
            DemoPerson(
                key=_key(row["given"]),
                site=int(options.get("site", 0)) if row["organisation"] else None,
                email=options.get("email")
                or _default_email(row["given"], row["family"], row["organisation"]),
                elsewhere=((also.split(":")[0], Role(also.split(":")[1])),) if also else (),
                **row,
            )
        )
    keys = [p.key for p in people]
    if len(set(keys)) != len(keys):
        raise ValueError("Given names in the demo cast must be unique")
    return tuple(people)


# key of a person -> partnerships they administer
PARTNERSHIP_ADMINS = {"rachel": ("pennine",), "owen": ("severn",), "simon": ("severn",)}

# Roles that ended last academic year: Hannah and Bethany were mentees then and
# mentor new colleagues now.
PAST_ROLES = (("hannah", "riverside", Role.MENTEE), ("bethany", "riverside", Role.MENTEE))

# One demo sign-in per role: (what they try, person key, memorable email).
SIGN_INS = (
    ("Coordinator", "helen", "coordinator@riverside.example"),
    ("Mentor", "amara", "mentor@riverside.example"),
    ("Mentee", "ryan", "mentee@riverside.example"),
    ("Tutor", "siobhan", "tutor@riverside.example"),
    ("Line manager (also a mentor)", "daniel", "line-manager@riverside.example"),
    ("Trainer of mentors", "gareth", "trainer@riverside.example"),
    ("Partnership administrator", "rachel", "admin@pennine.example"),
)
_SIGN_IN_EMAILS = {key: email for _, key, email in SIGN_INS}
PEOPLE: tuple[DemoPerson, ...] = tuple(
    replace(p, email=_SIGN_IN_EMAILS.get(p.key, p.email)) for p in _parse_cast(CAST)
)


@dataclass(frozen=True)
class SignIn:
    role: str
    name: str
    email: str
    password: str = DEMO_PASSWORD
    url: str = DEMO_URL


def sign_ins() -> list[SignIn]:
    by_key = {p.key: p for p in PEOPLE}
    rows = [SignIn(role, by_key[key].name, email) for role, key, email in SIGN_INS]
    rows.append(SignIn("Platform administrator (Django admin)", "Tandem Admin", SUPERUSER_EMAIL))
    return rows


def academic_year_start(today: date) -> date:
    return date(today.year if today.month >= 9 else today.year - 1, 9, 1)


def is_seeded() -> bool:
    with system_access():
        return Partnership.objects.filter(name=MARKER_PARTNERSHIP).exists()


@transaction.atomic
def seed() -> bool:
    """Load the demonstration data. Returns False (and changes nothing) if present."""
    from tandem.organisations.services import check_line_manager

    if is_seeded():
        return False
    today = timezone.localdate()
    this_year = academic_year_start(today)
    last_year = date(this_year.year - 1, 9, 1)
    last_year_end = date(this_year.year, 7, 31)
    password_hash = make_password(DEMO_PASSWORD)
    user_model = get_user_model()

    with system_access():
        partnerships = {
            key: Partnership.objects.create(
                name=name, region=region, description=description, require_mfa_for_admins=False
            )
            for key, (name, region, description) in PARTNERSHIPS.items()
        }
        organisations: dict[str, Organisation] = {}
        sites: dict[str, list[Site]] = {}
        for key, spec in ORGANISATIONS.items():
            org = Organisation.objects.create(
                name=spec.name,
                kind=spec.kind,
                region=spec.region,
                website=spec.website,
                require_mfa_for_staff=False,
            )
            organisations[key] = org
            sites[key] = [
                Site.objects.create(organisation=org, name=n, address=a, postcode=pc)
                for n, a, pc in spec.sites
            ]
            for pkey in spec.partnerships:
                PartnershipMember.objects.create(
                    partnership=partnerships[pkey], organisation=org, joined_on=last_year
                )

        people: dict[str, Person] = {}
        for spec in PEOPLE:
            user = None
            if spec.key in _SIGN_IN_EMAILS:
                user = _demo_user(user_model, spec.email, spec.given, spec.family, password_hash)
            people[spec.key] = Person.objects.create(
                given_name=spec.given,
                family_name=spec.family,
                email=spec.email,
                job_title=spec.job_title,
                user=user,
            )
            if spec.organisation is None:
                continue
            org_sites = sites[spec.organisation]
            site = org_sites[spec.site] if spec.site is not None else None
            for role in spec.roles:
                Membership.objects.create(
                    person=people[spec.key],
                    organisation=organisations[spec.organisation],
                    role=role,
                    site=site,
                    starts_on=this_year,
                )
            for org_key, role in spec.elsewhere:
                Membership.objects.create(
                    person=people[spec.key],
                    organisation=organisations[org_key],
                    role=role,
                    starts_on=this_year,
                )
        for key, org_key, role in PAST_ROLES:
            Membership.objects.create(
                person=people[key],
                organisation=organisations[org_key],
                role=role,
                starts_on=last_year,
                ends_on=last_year_end,
            )
        for spec in PEOPLE:
            if spec.manager is None:
                continue
            org = organisations[spec.organisation]
            report, manager = people[spec.key], people[spec.manager]
            check_line_manager(org, report, manager)
            LineManagement.objects.create(
                organisation=org, manager=manager, report=report, starts_on=this_year
            )
        for key, pkeys in PARTNERSHIP_ADMINS.items():
            for pkey in pkeys:
                PartnershipRole.objects.create(partnership=partnerships[pkey], person=people[key])

        _seed_mentor_profiles(people, organisations)

        if not user_model.objects.filter(username=SUPERUSER_EMAIL).exists():
            admin = _demo_user(user_model, SUPERUSER_EMAIL, "Tandem", "Admin", password_hash)
            admin.is_staff = admin.is_superuser = True
            admin.save(update_fields=["is_staff", "is_superuser"])
        audit.record(
            None,
            "demo.seeded",
            changes={
                "partnerships": len(partnerships),
                "organisations": len(organisations),
                "people": len(people),
            },
        )
    return True


# Subjects the demo mentors offer, in turn (names from the shipped taxonomy).
DEMO_SUBJECTS = (
    "Plumbing",
    "Hairdressing and barbering",
    "Health and social care",
    "ESOL (English for speakers of other languages)",
    "Mathematics and statistics",
    "Carpentry and joinery",
    "Upholstery and soft furnishing",
    "Performing arts",
    "Computing and programming",
    "Literacy",
    "Early years and childcare",
    "Motor vehicle maintenance",
)
CROSS_CUTTING = (
    "Behaviour management",
    "Special educational needs and disability (SEND)",
    "Teaching in prisons and secure settings",
    "Digital skills for teaching",
)


def _seed_mentor_profiles(
    people: dict[str, Person], organisations: dict[str, Organisation]
) -> None:
    """Profiles for every demo mentor: most approved, a few waiting, one sent back."""
    from tandem.mentors.models import (
        MentorProfile,
        Mode,
        ProfileStatus,
        Sector,
        Subject,
        TrainingStatus,
    )
    from tandem.mentors.taxonomy import load_taxonomy

    if not Subject.objects.exists():
        load_taxonomy(Sector, Subject)

    subjects = {s.name: s for s in Subject.objects.filter(name__in=DEMO_SUBJECTS + CROSS_CUTTING)}
    coordinators = {
        spec.organisation: people[spec.key]
        for spec in reversed(PEOPLE)
        if spec.organisation and Role.COORDINATOR in spec.roles
    }
    mentors = [s for s in PEOPLE if s.organisation and Role.MENTOR in s.roles]
    for i, spec in enumerate(mentors):
        if spec.key == "amara" or i % 4 != 3:
            status = ProfileStatus.APPROVED
        else:
            status = ProfileStatus.SUBMITTED
        if i == len(mentors) - 1 and spec.key != "amara":
            status = ProfileStatus.CHANGES_REQUESTED
        approved = status == ProfileStatus.APPROVED
        profile = MentorProfile.objects.create(
            person=people[spec.key],
            organisation=organisations[spec.organisation],
            teaching_qualification=("PGCE", "Cert Ed", "DET", "QTLS")[i % 4],
            mentoring_qualification="Level 5 mentoring award" if i % 3 == 0 else "",
            training_status=TrainingStatus.TRAINED if i % 5 else TrainingStatus.IN_TRAINING,
            years_teaching=4 + (i * 3) % 17,
            years_mentoring=(i * 2) % 9,
            advanced_practitioner=i % 6 == 0,
            subject_learning_coach=i % 7 == 2,
            capacity=1 + i % 3,
            availability=("Tuesday afternoons", "Mornings before 10", "Thursdays")[i % 3],
            region=organisations[spec.organisation].region,
            modes=[Mode.FACE_TO_FACE] + ([Mode.ONLINE] if i % 2 else []),
            willing_outside=i % 3 != 1,
            status=status,
            coordinator_note="Please add your teaching qualification's year and awarding body."
            if status == ProfileStatus.CHANGES_REQUESTED
            else "",
            approved_at=timezone.now() if approved else None,
            approved_by=coordinators.get(spec.organisation) if approved else None,
        )
        chosen = [DEMO_SUBJECTS[i % len(DEMO_SUBJECTS)], CROSS_CUTTING[i % len(CROSS_CUTTING)]]
        profile.specialisms.set([subjects[n] for n in chosen if n in subjects])


def _demo_user(user_model: Any, email: str, given: str, family: str, password_hash: str) -> Any:
    from allauth.account.models import EmailAddress

    user, _ = user_model.objects.get_or_create(
        username=email,
        defaults={
            "email": email,
            "first_name": given,
            "last_name": family,
            "password": password_hash,
        },
    )
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user
