"""The mentoring agreement's life (D1): draft, sent for signature, signed, amended.

Version 1 is drafted from the programme (agreement_text.build_content). The
pair or a coordinator edits the draft — meeting arrangements, further
commitments and at least three SMART objectives — then sends it for
signature, which freezes its text. The mentee, the mentor and a coordinator of
the mentee's organisation (for the institution) each sign the exact text they
read: the form carries the text's hash, and a text that changed since is
refused. A signed version never changes; an amendment is a new version that
needs everyone's signature again, and when it is signed the earlier version
is superseded. Signing copies the objectives into the development plan.
"""

from __future__ import annotations

import copy
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tandem.core import audit, policies
from tandem.core.notify import notify
from tandem.core.tenancy import system_access
from tandem.relationships import agreement_text
from tandem.relationships.models import (
    Agreement,
    AgreementVersion,
    DevelopmentPlan,
    MentorshipEvent,
    MentorshipStatus,
    Objective,
    ObjectiveSource,
    Party,
    Signature,
    VersionStatus,
)
from tandem.relationships.services import _coordinators

if TYPE_CHECKING:
    from tandem.core.actor import Actor
    from tandem.relationships.models import Mentorship

STALE = "This agreement changed after you opened it; read the new version before signing"
CONCURRENT = (
    "Someone else changed this draft since you opened it; your changes were not saved. "
    "Reload to see theirs."
)
MIN_OBJECTIVES = 3
MAX_OBJECTIVES = 10
MAX_TEXT = 500
MAX_EXTRA = 10
MAX_YEARS = 5
OPEN = (MentorshipStatus.PROPOSED, MentorshipStatus.ACTIVE)
PARTIES = (Party.MENTEE, Party.MENTOR, Party.INSTITUTION)


# --- reading --------------------------------------------------------------------------


def latest(agreement: Agreement) -> AgreementVersion | None:
    """The newest version: the one being drafted, signed or in force."""
    return agreement.versions.order_by("-number").first()


def in_force(agreement: Agreement) -> AgreementVersion | None:
    """The signed version that holds now (an amendment in progress does not, yet)."""
    return agreement.versions.filter(status=VersionStatus.SIGNED).order_by("-number").first()


def party_of(actor: Actor, mentorship: Mentorship) -> str | None:
    """Which party the actor signs for: the mentee, the mentor, or the mentee's organisation."""
    if actor.person_id is None:
        return None
    if actor.person_id == mentorship.mentee_id:
        return Party.MENTEE
    if actor.person_id == mentorship.mentor_id:
        return Party.MENTOR
    if mentorship.organisation_id in actor.coordinator_of:
        return Party.INSTITUTION
    return None


def signatures_by_party(version: AgreementVersion) -> dict[str, Signature]:
    return {s.party: s for s in version.signatures.select_related("person")}


def waiting_for(version: AgreementVersion) -> list[str]:
    """The parties who have not signed, in the order they sign."""
    signed = {s.party for s in version.signatures.all()}
    return [p for p in PARTIES if p not in signed]


def same_name(typed: str, person: Any) -> bool:
    return " ".join(typed.split()).casefold() == " ".join(str(person).split()).casefold()


# --- checks -----------------------------------------------------------------------------


def _may_change(actor: Actor, obj: Any, what: str) -> None:
    if not policies.can_change(actor, obj):
        raise PermissionDenied(
            f"Only the mentor, the mentee and the organisation's coordinators {what}"
        )


def _open(mentorship: Mentorship) -> None:
    if mentorship.status not in OPEN:
        raise ValidationError(
            {
                "__all__": "This mentorship is not under way, so its agreement can be read "
                "but no longer started, changed or signed."
            }
        )


def _locked(version: AgreementVersion) -> AgreementVersion:
    return AgreementVersion._base_manager.select_for_update().get(pk=version.pk)


