"""Reads of agreements, their versions and signatures, scoped by core/policies/content.py.

Agreements are content: the pair and the mentee organisation's coordinators and
tutors read them. Line managers see that mentoring happens, never the
agreement, so for them the agreement pages answer 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.http import Http404

from tandem.core import policies
from tandem.relationships import agreements
from tandem.relationships.models import (
    Agreement,
    AgreementVersion,
    Mentorship,
    Party,
    Signature,
)
from tandem.relationships.selectors import access_mentorship

if TYPE_CHECKING:
    from tandem.core.actor import Actor


def _rebase(q: Q, prefix: str) -> Q:
    """The same filter, with ``prefix`` taken off every lookup (Agreement → Mentorship)."""
    out = Q()
    out.connector, out.negated = q.connector, q.negated
    for child in q.children:
        if isinstance(child, Q):
            out.children.append(_rebase(child, prefix))
        else:
            lookup, value = child
            out.children.append((lookup.removeprefix(prefix), value))
    return out


def may_read(actor: Actor, mentorship: Mentorship) -> bool:
    """Would the agreement policy let the actor read this mentorship's agreement?

    Asked of the mentorship, so it answers before any agreement exists.
    """
    if actor.is_superuser:
        return True
    if not actor.is_authenticated:
        return False
    _, see, _ = policies.RULES[Agreement._meta.label_lower]
    rule = _rebase(see(actor), "mentorship__")
    return (
        Mentorship.objects.filter(pk=mentorship.pk)
        .filter(rule)
        .scoped()  # narrowed by the agreement rule itself
        .exists()
    )


def may_start(actor: Actor, mentorship: Mentorship) -> bool:
    return policies.can_change(actor, Agreement(mentorship=mentorship))


def agreement_of(actor: Actor, mentorship: Mentorship) -> Agreement | None:
    return (
        Agreement.objects.visible_to(actor)
        .filter(mentorship=mentorship)
        .select_related(
            "mentorship__mentor",
            "mentorship__mentee",
            "mentorship__organisation",
            "mentorship__programme",
        )
        .first()
    )


def access_agreement(actor: Actor, uuid: Any) -> tuple[Mentorship, Agreement | None]:
    """The mentorship (by its uuid) and its agreement, if started: 404 for anyone else."""
    mentorship = access_mentorship(actor, uuid)
    if not may_read(actor, mentorship):
        raise Http404("No agreement found")
    return mentorship, agreement_of(actor, mentorship)


def versions(actor: Actor, agreement: Agreement) -> QuerySet[AgreementVersion]:
    return AgreementVersion.objects.visible_to(actor).filter(agreement=agreement).order_by("number")


def access_version(actor: Actor, agreement: Agreement | None, number: int) -> AgreementVersion:
    if agreement is None:
        raise Http404("No agreement found")
    version = versions(actor, agreement).filter(number=number).first()
    if version is None:
        raise Http404("No agreement version found")
    return version


def signatures(actor: Actor, version: AgreementVersion) -> QuerySet[Signature]:
    return (
        Signature.objects.visible_to(actor)
        .filter(version=version)
        .select_related("person")
        .order_by("signed_at", "pk")
    )


def signing_state(actor: Actor, version: AgreementVersion) -> dict[str, Any]:
    """Who has signed, who has yet to, and whether the viewer may sign now."""
    mentorship = version.agreement.mentorship
    signed = {s.party: s for s in signatures(actor, version)}
    rows = []
    for party in agreements.PARTIES:
        if party == Party.MENTEE:
            who = str(mentorship.mentee)
        elif party == Party.MENTOR:
            who = str(mentorship.mentor)
        else:
            who = f"A coordinator of {mentorship.organisation}"
        rows.append(
            {
                "party": party,
                "label": Party(party).label,
                "who": who,
                "signature": signed.get(party),
                "by_viewer": bool(signed.get(party) and signed[party].person_id == actor.person_id),
            }
        )
    mine = agreements.party_of(actor, mentorship)
    return {
        "rows": rows,
        "waiting": [r for r in rows if r["signature"] is None],
        "viewer_party": mine,
        "viewer_has_signed": mine is not None and mine in signed,
        "viewer_may_sign": (
            mine is not None
            and mine not in signed
            and version.status == "awaiting_signatures"
            and mentorship.status in agreements.OPEN
        ),
    }
