"""Pages of learning (E2): enrol, the learner's course page, units with reflections
(autosaved), assignments and the project, practice hours, and the assessment queue.
Thin: fetch visibly, call a service, render."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from tandem.core import policies
from tandem.core.forms import apply_errors, bound_data
from tandem.core.policies.training import course_staff_of
from tandem.core.tenancy import access_object
from tandem.training import learning, project, selectors
from tandem.training import learning_forms as forms
from tandem.training import learning_selectors as sel
from tandem.training.models import (
    ActivityKind,
    CourseRun,
    CourseStatus,
    Credential,
    CredentialKind,
    EnrolmentStatus,
)

# --- helpers ---------------------------------------------------------------------------


def _messages_of(exc: ValidationError) -> list[str]:
    return list(exc.messages)


def _learner_only(request: HttpRequest, enrolment: Any) -> None:
    if not sel.is_learner(request.actor, enrolment):
        raise PermissionDenied("Only the learner does this")


# --- enrolling -------------------------------------------------------------------------


@login_required
@require_POST
def enrol(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    run = access_object(actor, CourseRun, uuid)
    try:
        enrolment = learning.enrol(actor, run)
    except ValidationError as exc:
        messages.error(request, " ".join(_messages_of(exc)))
        return redirect(run)
    if enrolment.created:
        messages.success(request, f"You are enrolled on {run.course}: {run.name}.")
    else:
        messages.info(request, f"You are already enrolled on {run.course}: {run.name}.")
    return redirect(enrolment)


@login_required
def withdraw(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    enrolment = sel.access_enrolment(actor, uuid, for_write=True)
    if request.method == "POST":
        try:
            learning.withdraw(actor, enrolment)
        except ValidationError as exc:
            messages.error(request, " ".join(_messages_of(exc)))
            return redirect(enrolment)
        if sel.is_learner(actor, enrolment):
            messages.success(request, f"You have withdrawn from {enrolment.run.course}.")
            return redirect("training:your_learning")
        messages.success(request, f"{enrolment.person} has been withdrawn.")
        return redirect(enrolment)
    return render(request, "training/enrolment_withdraw.html", {"enrolment": enrolment})


@login_required
@require_GET
def your_learning(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    rows = []
    for enrolment in sel.enrolments_of_person(actor):
        rows.append({"enrolment": enrolment, "progress": sel.progress(enrolment)})
    return render(request, "training/your_learning.html", {"rows": rows})


# --- the learner's course page ---------------------------------------------------------


def _sessions(enrolment: Any) -> list[dict[str, Any]]:
    now = timezone.now()
    out = []
    for s in enrolment.run.live_sessions.order_by("starts_at"):
        ends = s.starts_at + timedelta(minutes=s.duration_minutes)
        out.append({"session": s, "ended": ends <= now, "ends_at": ends})
    return out


def _can_rejoin(actor: Any, enrolment: Any) -> bool:
    """A withdrawn learner may enrol again while the run's enrolment is open."""
    run = enrolment.run
    return (
        enrolment.status == EnrolmentStatus.WITHDRAWN
        and run.course.status == CourseStatus.PUBLISHED
        and selectors.open_runs(actor, run.course).filter(pk=run.pk).exists()
    )


def _render_enrolment(
    request: HttpRequest, enrolment: Any, *, practice_form: Any = None, problems: Any = None
) -> HttpResponse:
    actor = request.actor
    learner = sel.is_learner(actor, enrolment)
    hours = sel.practice_hours(enrolment)
    credentials = list(
        Credential.objects.visible_to(actor).filter(enrolment=enrolment).order_by("issued_at")
    )
    if practice_form is None and learner and enrolment.status != EnrolmentStatus.WITHDRAWN:
        practice_form = forms.PracticeEntryForm()
    prog = sel.progress(enrolment, hours=hours)
    return render(
        request,
        "training/enrolment_detail.html",
        {
            "enrolment": enrolment,
            "course": enrolment.run.course,
            "run": enrolment.run,
            "progress": prog,
            "units": sel.unit_rows(enrolment),
            "practice": sel.practice_rows(enrolment),
            "practice_form": practice_form,
            "form": practice_form if practice_form is not None and practice_form.errors else None,
            "sessions": _sessions(enrolment),
            "session_links": selectors.sees_session_links(actor, enrolment.run),
            "badges": [c for c in credentials if c.kind == CredentialKind.BADGE],
            "certificate": next(
                (c for c in credentials if c.kind == CredentialKind.CERTIFICATE), None
            ),
            "is_learner": learner,
            "sees_work": sel.sees_work(actor, enrolment),
            "can_rejoin": learner and _can_rejoin(actor, enrolment),
            "can_withdraw": enrolment.status == EnrolmentStatus.ACTIVE
            and policies.can_change(actor, enrolment),
            "can_complete_course": learner
            and enrolment.status == EnrolmentStatus.ACTIVE
            and prog["requirements_met"],
            "problems": problems,
        },
    )