def _as_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _years_on(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def objective_problems(objectives: list[dict[str, Any]], *, today: date) -> dict[str, str]:
    """SMART checks, keyed by the field as the API sends it (``objectives.1.measure``).

    Each objective says what will change, how it will be measured and by when
    (a date from today, within five years); an agreement has three to ten.
    """
    errors: dict[str, str] = {}
    if len(objectives) > MAX_OBJECTIVES:
        errors["objectives"] = f"An agreement can have at most {MAX_OBJECTIVES} objectives"
        return errors
    for index, row in enumerate(objectives):
        n = index + 1
        where = f"objectives.{index}"
        what = agreement_text._one_line(row.get("what"))
        measure = agreement_text._one_line(row.get("measure"))
        if not what:
            errors[f"{where}.what"] = f"Objective {n}: say what will change"
        elif len(what) > MAX_TEXT:
            errors[f"{where}.what"] = (
                f"Objective {n}: say what will change in {MAX_TEXT} characters or fewer"
            )
        if not measure:
            errors[f"{where}.measure"] = f"Objective {n}: say how it will be measured"
        elif len(measure) > MAX_TEXT:
            errors[f"{where}.measure"] = (
                f"Objective {n}: say how it will be measured in {MAX_TEXT} characters or fewer"
            )
        try:
            by = _as_date(row.get("by"))
        except ValueError:
            errors[f"{where}.by"] = f"Objective {n}: give the date by when as a real date"
            continue
        if by is None:
            errors[f"{where}.by"] = f"Objective {n}: give a date by when"
        elif by < today:
            errors[f"{where}.by"] = (
                f"Objective {n}: the date by when is in the past; give today or a later date"
            )
        elif by > _years_on(today, MAX_YEARS):
            errors[f"{where}.by"] = (
                f"Objective {n}: give a date by when within {MAX_YEARS} years from today"
            )
    if len(objectives) < MIN_OBJECTIVES:
        have = len(objectives)
        errors["objectives"] = (
            f"Agree at least {MIN_OBJECTIVES} objectives; there "
            f"{'is' if have == 1 else 'are'} {have} so far"
        )
    return errors


def _clean_objectives(objectives: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [
        {
            "what": agreement_text._one_line(row.get("what")),
            "measure": agreement_text._one_line(row.get("measure")),
            "by": _as_date(row.get("by")).isoformat(),  # type: ignore[union-attr]
        }
        for row in objectives
    ]


def _render(version: AgreementVersion) -> None:
    version.text = agreement_text.render_text(
        version.content, number=version.number, amends=version.content.get("amends")
    )


# --- events -----------------------------------------------------------------------------


def _log(actor: Actor | None, obj: Any, code: str, mentorship: Mentorship, **detail: Any) -> None:
    event = audit.record(
        actor,
        f"relationships.agreement.{code}",
        obj,
        organisation=mentorship.organisation_id,
        changes=detail,
    )
    MentorshipEvent.objects.create(
        mentorship=mentorship,
        code=f"agreement_{code}",
        actor_name=event.actor_name,
        detail=event.changes,
    )


# --- the use cases ----------------------------------------------------------------------


@transaction.atomic
def start_agreement(actor: Actor, mentorship: Mentorship) -> Agreement:
    """Draft version 1 from the programme; the pair or a coordinator of the mentee's side."""
    _may_change(actor, Agreement(mentorship=mentorship), "start the agreement")
    _open(mentorship)
    with system_access():
        if Agreement.objects.filter(mentorship=mentorship).exists():
            raise ValidationError({"__all__": "This mentorship already has an agreement."})
    agreement = Agreement.objects.create(mentorship=mentorship)
    version = AgreementVersion(
        agreement=agreement,
        number=1,
        content=agreement_text.build_content(mentorship),
        created_by_name=str(actor.person) if actor.person else "Tandem",
    )
    _render(version)
    version.save()
    _log(actor, agreement, "started", mentorship, version=1)
    return agreement


@transaction.atomic
def edit_draft(
    actor: Actor,
    version: AgreementVersion,
    *,
    expected_version: int,
    meetings: dict[str, str] | None = None,
    extra_commitments: list[str] | None = None,
    objectives: list[dict[str, Any]] | None = None,
) -> AgreementVersion:
    """Change a draft's meeting arrangements, further commitments or objectives.

    Only what is given changes. Objectives, when given, are checked in full.
    """
    mentorship = version.agreement.mentorship
    _may_change(actor, version, "change the agreement")
    _open(mentorship)
    locked = _locked(version)
    if locked.status != VersionStatus.DRAFT:
        raise ValidationError(
            {
                "__all__": f"Version {locked.number} is "
                f"{locked.get_status_display().lower()} and can no longer change. "
                + (
                    "Amend the agreement to make a new version."
                    if locked.status == VersionStatus.SIGNED
                    else ""
                )
            }
        )
    if locked.edit_version != expected_version:
        raise ValidationError({"__all__": CONCURRENT})
    errors: dict[str, str] = {}
    content = copy.deepcopy(locked.content)
    if meetings is not None:
        current = dict(content.get("meetings", {}))
        labels = {"frequency": "How often you meet", "place": "Where you meet", "mode": "How"}
        for key, label in labels.items():
            if key not in meetings:
                continue
            value = agreement_text._one_line(meetings[key])
            if not value:
                errors[f"meetings.{key}"] = f"{label}: say what you agree"
            elif len(value) > MAX_TEXT:
                errors[f"meetings.{key}"] = f"{label}: use {MAX_TEXT} characters or fewer"
            current[key] = value
        content["meetings"] = current
    if extra_commitments is not None:
        extra = [agreement_text._one_line(c) for c in extra_commitments]
        extra = [c for c in extra if c]
        if len(extra) > MAX_EXTRA:
            errors["extra_commitments"] = (
                f"Further commitments: agree at most {MAX_EXTRA}, one a line"
            )
        elif any(len(c) > MAX_TEXT for c in extra):
            errors["extra_commitments"] = (
                f"Further commitments: keep each to {MAX_TEXT} characters or fewer"
            )
        content["extra_commitments"] = extra
    if objectives is not None:
        problems = objective_problems(objectives, today=timezone.localdate())
        errors.update(problems)
        if not problems:
            content["objectives"] = _clean_objectives(objectives)
    if errors:
        raise ValidationError(errors)
    changed = sorted(k for k in content if content.get(k) != locked.content.get(k))
    if not changed:
        return locked
    locked.content = content
    locked.edit_version += 1
    _render(locked)
    locked.save()
    _log(actor, locked.agreement, "edited", mentorship, version=locked.number, fields=changed)
    return locked


@transaction.atomic
def send_for_signature(actor: Actor, version: AgreementVersion) -> AgreementVersion:
    """Freeze a draft's text; the three parties are asked to read and sign it."""
    mentorship = version.agreement.mentorship
    _may_change(actor, version, "send the agreement for signature")
    _open(mentorship)
    locked = _locked(version)
    if locked.status != VersionStatus.DRAFT:
        raise ValidationError({"__all__": f"Version {locked.number} is not a draft."})
    problems = objective_problems(
        locked.content.get("objectives") or [], today=timezone.localdate()
    )
    if problems:
        raise ValidationError(problems)
    _render(locked)
    locked.status = VersionStatus.AWAITING
    locked.edit_version += 1
    locked.save()
    _log(actor, locked.agreement, "sent", mentorship, version=locked.number)
    people = [mentorship.mentee, mentorship.mentor, *_coordinators(mentorship.organisation)]
    transaction.on_commit(
        lambda: notify(
            people,
            "relationships/email/agreement_sent.txt",
            {"mentorship": mentorship, "version": locked},
        )
    )
    return locked


@transaction.atomic
def reopen(actor: Actor, version: AgreementVersion) -> AgreementVersion:
    """Take back a version waiting for signatures to change it.

    Unsigned, it returns to draft. Once anyone has signed, its text stays as
    signed: it is superseded and a new draft takes its place.
    """
    mentorship = version.agreement.mentorship
    _may_change(actor, version, "change the agreement")
    _open(mentorship)
    locked = _locked(version)
    if locked.status != VersionStatus.AWAITING:
        raise ValidationError(
            {"__all__": f"Version {locked.number} is not waiting for signatures."}
        )
    if not locked.signatures.exists():
        locked.status = VersionStatus.DRAFT
        locked.edit_version += 1
        locked.save()
        _log(actor, locked.agreement, "reopened", mentorship, version=locked.number)
        return locked
    locked.status = VersionStatus.SUPERSEDED
    locked.save()
    return _new_version(actor, locked, change_summary="", code="reopened")


def _new_version(
    actor: Actor, source: AgreementVersion, *, change_summary: str, code: str
) -> AgreementVersion:
    agreement = source.agreement
    number = (agreement.versions.order_by("-number").values_list("number", flat=True).first()) + 1
    content = copy.deepcopy(source.content)
    force = in_force(agreement)
    content["amends"] = force.number if force else None
    version = AgreementVersion(
        agreement=agreement,
        number=number,
        content=content,
        change_summary=change_summary,
        created_by_name=str(actor.person) if actor.person else "Tandem",
    )
    _render(version)
    version.save()
    _log(
        actor,
        agreement,
        code,
        agreement.mentorship,
        version=number,
        source=source.number,
        summary=change_summary,
    )
    return version


@transaction.atomic
def amend(actor: Actor, agreement: Agreement, *, change_summary: str = "") -> AgreementVersion:
    """A new draft copied from the signed version; the signed one stays as it is."""
    mentorship = agreement.mentorship
    _may_change(actor, agreement, "amend the agreement")
    _open(mentorship)
    summary = agreement_text._one_line(change_summary)
    if len(summary) > MAX_TEXT:
        raise ValidationError(
            {"change_summary": f"What is changing: use {MAX_TEXT} characters or fewer"}
        )
    newest = AgreementVersion._base_manager.select_for_update().filter(agreement=agreement)
    newest = newest.order_by("-number").first()
    if newest is None or newest.status != VersionStatus.SIGNED:
        if newest is not None and in_force(agreement) is not None:
            message = (
                f"Version {newest.number} is already an amendment "
                f"({newest.get_status_display().lower()}); finish it first."
            )
        else:
            state = newest.get_status_display().lower() if newest else "missing"
            number = newest.number if newest else 1
            message = f"Only a signed agreement is amended; version {number} is {state}."
        raise ValidationError({"__all__": message})
    return _new_version(actor, newest, change_summary=summary, code="amended")


@transaction.atomic
def sign(actor: Actor, version: AgreementVersion, *, typed_name: str, text_hash: str) -> Signature:
    """The actor signs, for their party, the exact text whose hash they were shown."""
    mentorship = version.agreement.mentorship
    party = party_of(actor, mentorship)
    if party is None:
        raise PermissionDenied(
            f"Only the mentee, the mentor and a coordinator of {mentorship.organisation} "
            "sign this agreement"
        )
    _open(mentorship)
    locked = _locked(version)
    if locked.status != VersionStatus.AWAITING or locked.text_hash != (text_hash or "").strip():
        raise ValidationError({"text_hash": STALE})
    already = locked.signatures.filter(party=party).select_related("person").first()
    if already is not None:
        who = "You have" if already.person_id == actor.person_id else f"{already.person} has"
        raise ValidationError(
            {"__all__": f"{who} already signed version {locked.number} for the {_party(party)}."}
        )
    typed = " ".join((typed_name or "").split())
    if not typed:
        raise ValidationError({"typed_name": "Type your full name to sign"})
    if not same_name(typed, actor.person):
        raise ValidationError(
            {"typed_name": f"Type your full name as it appears here: {actor.person}"}
        )
    signature = Signature.objects.create(
        version=locked,
        party=party,
        person=actor.person,
        typed_name=typed,
        text_hash=locked.text_hash,
    )
    _log(actor, locked.agreement, "signed", mentorship, version=locked.number, party=party)
    if not waiting_for(locked):
        _complete(actor, locked)
    return signature


def _party(party: str) -> str:
    return {"mentee": "mentee", "mentor": "mentor", "institution": "organisation"}[party]


def _complete(actor: Actor, version: AgreementVersion) -> None:
    """Everyone has signed: in force, earlier versions superseded, objectives into the plan."""
    mentorship = version.agreement.mentorship
    version.status = VersionStatus.SIGNED
    version.save()
    for earlier in version.agreement.versions.filter(
        status=VersionStatus.SIGNED, number__lt=version.number
    ):
        earlier.status = VersionStatus.SUPERSEDED
        earlier.save()
    copied = copy_objectives(version)
    _log(actor, version.agreement, "completed", mentorship, version=version.number, copied=copied)
    transaction.on_commit(
        lambda: notify(
            [mentorship.mentee, mentorship.mentor],
            "relationships/email/agreement_signed.txt",
            {"mentorship": mentorship, "version": version},
        )
    )


def copy_objectives(version: AgreementVersion) -> int:
    """Put the agreed objectives into the development plan, once; how many were added."""
    mentorship = version.agreement.mentorship
    with system_access():
        plan, _ = DevelopmentPlan.objects.get_or_create(mentorship=mentorship)
    have = {
        (o.what.casefold(), o.due_on)
        for o in plan.objectives.filter(source=ObjectiveSource.AGREEMENT)
    }
    added = 0
    for row in version.content.get("objectives") or []:
        due = _as_date(row["by"])
        if (row["what"].casefold(), due) in have:
            continue
        Objective.objects.create(
            plan=plan,
            what=row["what"],
            measure=row["measure"],
            due_on=due,
            source=ObjectiveSource.AGREEMENT,
        )
        have.add((row["what"].casefold(), due))
        added += 1
    if added:
        with system_access():
            DevelopmentPlan.objects.filter(pk=plan.pk).update(version=F("version") + 1)
    return added


# --- demonstration data -----------------------------------------------------------------


@transaction.atomic
def demo_agreement(
    mentorship: Mentorship,
    objectives: list[tuple[str, str, date]],
    *,
    institution_signer: Any = None,
    signed: bool = True,
) -> Agreement:
    """An agreement for demonstration data: version 1 with these objectives.

    ``signed`` with an ``institution_signer`` (a coordinator of the mentee's
    organisation) signs it for all three parties and copies the objectives into
    the plan; otherwise it waits for signatures. Idempotent: an existing
    agreement is returned unchanged.
    """
    with system_access():
        existing = Agreement.objects.filter(mentorship=mentorship).first()
        if existing is not None:
            return existing
        agreement = Agreement.objects.create(mentorship=mentorship)
        content = agreement_text.build_content(mentorship)
        content["objectives"] = [
            {"what": what, "measure": measure, "by": by.isoformat()}
            for what, measure, by in objectives
        ]
        version = AgreementVersion(
            agreement=agreement,
            number=1,
            content=content,
            status=VersionStatus.AWAITING,
            created_by_name=str(mentorship.mentor),
        )
        _render(version)
        version.save()
        if signed and institution_signer is not None:
            for party, person in (
                (Party.MENTEE, mentorship.mentee),
                (Party.MENTOR, mentorship.mentor),
                (Party.INSTITUTION, institution_signer),
            ):
                Signature.objects.create(
                    version=version,
                    party=party,
                    person=person,
                    typed_name=str(person),
                    text_hash=version.text_hash,
                )
            version.status = VersionStatus.SIGNED
            version.save()
            copy_objectives(version)
    return agreement
