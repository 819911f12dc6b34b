"""Forms for matching a cohort and reviewing its proposals."""

from __future__ import annotations

from typing import Any

from django import forms

from tandem.core.forms import TandemForm
from tandem.matching.models import Objective, Proposal

UNMATCHED = "unmatched"


class StartRunForm(TandemForm):
    objective = forms.ChoiceField(
        label="What matters most?",
        choices=[
            (Objective.PARTICIPATION_FIRST, "Match as many mentees as possible first"),
            (Objective.QUALITY_FIRST, "Best quality of match"),
        ],
        initial=Objective.PARTICIPATION_FIRST,
        widget=forms.RadioSelect,
        help_text="Matching as many as possible first finds a mentor for every mentee it can, "
        "then makes the matches as good as possible. Best quality may leave a mentee unmatched "
        "rather than give them a weak match.",
        error_messages={"required": "Choose what matters most"},
    )
    include_partners = forms.BooleanField(
        label="Include mentors from partner organisations",
        required=False,
        initial=True,
        help_text="Mentors in the partnership directory who are willing to mentor outside their "
        "own organisation, offered when nobody here fits. Their coordinator agrees first.",
    )


class ChangeProposalForm(TandemForm):
    """Pick another of the run's allowed mentors for one mentee, or none."""

    mentor = forms.ChoiceField(
        error_messages={
            "required": "Choose a mentor or leave unmatched",
            "invalid_choice": "Choose one of the mentors listed",
        }
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, proposal: Proposal, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"%s-{proposal.uuid}")
        super().__init__(*args, **kwargs)
        self.proposal = proposal
        mentee = proposal.request.mentee
        choices = []
        if proposal.mentor_id:
            choices.append((str(proposal.mentor.uuid), f"{proposal.mentor} (current)"))
        home = proposal.run.organisation.name
        for alt in proposal.alternatives:
            where = "" if alt["organisation"] == home else f", {alt['organisation']}"
            choices.append(
                (alt["mentor"], f"{alt['name']}{where} – {alt['score']}, {alt['rung_label']}")
            )
        choices.append((UNMATCHED, "Leave unmatched"))
        field = self.fields["mentor"]
        field.choices = choices
        field.label = f"Mentor for {mentee}"
        field.initial = str(proposal.mentor.uuid) if proposal.mentor_id else UNMATCHED

    def chosen_uuid(self) -> str | None:
        value = self.cleaned_data["mentor"]
        return None if value == UNMATCHED else value


class VersionForm(TandemForm):
    """Publish or discard: the version of the run the coordinator was looking at."""

    version = forms.IntegerField(
        widget=forms.HiddenInput, error_messages={"required": "Reload the page and try again"}
    )