@login_required
@require_GET
def enrolment_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    return _render_enrolment(request, sel.access_enrolment(request.actor, uuid))


@login_required
@require_POST
def practice_add(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    enrolment = sel.access_enrolment(actor, uuid)
    _learner_only(request, enrolment)
    form = forms.PracticeEntryForm(request.POST)
    if form.is_valid():
        try:
            learning.add_practice_entry(
                actor,
                enrolment,
                on=form.cleaned_data["on"],
                hours=form.cleaned_data["hours"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Practice hours added.")
            return redirect(
                reverse("training:enrolment_detail", args=[enrolment.uuid]) + "#practice"
            )
    return _render_enrolment(request, enrolment, practice_form=form)


@login_required
@require_POST
def practice_delete(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    entry = sel.access_practice_entry(actor, uuid, for_write=True)
    enrolment = entry.enrolment
    learning.delete_practice_entry(actor, entry)
    messages.success(request, "Practice entry removed.")
    return redirect(reverse("training:enrolment_detail", args=[enrolment.uuid]) + "#practice")


@login_required
@require_POST
def course_complete(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    enrolment = sel.access_enrolment(actor, uuid)
    _learner_only(request, enrolment)
    try:
        learning.complete_course(actor, enrolment)
    except ValidationError as exc:
        return _render_enrolment(request, enrolment, problems=_messages_of(exc))
    messages.success(request, f"Congratulations: you have completed {enrolment.run.course}.")
    return redirect(enrolment)


# --- a unit ----------------------------------------------------------------------------


def _render_unit(
    request: HttpRequest,
    enrolment: Any,
    module: Any,
    *,
    bound: dict[int, Any] | None = None,
    answer_errors: dict[int, tuple[str, list[str]]] | None = None,
    problems: list[str] | None = None,
) -> HttpResponse:
    actor = request.actor
    learner = sel.is_learner(actor, enrolment)
    state = sel.module_state(enrolment, module)
    answers = sel.answers_of(actor, enrolment)
    attempts: dict[int, list[Any]] = {}
    for s in sel.submissions_of(actor, enrolment):
        attempts.setdefault(s.activity_id, []).append(s)
    bound = bound or {}
    answer_errors = answer_errors or {}
    active = enrolment.status != EnrolmentStatus.WITHDRAWN
    items = []
    for activity in sel.activities_of(module):
        item: dict[str, Any] = {"activity": activity}
        if activity.kind == ActivityKind.REFLECTION:
            answer = answers.get(activity.pk)
            text, errors = answer_errors.get(activity.pk, (answer.text if answer else "", []))
            item.update(answer=answer, text=text, errors=errors)
        else:
            tries = attempts.get(activity.pk, [])
            latest = tries[0] if tries else None
            can_submit = (
                learner
                and active
                and state in (sel.OPEN, sel.COMPLETED)
                and (latest is None or latest.outcome == "not_yet_met")
            )
            form = bound.get(activity.pk)
            if form is None and can_submit:
                cls = (
                    forms.ProjectForm
                    if activity.kind == ActivityKind.PROJECT
                    else forms.SubmissionForm
                )
                form = cls(activity=activity)
            item.update(attempts=tries, latest=latest, can_submit=can_submit, form=form)
            if activity.kind == ActivityKind.PROJECT:
                item["sections"] = project.SECTIONS
        items.append(item)
    error_list = list(problems or [])
    for _text, errors in answer_errors.values():
        error_list += errors
    for form in bound.values():
        for field in form:
            error_list += [f"{field.label}: {e}" for e in field.errors]
        error_list += list(form.non_field_errors())
    return render(
        request,
        "training/learn_module.html",
        {
            "enrolment": enrolment,
            "course": enrolment.run.course,
            "module": module,
            "state": state,
            "opens_on": sel.state_opens_on(state),
            "previous": sel.previous_module(enrolment, module),
            "pages": list(module.pages.order_by("position", "pk")),
            "items": items,
            "is_learner": learner,
            "active": active,
            "can_enter": state in (sel.OPEN, sel.COMPLETED),
            "missing": learning.missing_for(enrolment, module) if state == sel.OPEN else [],
            "problems": problems,
            "error_list": error_list,
            "completion": sel.completions_of(enrolment).get(module.pk),
        },
        status=200,
    )


@login_required
@require_GET
def learn_module(request: HttpRequest, uuid: str, module_uuid: str) -> HttpResponse:
    enrolment = sel.access_learning(request.actor, uuid)
    return _render_unit(request, enrolment, sel.module_of(enrolment, module_uuid))


@login_required
@require_POST
def answer_save(request: HttpRequest, uuid: str, activity_uuid: str) -> HttpResponse:
    """Save a reflective answer: htmx autosave (answers the status line) or the Save button."""
    actor = request.actor
    enrolment = sel.access_learning(actor, uuid)
    activity = sel.activity_of(enrolment, activity_uuid)
    _learner_only(request, enrolment)
    text = request.POST.get("text", "")
    try:
        answer = learning.save_answer(actor, enrolment, activity, text)
    except ValidationError as exc:
        if request.htmx:
            return render(
                request,
                "training/learn_answer_status.html",
                {"activity": activity, "errors": _messages_of(exc)},
            )
        return _render_unit(
            request,
            enrolment,
            activity.module,
            answer_errors={activity.pk: (text, _messages_of(exc))},
        )
    if request.htmx:
        return render(
            request, "training/learn_answer_status.html", {"activity": activity, "answer": answer}
        )
    messages.success(request, f"Your answer to ‘{activity.title}’ is saved.")
    url = reverse("training:learn_module", args=[enrolment.uuid, activity.module.uuid])
    return redirect(f"{url}#activity-{activity.uuid}")


@login_required
@require_POST
def submission_new(request: HttpRequest, uuid: str, activity_uuid: str) -> HttpResponse:
    actor = request.actor
    enrolment = sel.access_learning(actor, uuid)
    activity = sel.activity_of(enrolment, activity_uuid)
    _learner_only(request, enrolment)
    is_project = activity.kind == ActivityKind.PROJECT
    cls = forms.ProjectForm if is_project else forms.SubmissionForm
    form = cls(request.POST, request.FILES, activity=activity)
    if form.is_valid():
        try:
            submission = learning.submit(
                actor,
                enrolment,
                activity,
                text=form.cleaned_data.get("text", ""),
                upload=form.cleaned_data.get("file"),
                sections=form.sections() if is_project else None,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                f"‘{activity.title}’ submitted (attempt {submission.attempt}). "
                "You will get an email when it has been assessed.",
            )
            url = reverse("training:learn_module", args=[enrolment.uuid, activity.module.uuid])
            return redirect(f"{url}#activity-{activity.uuid}")
    return _render_unit(request, enrolment, activity.module, bound={activity.pk: form})


@login_required
@require_POST
def module_complete(request: HttpRequest, uuid: str, module_uuid: str) -> HttpResponse:
    actor = request.actor
    enrolment = sel.access_learning(actor, uuid)
    module = sel.module_of(enrolment, module_uuid)
    _learner_only(request, enrolment)
    try:
        completion = learning.complete_module(actor, enrolment, module)
    except ValidationError as exc:
        return _render_unit(request, enrolment, module, problems=_messages_of(exc))
    if not completion.created:
        messages.info(request, f"{module.title} is already completed.")
    elif enrolment.status == EnrolmentStatus.COMPLETED:
        messages.success(
            request,
            f"You have completed {module.title} and the course {enrolment.run.course}. "
            "Congratulations!",
        )
    else:
        messages.success(request, f"You have completed {module.title}.")
    return redirect(enrolment)


# --- assessment ------------------------------------------------------------------------


@login_required
@require_GET
def assessments(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    if not course_staff_of(actor):
        raise PermissionDenied("Only trainers, tutors and coordinators assess work")
    return render(
        request,
        "training/assessment_queue.html",
        {"submissions": list(sel.assessment_queue(actor))},
    )


def _render_submission(request: HttpRequest, submission: Any, form: Any = None) -> HttpResponse:
    actor = request.actor
    can = sel.can_assess(actor, submission)
    if form is None and can:
        form = forms.AssessForm()
    others = [
        s
        for s in sel.submissions_of(actor, submission.enrolment, submission.activity)
        if s.pk != submission.pk
    ]
    sections = [
        {"section": s, "text": submission.sections.get(s.key, "")}
        for s in project.SECTIONS
        if submission.activity.kind == ActivityKind.PROJECT
    ]
    return render(
        request,
        "training/submission_detail.html",
        {
            "submission": submission,
            "enrolment": submission.enrolment,
            "activity": submission.activity,
            "sections": sections,
            "others": others,
            "can_assess": can,
            "assess_form": form,
            "form": form if form is not None and form.errors else None,
            "is_learner": sel.is_learner(actor, submission.enrolment),
        },
    )


@login_required
def submission_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    submission = sel.access_submission(actor, uuid)
    if request.method != "POST":
        return _render_submission(request, submission)
    if not sel.can_assess(actor, submission):
        if submission.outcome:
            messages.error(request, "This attempt has already been assessed; it does not change.")
            return redirect(submission)
        raise PermissionDenied("Only the course's trainers, tutors and coordinators assess work")
    form = forms.AssessForm(bound_data(request))
    if form.is_valid():
        try:
            learning.assess(
                actor,
                submission,
                outcome=form.cleaned_data["outcome"],
                feedback=form.cleaned_data["feedback"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, f"Assessment saved. {submission.enrolment.person} has been told by email."
            )
            return redirect("training:assessments")
    return _render_submission(request, submission, form)


@login_required
@require_GET
def submission_file(request: HttpRequest, uuid: str) -> HttpResponse:
    submission = sel.access_submission(request.actor, uuid)
    if not submission.file:
        raise Http404("No file was attached")
    try:
        handle = submission.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The file is missing") from exc
    return FileResponse(handle, as_attachment=True, filename=submission.file_name or "submission")
