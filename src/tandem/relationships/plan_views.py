"""Pages of the development plan and of observations: parse, call a service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from tandem.core import policies
from tandem.core.forms import apply_errors, bound_data
from tandem.relationships import observations, plan_forms, plan_selectors, plans
from tandem.relationships.models import Mentorship, Observation, ObservationStatus
from tandem.relationships.selectors import access_mentorship


def _plan_url(mentorship: Mentorship) -> str:
    return reverse("relationships:plan", kwargs={"uuid": mentorship.uuid})


def _form_page(
    request: HttpRequest,
    form: Any,
    *,
    template: str,
    title: str,
    caption: str,
    back_url: str,
    back_text: str,
    submit: str,
    **extra: Any,
) -> HttpResponse:
    context = {
        "form": form,
        "title": title,
        "caption": caption,
        "back_url": back_url,
        "back_text": back_text,
        "submit": submit,
        **extra,
    }
    return render(request, template, context)


# --- the plan -------------------------------------------------------------------------


@login_required
def plan_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    mentorship = access_mentorship(actor, uuid)
    plan = plan_selectors.readable_plan(actor, mentorship)
    groups = plan_selectors.grouped_objectives(actor, plan)
    can_edit = plans.can_edit_plan(actor, mentorship)
    if can_edit:
        for group in groups:
            for objective in group["objectives"]:
                objective.status_form = plan_forms.StatusForm(  # type: ignore[attr-defined]
                    prefix=f"o{objective.pk}",
                    initial={"status": objective.status, "version": objective.version},
                )
    return render(
        request,
        "relationships/plan_detail.html",
        {
            "mentorship": mentorship,
            "plan": plan,
            "framework": plan_selectors.framework_of(plan),
            "groups": groups,
            "overdue": plan_selectors.overdue_count(groups),
            "can_edit": can_edit,
            "can_add": can_edit and mentorship.status == "active",
        },
    )


@login_required
def objective_new(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    mentorship = access_mentorship(actor, uuid)
    plan = plan_selectors.readable_plan(actor, mentorship)
    if not plans.can_edit_plan(actor, mentorship):
        raise PermissionDenied("Only the mentor, the mentee and their coordinators change the plan")
    framework = plan_selectors.framework_of(plan)
    form = plan_forms.ObjectiveForm(
        bound_data(request), standards=plan_selectors.standards_of(framework)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plans.add_objective(
                actor,
                mentorship,
                what=data["what"],
                measure=data["measure"],
                due_on=data["due_on"],
                review_on=data["review_on"],
                standards=data.get("standards") or [],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "The objective has been added to the plan.")
            return redirect(_plan_url(mentorship))
    return _form_page(
        request,
        form,
        template="relationships/plan_form.html",
        title="Add an objective",
        caption=f"Development plan · {mentorship.mentee}",
        back_url=_plan_url(mentorship),
        back_text="Back to the development plan",
        submit="Add the objective",
        intro="A SMART objective says what will change, how you will know, and by when.",
    )


@login_required
def objective_edit(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    objective = plan_selectors.access_objective(actor, uuid, for_write=True)
    mentorship = objective.plan.mentorship
    initial = {
        "what": objective.what,
        "measure": objective.measure,
        "due_on": objective.due_on,
        "review_on": objective.review_on,
        "status": objective.status,
        "standards": list(objective.standards.all()),
        "version": objective.version,
    }
    form = plan_forms.ObjectiveEditForm(
        bound_data(request),
        initial=initial,
        standards=plan_selectors.standards_of(objective.plan.framework),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        if "standards" not in form.fields:
            data.pop("standards", None)
        try:
            plans.update_objective(actor, objective, expected_version=version, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "The objective has been saved.")
            return redirect(_plan_url(mentorship))
    return _form_page(
        request,
        form,
        template="relationships/plan_form.html",
        title="Change the objective",
        caption=f"Development plan · {mentorship.mentee}",
        back_url=_plan_url(mentorship),
        back_text="Back to the development plan",
        submit="Save the objective",
    )


@login_required
@require_POST
def objective_status(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    objective = plan_selectors.access_objective(actor, uuid, for_write=True)
    form = plan_forms.StatusForm(request.POST, prefix=f"o{objective.pk}")
    if not form.is_valid():
        messages.error(request, "Choose a status from the list.")
    else:
        try:
            plans.set_status(
                actor,
                objective,
                form.cleaned_data["status"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            objective.refresh_from_db()
            messages.success(
                request, f"‘{objective.what}’ is now {objective.get_status_display().lower()}."
            )
    return redirect(_plan_url(objective.plan.mentorship) + f"#objective-{objective.uuid}")


@login_required
def evidence_new(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    objective = plan_selectors.access_objective(actor, uuid, for_write=True)
    mentorship = objective.plan.mentorship
    form = plan_forms.EvidenceForm(bound_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            plans.add_evidence(actor, objective, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "The evidence has been added.")
            return redirect(_plan_url(mentorship) + f"#objective-{objective.uuid}")
    return _form_page(
        request,
        form,
        template="relationships/plan_form.html",
        title="Add evidence",
        caption=f"Objective: {objective.what}",
        back_url=_plan_url(mentorship),
        back_text="Back to the development plan",
        submit="Add the evidence",
    )


# --- observations ---------------------------------------------------------------------


def _observations_url(mentorship: Mentorship) -> str:
    return reverse("relationships:observation_list", kwargs={"uuid": mentorship.uuid})


@login_required
def observation_list(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    mentorship = access_mentorship(actor, uuid)
    plan_selectors.readable_plan(actor, mentorship)
    return render(
        request,
        "relationships/observation_list.html",
        {
            "mentorship": mentorship,
            "observations": list(plan_selectors.observations_of(actor, mentorship)),
            "can_plan": observations.can_plan(actor, mentorship) and mentorship.status == "active",
        },
    )


@login_required
def observation_new(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    mentorship = access_mentorship(actor, uuid)
    plan_selectors.readable_plan(actor, mentorship)
    if not observations.can_plan(actor, mentorship):
        raise PermissionDenied(
            "Only the mentor, the mentee and their coordinators plan observations"
        )
    form = plan_forms.ObservationForm(
        bound_data(request), mentorship=mentorship, tutors=observations.tutors_of(mentorship)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            observation = observations.plan_observation(
                actor,
                mentorship,
                direction=data["direction"],
                purpose=data["purpose"],
                scheduled_for=form.scheduled_for(),
                session=data["session"],
                duration_minutes=data["duration_minutes"],
                joint_observer=data["joint_observer"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "scheduled_for" in exc.error_dict:
                exc = ValidationError(
                    {("day" if k == "scheduled_for" else k): v for k, v in exc.error_dict.items()}
                )
            apply_errors(form, exc)
        else:
            messages.success(request, "The observation has been planned.")
            return redirect(observation)
    return _form_page(
        request,
        form,
        template="relationships/observation_form.html",
        title="Plan an observation",
        caption=str(mentorship),
        back_url=_observations_url(mentorship),
        back_text="Back to observations",
        submit="Plan the observation",
    )


def _judgement_columns(judgements: list[Any], targets: list[dict[str, Any]]) -> list[Any]:
    for judgement in judgements:
        judgement.target_rows = [t for t in targets if t["judgement"].pk == judgement.pk]
    return judgements


@login_required
def observation_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    observation = plan_selectors.access_observation(actor, uuid)
    mentorship = observation.mentorship
    judgements = plan_selectors.judgements_of(actor, observation)
    targets = plan_selectors.targets_of(actor, observation)
    can_move = observations.can_move_targets(actor, observation) and mentorship.status == "active"
    for target in targets:
        if can_move and not target["objective"]:
            target["form"] = plan_forms.MoveTargetForm(prefix=f"t{target['index']}")
    is_judge = actor.person_id in (observation.observer_id, observation.joint_observer_id)
    judged = any(j.judge_id == actor.person_id for j in judgements)
    return render(
        request,
        "relationships/observation_detail.html",
        {
            "observation": observation,
            "mentorship": mentorship,
            "judgements": _judgement_columns(judgements, targets),
            "targets": targets,
            "can_move": can_move,
            "is_judge": is_judge,
            "judged": judged,
            "judge_problem": observations.judgement_problem(actor, observation)
            if is_judge and not judged
            else None,
            "is_observed": actor.person_id == observation.observed_id,
            "can_change_purpose": policies.can_change(actor, observation)
            and observation.status == ObservationStatus.PLANNED,
            "plan_url": _plan_url(mentorship),
        },
    )


@login_required
def observation_judgement(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    observation = plan_selectors.access_observation(actor, uuid)
    if actor.person_id not in (observation.observer_id, observation.joint_observer_id):
        raise PermissionDenied("Only the observer and the joint observer record judgements")
    problem = observations.judgement_problem(actor, observation)
    if problem:
        messages.error(request, problem)
        return redirect(observation)
    form = plan_forms.JudgementForm(
        bound_data(request), grading=observations.grades_allowed(observation)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            observations.record_judgement(
                actor,
                observation,
                strengths=data["strengths"],
                areas_to_develop=data["areas_to_develop"],
                targets=data["targets"],
                grade=data.get("grade") or None,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Your judgement has been recorded.")
            return redirect(observation)
    return _form_page(
        request,
        form,
        template="relationships/observation_form.html",
        title="Record your judgement",
        caption=str(observation),
        back_url=observation.get_absolute_url(),
        back_text="Back to the observation",
        submit="Record the judgement",
        observation=observation,
        grade_note=None
        if observations.grades_allowed(observation)
        else observations.grade_problem(observation),
    )


@login_required
def observation_move_target(request: HttpRequest, uuid: str, index: int) -> HttpResponse:
    actor = request.actor
    observation = plan_selectors.access_observation(actor, uuid, for_write=True)
    targets = plan_selectors.targets_of(actor, observation)
    if not 0 <= index < len(targets):
        messages.error(request, "This observation has no such target.")
        return redirect(observation)
    target = targets[index]
    form = plan_forms.MoveTargetForm(bound_data(request), prefix=f"t{index}")
    if request.method == "POST" and form.is_valid():
        try:
            observations.move_target(actor, observation, index, **form.cleaned_data)
        except ValidationError as exc:
            if "__all__" in getattr(exc, "error_dict", {}):
                messages.error(request, " ".join(exc.messages))
                return redirect(observation)
            apply_errors(form, exc)
        else:
            messages.success(
                request, f"‘{target['text']}’ is now an objective in the development plan."
            )
            return redirect(observation.get_absolute_url() + "#targets")
    return _form_page(
        request,
        form,
        template="relationships/observation_form.html",
        title="Move a target into the development plan",
        caption=str(observation),
        back_url=observation.get_absolute_url(),
        back_text="Back to the observation",
        submit="Move into the development plan",
        intro=f"Target: {target['text']}",
    )


@login_required
def observation_response(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    observation = plan_selectors.access_observation(actor, uuid)
    if actor.person_id != observation.observed_id:
        raise PermissionDenied("Only the person observed can respond")
    if observation.status != ObservationStatus.RECORDED:
        messages.error(request, "You can respond once a judgement has been recorded.")
        return redirect(observation)
    form = plan_forms.ResponseForm(bound_data(request), initial={"response": observation.response})
    if request.method == "POST" and form.is_valid():
        try:
            observations.respond(actor, observation, form.cleaned_data["response"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Your response has been saved.")
            return redirect(observation)
    return _form_page(
        request,
        form,
        template="relationships/observation_form.html",
        title="Your response to the observation",
        caption=str(observation),
        back_url=observation.get_absolute_url(),
        back_text="Back to the observation",
        submit="Save your response",
    )


@login_required
def observation_purpose(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    observation: Observation = plan_selectors.access_observation(actor, uuid, for_write=True)
    form = plan_forms.PurposeForm(bound_data(request), initial={"purpose": observation.purpose})
    if request.method == "POST" and form.is_valid():
        try:
            observations.change_purpose(actor, observation, form.cleaned_data["purpose"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "The purpose has been changed.")
            return redirect(observation)
    return _form_page(
        request,
        form,
        template="relationships/observation_form.html",
        title="Change the purpose",
        caption=str(observation),
        back_url=observation.get_absolute_url(),
        back_text="Back to the observation",
        submit="Save the purpose",
        intro="The purpose is declared before the observation and is fixed once it has been "
        "recorded.",
    )
