"""Generate national-scale data for the benchmarks (deterministic for a given seed).

Everything it writes is marked so it can be told apart from real or demo data:
partnership and organisation names start with "Scale ", people's emails end
with "@scale.example". ``--flush-scale`` deletes exactly that data first.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, models, reset_queries, transaction
from django.utils import timezone

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

PREFIX = "Scale "
EMAIL_DOMAIN = "@scale.example"
MIN_PEOPLE_PER_ORGANISATION = 3  # a head of department, a coordinator, a mentee


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


REGIONS = (
    "North East",
    "North West",
    "Yorkshire and the Humber",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
    "Wales",
)
TOWNS = _words(
    """
    Barnsley Bolton Bradford Burnley Carlisle Chester Coventry Crewe Darlington Derby
    Doncaster Dudley Durham Exeter Gloucester Grimsby Halifax Harrogate Hastings Hereford
    Huddersfield Hull Ipswich Kendal Kettering Lancaster Leicester Lincoln Luton Maidstone
    Mansfield Middlesbrough Newport Northampton Norwich Nottingham Oldham Oxford Peterborough
    Plymouth Preston Reading Rochdale Rotherham Salford Scarborough Sheffield Shrewsbury
    Slough Southampton Stockport Stoke Sunderland Swansea Swindon Taunton Telford Truro
    Wakefield Walsall Warrington Wigan Wolverhampton Worcester Wrexham York
    """
)
KINDS = (  # kind, weight, how a name of that kind ends
    (OrganisationKind.COLLEGE, 34, "College"),
    (OrganisationKind.WORK_BASED_LEARNING, 26, "Training"),
    (OrganisationKind.ADULT_COMMUNITY, 14, "Adult Learning Service"),
    (OrganisationKind.THIRD_SECTOR, 10, "Community Learning Trust"),
    (OrganisationKind.HIGHER_EDUCATION, 8, "University"),
    (OrganisationKind.PRISON_EDUCATION, 8, "Prison Education"),
)
GIVEN_NAMES = _words(
    """
    Aaliyah Abdul Adam Adebayo Agnieszka Aisha Alan Alex Alice Amir Amy Andrew Anil Anna Asif
    Beth Bilal Bronwen Callum Carl Caroline Catherine Charlotte Chloe Chris Claire Connor
    Craig Dafydd Daniel David Deborah Declan Dominika Eilidh Ellie Emeka Emily Emma Fatima
    Fiona Gareth Gemma Graham Hannah Harpreet Hassan Helen Ian Imran Isla Jack James Jane
    Jasmine Jason Joanne John Jordan Joseph Julie Karen Kate Kerry Kevin Kwame Laura Leanne
    Lee Liam Lisa Louise Lucy Mandeep Marek Mark Martin Mary Matthew Megan Michael Mohammed
    Natalie Neil Nia Nicola Niamh Oliver Olivia Patrick Paul Priya Rachel Rajesh Rebecca Rhys
    Richard Robert Rosa Ruth Ryan Samina Sarah Sean Shabana Sian Simon Sophie Stephen Stuart
    Tariq Thomas Tracey Usman Victoria Wei Yasmin Yusuf Zainab Zoe
    """
)
FAMILY_NAMES = _words(
    """
    Ahmed Akhtar Ali Allen Anderson Asante Bailey Baker Begum Bell Bennett Brooks Brown
    Campbell Carter Chauhan Chen Clarke Collins Cooper Davies Dawson Dixon Doherty Edwards
    Evans Fletcher Foster Gill Graham Green Griffiths Hall Harris Hill Holt Hughes Hussain
    Iqbal Jackson James Jenkins Johnson Jones Kaur Kelly Khan King Kowalski Lewis Lloyd Marsh
    Martin Mensah Mitchell Moore Morgan Morris Murphy Nowak Nwosu O'Brien Okafor Owen Palmer
    Parker Patel Phillips Price Qureshi Rahman Roberts Robinson Rose Shah Sharma Shaw Simpson
    Singh Smith Stewart Taylor Thomas Thompson Turner Walker Walsh Ward Watson White Williams
    Wilson Wood Wright Young Zhang
    """
)
JOB_TITLES = {
    Role.MENTEE: ("Trainee Lecturer", "Trainee Skills Coach", "New Tutor", "Trainee Assessor"),
    Role.MENTOR: ("Lecturer", "Senior Lecturer", "Skills Coach", "Advanced Practitioner"),
    Role.COORDINATOR: ("Professional Development Coordinator", "Teacher Development Lead"),
    Role.TUTOR: ("Course Leader, Teacher Education", "Personal Tutor"),
    Role.LINE_MANAGER: ("Head of Department", "Curriculum Manager", "Programme Area Manager"),
    Role.TRAINER: ("Mentor Trainer", "Teaching and Learning Coach"),
}


@dataclass
class Counts:
    rows: dict[str, int] = field(default_factory=dict)

    def add(self, model: type[models.Model], n: int) -> None:
        name = model._meta.label
        self.rows[name] = self.rows.get(name, 0) + n


@dataclass
class PlannedOrganisation:
    org: Organisation
    size: int
    site_ids: list[int] = field(default_factory=list)
    coordinator_ids: list[int] = field(default_factory=list)


class Command(BaseCommand):
    help = (
        "Generate national-scale benchmark data: partnerships, organisations, people, roles "
        "and line management, all marked 'Scale ' / @scale.example."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--partnerships", type=int, default=15)
        parser.add_argument("--organisations", type=int, default=500)
        parser.add_argument("--people", type=int, default=300_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument(
            "--flush-scale",
            action="store_true",
            help="Delete existing scale data (and only scale data) first.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        partnerships, organisations, people = (
            options["partnerships"],
            options["organisations"],
            options["people"],
        )
        if partnerships < 1 or organisations < 1:
            raise CommandError("--partnerships and --organisations must be at least 1")
        if organisations < partnerships:
            raise CommandError("--organisations must be at least --partnerships")
        if people < MIN_PEOPLE_PER_ORGANISATION * organisations:
            raise CommandError(
                f"--people must be at least {MIN_PEOPLE_PER_ORGANISATION} per organisation "
                f"({MIN_PEOPLE_PER_ORGANISATION * organisations} for {organisations})"
            )
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        started = time.perf_counter()
        if connection.vendor == "sqlite":
            # Random UUID keys make index inserts jump around a big file; a larger
            # page cache for this connection keeps them in memory (about 256 MB).
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size = -262144")
        with system_access():
            if scale_data_exists():
                if not options["flush_scale"]:
                    raise CommandError(
                        "Scale data already exists; run with --flush-scale to replace it."
                    )
                flush_started = time.perf_counter()
                flush_scale_data()
                flushed = time.perf_counter() - flush_started
                self.stdout.write(f"Flushed scale data in {flushed:.1f} s")
                started = time.perf_counter()
            generator = ScaleGenerator(
                random.Random(options["seed"]),
                partnerships=partnerships,
                organisations=organisations,
                people=people,
                batch_size=options["batch_size"],
                progress=self.stdout.write if options["verbosity"] > 1 else None,
            )
            counts = generator.run()
        elapsed = time.perf_counter() - started
        self.stdout.write(f"seed_scale wrote {sum(counts.rows.values()):,} rows in {elapsed:.1f} s")
        width = max(len(k) for k in counts.rows)
        for name, n in counts.rows.items():
            self.stdout.write(f"  {name.ljust(width)}  {n:>9,}")


def scale_querysets() -> list[models.QuerySet]:
    """The scale data, most dependent first."""
    return [
        Person.objects.filter(email__endswith=EMAIL_DOMAIN),
        Organisation.objects.filter(name__startswith=PREFIX),
        Partnership.objects.filter(name__startswith=PREFIX),
    ]


def scale_data_exists() -> bool:
    return any(qs.exists() for qs in scale_querysets())


@transaction.atomic
def flush_scale_data() -> None:
    for qs in scale_querysets():
        _purge(qs)


def _purge(qs: models.QuerySet, depth: int = 0) -> None:
    """Delete rows and what cascades from them in set-based SQL.

    ``QuerySet.delete()`` would load hundreds of thousands of rows to send
    per-row signals (the history app listens); scale data has no history.
    """
    if depth > 6:
        raise CommandError(f"Relations too deep to flush {qs.model._meta.label}")
    model = qs.model
    for rel in model._meta.get_fields(include_hidden=True):
        if not (rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one)):
            continue
        related = rel.related_model._base_manager.filter(**{f"{rel.field.name}__in": qs})
        on_delete = rel.on_delete
        if on_delete is models.CASCADE:
            _purge(related, depth + 1)
        elif on_delete is models.SET_NULL:
            related.update(**{rel.field.name: None})
        elif on_delete is not models.DO_NOTHING and related.exists():
            raise CommandError(
                f"Cannot flush: {rel.related_model._meta.label} rows refer to scale data"
            )
    qs._raw_delete(qs.db)


class ScaleGenerator:
    def __init__(
        self,
        rng: random.Random,
        *,
        partnerships: int,
        organisations: int,
        people: int,
        batch_size: int,
        progress: Any = None,
    ) -> None:
        self.rng = rng
        self.n_partnerships = partnerships
        self.n_organisations = organisations
        self.n_people = people
        self.batch_size = batch_size
        self.progress = progress
        self.counts = Counts()
        self.today = timezone.localdate()
        self.person_serial = 0

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def bulk(self, model: type[models.Model], objs: list[Any]) -> list[Any]:
        created = model.objects.bulk_create(objs, batch_size=self.batch_size)
        self.counts.add(model, len(objs))
        reset_queries()  # with DEBUG on, Django keeps every INSERT's SQL in memory
        return created

    @transaction.atomic
    def run(self) -> Counts:
        partnerships = self.make_partnerships()
        plans = self.make_organisations()
        self.make_partnership_members(partnerships, plans)
        self.make_sites(plans)
        for chunk in self.chunks(plans):
            self.make_people(chunk)
        self.make_partnership_admins(partnerships, plans)
        return self.counts

    def make_partnerships(self) -> list[Partnership]:
        objs = [
            Partnership(
                uuid=self.uuid(),
                name=f"{PREFIX}{REGIONS[i % len(REGIONS)]} Partnership {i + 1:02d}",
                region=REGIONS[i % len(REGIONS)],
                require_mfa_for_admins=False,
                description="Generated for benchmarks.",
            )
            for i in range(self.n_partnerships)
        ]
        return self.bulk(Partnership, objs)

    def organisation_sizes(self) -> list[int]:
        """Heavy-tailed: a few large colleges, many small providers."""
        weights = [min(self.rng.paretovariate(1.2), 40.0) for _ in range(self.n_organisations)]
        spare = self.n_people - MIN_PEOPLE_PER_ORGANISATION * self.n_organisations
        total = sum(weights)
        sizes = [MIN_PEOPLE_PER_ORGANISATION + int(spare * w / total) for w in weights]
        shortfall = self.n_people - sum(sizes)
        by_weight = sorted(range(len(sizes)), key=lambda i: -weights[i])
        for k in range(shortfall):
            sizes[by_weight[k % len(sizes)]] += 1
        return sizes

    def make_organisations(self) -> list[PlannedOrganisation]:
        kinds = [k for k, _, _ in KINDS]
        weights = [w for _, w, _ in KINDS]
        endings = {k: e for k, _, e in KINDS}
        sizes = self.organisation_sizes()
        objs = []
        for i in range(self.n_organisations):
            kind = self.rng.choices(kinds, weights)[0]
            town = self.rng.choice(TOWNS)
            objs.append(
                Organisation(
                    uuid=self.uuid(),
                    name=f"{PREFIX}{town} {endings[kind]} {i + 1:04d}",
                    kind=kind,
                    region=self.rng.choice(REGIONS),
                    require_mfa_for_staff=False,
                )
            )
        created = self.bulk(Organisation, objs)
        return [PlannedOrganisation(org, size) for org, size in zip(created, sizes, strict=True)]

    def make_partnership_members(
        self, partnerships: list[Partnership], plans: list[PlannedOrganisation]
    ) -> None:
        objs = []
        joined = self.today - timedelta(days=400)
        n = len(partnerships)
        for i, plan in enumerate(plans):
            # every partnership gets at least one member; a quarter belong to two
            chosen = [i if i < n else self.rng.randrange(n)]
            if n > 1 and self.rng.random() < 0.25:
                chosen.append((chosen[0] + 1 + self.rng.randrange(n - 1)) % n)
            objs += [
                PartnershipMember(
                    uuid=self.uuid(),
                    partnership=partnerships[p],
                    organisation=plan.org,
                    joined_on=joined,
                )
                for p in chosen
            ]
        self.bulk(PartnershipMember, objs)

    def make_sites(self, plans: list[PlannedOrganisation]) -> None:
        objs = []
        owners = []
        for plan in plans:
            n = min(6, 1 + plan.size // 2000 + self.rng.randrange(2))
            for k in range(n):
                town = self.rng.choice(TOWNS)
                objs.append(
                    Site(
                        uuid=self.uuid(),
                        organisation=plan.org,
                        name=f"{town} Campus {k + 1}",
                        postcode=f"{town[:2].upper()}{k + 1} {self.rng.randrange(1, 10)}AB",
                    )
                )
                owners.append(plan)
        for site, plan in zip(self.bulk(Site, objs), owners, strict=True):
            plan.site_ids.append(site.pk)

    def chunks(self, plans: list[PlannedOrganisation]) -> Iterator[list[PlannedOrganisation]]:
        chunk: list[PlannedOrganisation] = []
        people = 0
        for plan in plans:
            chunk.append(plan)
            people += plan.size
            if people >= self.batch_size:
                yield chunk
                chunk, people = [], 0
        if chunk:
            yield chunk

    def role_plan(self, size: int) -> list[str]:
        """Primary role of each person in an organisation of ``size``; index 0 is the head."""
        line_managers = max(1, size // 35)
        coordinators = min(12, max(1, size // 500))
        tutors = min(30, size // 250) if size >= 6 else 0
        trainers = min(10, max(1, size // 400)) if size >= 8 else 0
        rest = size - line_managers - coordinators - tutors - trainers
        mentors = round(rest * 0.3)
        plan = [Role.LINE_MANAGER] * line_managers + [Role.COORDINATOR] * coordinators
        plan += [Role.TUTOR] * tutors + [Role.TRAINER] * trainers
        plan += [Role.MENTOR] * mentors + [Role.MENTEE] * (rest - mentors)
        return plan

    def new_person(self, role: str) -> Person:
        rng = self.rng
        given, family = rng.choice(GIVEN_NAMES), rng.choice(FAMILY_NAMES)
        self.person_serial += 1
        local = f"{given}.{family}".lower().replace("'", "")
        return Person(
            uuid=self.uuid(),
            given_name=given,
            family_name=family,
            email=f"{local}.{self.person_serial:06d}{EMAIL_DOMAIN}",
            job_title=rng.choice(JOB_TITLES[role]),
        )

    def make_people(self, chunk: list[PlannedOrganisation]) -> None:
        rng = self.rng
        people = self.bulk(
            Person, [self.new_person(role) for plan in chunk for role in self.role_plan(plan.size)]
        )

        memberships: list[Membership] = []
        links: list[LineManagement] = []
        offset = 0
        for plan in chunk:
            roles = self.role_plan(plan.size)
            ids = [p.pk for p in people[offset : offset + plan.size]]
            offset += plan.size
            head = ids[0]
            managers = [pid for pid, r in zip(ids, roles, strict=True) if r == Role.LINE_MANAGER]
            middle = managers[1:] or [head]
            n_staff = 0
            for k, (pid, role) in enumerate(zip(ids, roles, strict=True)):
                starts = self.today - timedelta(days=rng.randrange(0, 1100))
                held = [role]
                if role == Role.LINE_MANAGER and k > 0 and rng.random() < 0.35:
                    held.append(Role.MENTOR)  # managers who also mentor: the conflict rule
                elif role == Role.MENTOR and rng.random() < 0.05:
                    held.append(Role.TUTOR)
                for r in held:
                    memberships.append(self.membership(pid, plan, r, starts, None))
                if role == Role.MENTOR and rng.random() < 0.1:
                    # a former mentee, mentored here before becoming a mentor
                    earlier = starts - timedelta(days=365)
                    memberships.append(self.membership(pid, plan, Role.MENTEE, earlier, starts))
                if role == Role.COORDINATOR:
                    plan.coordinator_ids.append(pid)
                if k == 0:
                    continue
                if role in {Role.LINE_MANAGER, Role.COORDINATOR, Role.TUTOR, Role.TRAINER}:
                    manager = head
                    n_staff += 1
                else:
                    manager = middle[(k - n_staff) % len(middle)]
                if manager != pid:
                    links.append(
                        LineManagement(
                            uuid=self.uuid(),
                            organisation=plan.org,
                            manager_id=manager,
                            report_id=pid,
                            starts_on=starts,
                        )
                    )
        self.bulk(Membership, memberships)
        self.bulk(LineManagement, links)
        if self.progress:
            self.progress(f"  people so far: {self.person_serial:,}")

    def membership(
        self,
        person_id: int,
        plan: PlannedOrganisation,
        role: str,
        starts: date,
        ends: date | None,
    ) -> Membership:
        return Membership(
            uuid=self.uuid(),
            person_id=person_id,
            organisation=plan.org,
            role=role,
            site_id=self.rng.choice(plan.site_ids),
            starts_on=starts,
            ends_on=ends,
        )

    def make_partnership_admins(
        self, partnerships: list[Partnership], plans: list[PlannedOrganisation]
    ) -> None:
        members: dict[int, list[PlannedOrganisation]] = {p.pk: [] for p in partnerships}
        by_org = {plan.org.pk: plan for plan in plans}
        pairs = (
            PartnershipMember.objects.filter(partnership__in=partnerships)
            .values_list("partnership_id", "organisation_id")
            .order_by("id")
        )
        for partnership_id, organisation_id in pairs:
            members[partnership_id].append(by_org[organisation_id])
        objs = []
        seen: set[tuple[int, int]] = set()
        for partnership in partnerships:
            # two administrators per partnership, each a coordinator in a member organisation
            candidates = members[partnership.pk]
            for plan in self.rng.sample(candidates, min(2, len(candidates))):
                person_id = plan.coordinator_ids[0]
                if (partnership.pk, person_id) not in seen:
                    seen.add((partnership.pk, person_id))
                    objs.append(
                        PartnershipRole(
                            uuid=self.uuid(), partnership=partnership, person_id=person_id
                        )
                    )
        self.bulk(PartnershipRole, objs)
