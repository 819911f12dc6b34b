"""What the engine works on: mentees' needs, mentors' offers, weights and constraints."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from enum import IntEnum

OBJECTIVES = ("participation_first", "quality_first")


class EngineError(ValueError):
    """Bad input to the engine; the message names the field and the problem."""


class Rung(IntEnum):
    """The fallback ladder, best first."""

    EXACT_SUBJECT = 1
    SAME_SECTOR = 2
    GENERIC_POOL = 3
    PARTNER_ORGANISATION = 4

    @property
    def label(self) -> str:
        return {
            1: "exact subject",
            2: "same sector",
            3: "generic pool",
            4: "another organisation in the partnership",
        }[int(self)]


class Level(IntEnum):
    """How well a mentor's specialisms fit the mentee's subject."""

    EXACT = 1
    SECTOR = 2
    GENERIC = 3


# Reason codes for an excluded pair, with their wording.
REASONS = {
    "line_manager": "is the mentee's line manager (directly or up the chain)",
    "no_capacity": "has no remaining capacity",
    "untrained": "lacks the training the programme requires",
    "no_consent": "has not consented to be matched",
    "not_willing_outside": "is not willing to mentor outside their organisation",
    "not_in_partnership": "is in an organisation outside the mentee's partnership",
    "ended_badly": "had an earlier pairing with the mentee that ended badly",
    "no_subject_match": "has no specialism in the subject or sector and is not in the generic pool",
    "rung_not_allowed": "is on a rung of the fallback ladder this run does not use",
}


@dataclass(frozen=True)
class MenteeNeed:
    id: str
    organisation: str
    subject: str
    sector: str
    managers: frozenset[str] = frozenset()  # mentor ids of the line managers up the chain
    required_training: frozenset[str] = frozenset()  # what the programme requires of a mentor
    modes: frozenset[str] = frozenset()  # face_to_face, online, phone
    availability: frozenset[str] = frozenset()  # slots such as "mon-am"
    site: str = ""
    region: str = ""
    preferred_mentor: str | None = None


@dataclass(frozen=True)
class MentorOffer:
    id: str
    organisation: str
    subjects: frozenset[str] = frozenset()
    sectors: frozenset[str] = frozenset()
    generic: bool = False  # in the generic pool: mentors any subject
    capacity: int = 1  # remaining capacity
    trained_for: frozenset[str] = frozenset()
    consents: bool = True
    willing_outside: bool = False
    modes: frozenset[str] = frozenset()
    availability: frozenset[str] = frozenset()
    site: str = ""
    region: str = ""
    experience_years: float = 0.0


@dataclass(frozen=True)
class Weights:
    """Per-programme weight of each named score part (any non-negative numbers)."""

    subject: float = 4.0
    mode: float = 1.0
    availability: float = 1.0
    place: float = 1.0
    experience: float = 1.0
    preferred: float = 2.0

    def validate(self) -> None:
        total = 0.0
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise EngineError(f"weights.{f.name}: must be a number, got {value!r}")
            if value != value or value in (float("inf"), float("-inf")):
                raise EngineError(f"weights.{f.name}: must be a finite number")
            if value < 0:
                raise EngineError(f"weights.{f.name}: must not be negative, got {value}")
            total += value
        if total == 0:
            raise EngineError(
                "weights: all weights are zero; give at least one score part a positive weight"
            )

    def as_dict(self) -> dict[str, float]:
        return {f.name: float(getattr(self, f.name)) for f in fields(self)}


@dataclass(frozen=True)
class Constraints:
    forbidden_pairs: frozenset[tuple[str, str]] = frozenset()  # (mentee, mentor) ended badly
    partners: dict[str, frozenset[str]] = field(default_factory=dict)  # org -> partner orgs
    max_rung: Rung = Rung.PARTNER_ORGANISATION

    def validate(self) -> None:
        if int(self.max_rung) not in {1, 2, 3, 4}:
            raise EngineError(f"constraints.max_rung: must be 1 to 4, got {self.max_rung!r}")


@dataclass(frozen=True)
class Pair:
    """A proposed (or candidate) pair with its score and why."""

    mentee: str
    mentor: str
    score: int
    rung: Rung
    parts: dict[str, float]  # each part 0..1, before weighting

    def why(self, weights: Weights) -> list[str]:
        w = weights.as_dict()
        total = sum(w.values())
        return [
            f"{name}: {value:.2f} x weight {w[name]:g} = {100 * w[name] * value / total:.1f} points"
            for name, value in self.parts.items()
            if w[name] > 0
        ] + [f"rung: {self.rung.label}"]


@dataclass(frozen=True)
class Unmatched:
    mentee: str
    reason: str
