"""The navigation each role sees, and the home page of each role."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import reverse

from tandem.core.roles import Role

if TYPE_CHECKING:
    from tandem.core.actor import Actor


@dataclass(frozen=True)
class HomeKind:
    slug: str
    label: str
    role: str


# Order: the first a person holds is where "Home" goes.
HOMES = (
    HomeKind("partnership", "Partnership administrator", "partnership_admin"),
    HomeKind("coordinator", "Coordinator", Role.COORDINATOR),
    HomeKind("tutor", "Tutor", Role.TUTOR),
    HomeKind("trainer", "Trainer", Role.TRAINER),
    HomeKind("line-manager", "Line manager", Role.LINE_MANAGER),
    HomeKind("mentor", "Mentor", Role.MENTOR),
    HomeKind("mentee", "Mentee", Role.MENTEE),
)


def homes_for(actor: Actor) -> list[HomeKind]:
    out = []
    for home in HOMES:
        if home.role == "partnership_admin":
            if actor.is_partnership_admin:
                out.append(home)
        elif actor.has_role(home.role):
            out.append(home)
    return out


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


def _organisation_uuid_where(actor: Actor, roles: set[str]) -> str | None:
    """The active organisation if the actor holds one of the roles there, else the first."""
    ids = actor.organisations_where(roles)
    chosen = [o for o in actor.organisations if o.organisation_id in ids]
    if not chosen:
        return None
    for o in chosen:
        if o.organisation_id == actor.active_organisation_id:
            return str(o.organisation_uuid)
    return str(chosen[0].organisation_uuid)


def navigation_for(actor: Actor, path: str) -> list[NavItem]:
    if not actor.is_authenticated:
        return []
    staff = {Role.COORDINATOR, Role.TUTOR}
    items: list[tuple[str, str]] = [("Home", reverse("core:home"))]
    if actor.organisations_where(staff) or actor.is_partnership_admin:
        items.append(("Programmes", reverse("programmes:programmes")))
    coordinated = _organisation_uuid_where(actor, {Role.COORDINATOR})
    if coordinated:
        items.append(("Requests", reverse("matching:organisation_requests", args=[coordinated])))
    elif actor.organisations_where({Role.TUTOR}):
        items.append(("Requests", reverse("matching:request_approvals")))
    elif actor.has_role(Role.MENTEE):
        items.append(("Requests", reverse("matching:request_list")))
    if actor.organisations_where(staff):
        items.append(("Mentorships", reverse("relationships:staff_mentorships")))
    elif actor.has_role(Role.MENTOR) or actor.has_role(Role.MENTEE):
        items.append(("Mentoring", reverse("relationships:your_mentoring")))
    if actor.organisations_where(staff):
        items.append(("Compliance", reverse("relationships:staff_compliance")))
    elif actor.has_role(Role.LINE_MANAGER):
        items.append(("Reports", reverse("relationships:received_reports")))
    if actor.people_reader_of:
        items.append(("Mentors", reverse("mentors:profiles")))
    if actor.organisations_where(staff) or actor.is_partnership_admin:
        items.append(("Directory", reverse("mentors:directory")))
    if actor.organisations:
        items.append(("Training", reverse("training:courses")))
        items.append(("CPD", reverse("training:cpd_record")))
    if actor.people_reader_of or actor.administered_organisation_ids:
        items.append(("People", reverse("organisations:people")))
    items.append(("Organisations", reverse("organisations:organisation_list")))
    if actor.is_partnership_admin:
        items.append(("Partnerships", reverse("organisations:partnership_list")))
    items.append(("Your account", reverse("core:account")))
    # People pages live under their organisation's address; mark "People" for them.
    wanted = None
    if "/mentor-profiles/" in path and actor.people_reader_of:
        wanted = reverse("mentors:profiles")
    elif "/people/" in path:
        wanted = reverse("organisations:people")
    elif "/compliance/" in path and "Compliance" in dict(items):
        wanted = dict(items)["Compliance"]
    elif "/mentorships/" in path and "Mentorships" in dict(items):
        wanted = dict(items)["Mentorships"]
    elif ("/match-runs/" in path or "/hard-to-match/" in path) and "Requests" in dict(items):
        wanted = dict(items)["Requests"]
    elif path.startswith(("/cohorts/", "/calendars/")) or "/programmes/" in path:
        wanted = reverse("programmes:programmes")
    elif "/mentoring-requests/" in path and any(label == "Requests" for label, _ in items):
        wanted = dict(items)["Requests"]
    elif path.startswith(("/training/", "/credentials/")) and "Training" in dict(items):
        wanted = dict(items)["Training"]
    if wanted is None:
        matches = [url for _, url in items if url != "/" and path.startswith(url)]
        wanted = max(matches, key=len) if matches else ("/" if path.startswith("/home") else None)
    return [NavItem(label, url, url == wanted) for label, url in items]
