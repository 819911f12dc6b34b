"""Pages for the course catalogue and for building courses (thin: parse, call, render)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from tandem.core.forms import apply_errors, bound_data
from tandem.organisations import selectors as org_selectors
from tandem.training import course_forms as forms
from tandem.training import courses as services
from tandem.training import learning_selectors, selectors
from tandem.training.models import CourseStatus, ReleaseMode

# The run page lists this many learners at most (and says how many there are in all).
LEARNERS_SHOWN = 200


class Link:
    """Somewhere to go back to that is not a record."""

    def __init__(self, label: str, url: str) -> None:
        self.label, self.url = label, url

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return self.url


def _apply(form: Any, exc: ValidationError) -> None:
    """Service errors onto the form's fields (renamed where the form names them so)."""
    if hasattr(exc, "error_dict"):
        renamed: dict[str, Any] = {}
        for key, errors in exc.error_dict.items():
            renamed.setdefault(form.FIELD_OF.get(key, key), []).extend(errors)
        exc = ValidationError(renamed)
    apply_errors(form, exc)


def _note(request: HttpRequest, obj: Any) -> None:
    note = getattr(obj, "cleaning_note", "")
    if note:
        messages.warning(request, note)


def _form_page(request: HttpRequest, form: Any, **context: Any) -> HttpResponse:
    return render(request, "training/course_form.html", {"form": form, **context})


def _confirm_page(request: HttpRequest, **context: Any) -> HttpResponse:
    return render(request, "training/course_confirm.html", context)


def _delete_page(
    request: HttpRequest,
    delete: Any,
    *,
    done: str,
    then: Any,
    problem: str = "",
    **confirm: Any,
) -> HttpResponse:
    """Ask before deleting; on POST delete, say ``done`` and go to ``then``. A refusal
    from the service (someone has worked on it) is shown on the same page."""
    if request.method == "POST" and not problem:
        try:
            delete()
        except ValidationError as exc:
            problem = _error_message(exc)
        else:
            messages.success(request, done)
            return redirect(then)
    return _confirm_page(request, problem=problem, **confirm)


def _error_message(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- the catalogue -------------------------------------------------------------------------


@login_required
def courses(request: HttpRequest) -> HttpResponse:
    """Courses open for enrolment, and the courses the actor runs."""
    actor = request.actor
    return render(
        request,
        "training/catalogue.html",
        {
            "rows": selectors.catalogue(actor),
            "run_by_you": list(selectors.courses_run_by(actor)),
            "builder_organisations": selectors.builder_organisations(actor),
            "is_staff": bool(selectors.course_staff_of(actor)),
        },
    )


# --- courses -------------------------------------------------------------------------------


@login_required
def course_new(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    organisation = org_selectors.access_organisation(actor, uuid)
    if not selectors.can_build_for(actor, organisation.pk):
        raise PermissionDenied(
            f"Only the trainers and coordinators of {organisation} build its courses"
        )
    form = forms.CourseForm(
        bound_data(request),
        initial={
            "glh": 0,
            "practice_hours_required": 0,
            "release_mode": ReleaseMode.ALL_AT_ONCE,
            "enrolment_mode": "rolling",
            "completion_rule": "all",
            "awards_certificate": True,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            course = services.create_course(actor, organisation, **form.service_data())
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(
                request, f"{course} is saved as a draft. Add its units and a run, then publish it."
            )
            _note(request, course)
            return redirect(course)
    return _form_page(
        request,
        form,
        title="New course",
        caption=organisation.name,
        back=Link("courses", reverse("training:courses")),
        submit="Save as draft",
        groups=form.groups(),
        intro="Learners see the course once you publish it. You can change everything later.",
    )


@login_required
def course_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    course = selectors.access_course(actor, uuid)
    can_build = selectors.can_build(actor, course)
    is_staff = selectors.is_course_staff(actor, course)
    runs = selectors.run_rows(actor, course)
    return render(
        request,
        "training/course_detail.html",
        {
            "course": course,
            "units": list(selectors.units_of(actor, course)),
            "runs": runs,
            "open_run_ids": {r.pk for r in selectors.open_runs(actor, course)},
            "sessions": list(selectors.sessions_of_course(actor, course)),
            "can_build": can_build,
            "is_staff": is_staff,
            "publish_problems": services.publish_problems(course)
            if can_build and course.status != CourseStatus.PUBLISHED
            else [],
        },
    )


@login_required
def course_edit(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    course = selectors.access_course(actor, uuid, for_write=True)
    form = forms.CourseForm(bound_data(request), initial=forms.CourseForm.initial_for(course))
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data.get("version") or 0
        try:
            course = services.edit_course(
                actor, course, expected_version=version, **form.service_data()
            )
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, "Course saved.")
            _note(request, course)
            return redirect(course)
    return _form_page(
        request,
        form,
        title=f"Edit {course}",
        caption=course.organisation.name,
        back=course,
        submit="Save course",
        groups=form.groups(),
    )


@login_required
@require_POST
def course_publish(request: HttpRequest, uuid: str) -> HttpResponse:
    course = selectors.access_course(request.actor, uuid, for_write=True)
    try:
        services.publish_course(request.actor, course)
    except ValidationError as exc:
        messages.error(request, _error_message(exc))
    else:
        messages.success(request, f"{course} is published: learners can now find it and enrol.")
    return redirect(course)


@login_required
@require_POST
def course_archive(request: HttpRequest, uuid: str) -> HttpResponse:
    course = selectors.access_course(request.actor, uuid, for_write=True)
    try:
        services.archive_course(request.actor, course)
    except ValidationError as exc:
        messages.error(request, _error_message(exc))
    else:
        messages.success(
            request,
            f"{course} is archived: nobody new can enrol. Learners on it can still finish.",
        )
    return redirect(course)


# --- runs ----------------------------------------------------------------------------------


@login_required
def run_new(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    course = selectors.access_course(actor, uuid, for_write=True)
    form = forms.RunForm(bound_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            run = services.add_run(actor, course, **form.service_data())
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, f"Run {run.name} added.")
            return redirect(run)
    return _form_page(
        request,
        form,
        title="Add a run",
        caption=course.title,
        back=course,
        submit="Add run",
        intro="A run sets when learners can enrol and when the course starts. "
        + (
            "Learners join any time enrolment is open."
            if course.enrolment_mode == "rolling"
            else "Learners start together on the start date."
        ),
    )


@login_required
def run_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    run = selectors.access_run(actor, uuid)
    course = run.course
    is_staff = selectors.is_course_staff(actor, course)
    row = next((r for r in selectors.run_rows(actor, course) if r.run.pk == run.pk), None)
    learners = selectors.enrolments_of_run(actor, run)
    return render(
        request,
        "training/run_detail.html",
        {
            "run": run,
            "course": course,
            "row": row,
            "is_open": selectors.open_runs(actor, course).filter(pk=run.pk).exists(),
            "sessions": list(selectors.sessions_of_run(actor, run)),
            "can_build": selectors.can_build(actor, course),
            "is_staff": is_staff,
            "enrolled": selectors.enrolled_count(actor, run) if is_staff else None,
            "has_enrolments": run.enrolments.exists(),
            "enrolments": list(learners[:LEARNERS_SHOWN]) if is_staff else [],
            "enrolments_total": learners.count() if is_staff else 0,
        },
    )


@login_required
def run_edit(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    run = selectors.access_run(actor, uuid, for_write=True)
    initial = {name: getattr(run, name) for name in services.RUN_FIELDS}
    form = forms.RunForm(bound_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_run(actor, run, **form.service_data())
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, "Run saved.")
            return redirect(run)
    return _form_page(
        request, form, title=f"Edit {run.name}", caption=run.course.title, back=run, submit="Save"
    )


@login_required
def run_delete(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    run = selectors.access_run(actor, uuid, for_write=True)
    return _delete_page(
        request,
        lambda: services.delete_run(actor, run),
        done=f"Run {run.name} deleted.",
        then=run.course,
        title=f"Delete the run {run.name}?",
        caption=run.course.title,
        back=run,
        body="The run and its live sessions are removed. This cannot be undone.",
        submit="Delete run",
    )


# --- units ---------------------------------------------------------------------------------


def _scheduled(course: Any) -> bool:
    return course.release_mode == ReleaseMode.SCHEDULED


@login_required
def module_new(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    course = selectors.access_course(actor, uuid, for_write=True)
    form = forms.ModuleForm(
        bound_data(request),
        initial={"kind": "module", "glh": 0, "release_after_days": 0, "awards_badge": True},
        scheduled=_scheduled(course),
    )
    if request.method == "POST" and form.is_valid():
        try:
            module = services.add_module(actor, course, **form.service_data())
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, f"{module} added. Now add its pages and activities.")
            return redirect(module)
    return _form_page(
        request, form, title="Add a unit", caption=course.title, back=course, submit="Add unit"
    )


@login_required
def module_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    module = selectors.access_module(actor, uuid)
    course = module.course
    is_staff = selectors.is_course_staff(actor, course)
    units = list(selectors.units_of(actor, course))
    index = next((i for i, u in enumerate(units) if u.pk == module.pk), 0)
    enrolment = next(
        (r.enrolment for r in selectors.run_rows(actor, course) if r.enrolment is not None), None
    )
    return render(
        request,
        "training/module_detail.html",
        {
            "module": module,
            "course": course,
            "is_staff": is_staff,
            "can_build": selectors.can_build(actor, course),
            "scheduled": _scheduled(course),
            "pages": list(selectors.pages_of(actor, module)) if is_staff else [],
            "activities": list(selectors.activities_of(actor, module)) if is_staff else [],
            "is_first": index == 0,
            "is_last": index == len(units) - 1,
            "previous": units[index - 1] if index > 0 else None,
            "enrolment": enrolment,
            "delete_problem": services.module_delete_problem(module) if is_staff else "",
        },
    )


@login_required
def module_edit(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    module = selectors.access_module(actor, uuid, for_write=True)
    initial = {name: getattr(module, name) for name in services.MODULE_FIELDS}
    form = forms.ModuleForm(
        bound_data(request), initial=initial, scheduled=_scheduled(module.course)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_module(actor, module, **form.service_data())
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, "Unit saved.")
            return redirect(module)
    return _form_page(
        request,
        form,
        title=f"Edit {module}",
        caption=module.course.title,
        back=module,
        submit="Save unit",
    )


@login_required
@require_POST
def module_move(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    module = selectors.access_module(actor, uuid, for_write=True)
    try:
        services.move_module(actor, module, request.POST.get("direction", ""))
    except ValidationError as exc:
        messages.error(request, _error_message(exc))
    else:
        messages.success(request, f"{module} moved {request.POST.get('direction')}.")
    target = request.POST.get("next")
    if target == "unit":
        return redirect(module)
    return redirect(
        reverse("training:course_detail", kwargs={"uuid": module.course.uuid}) + "#units"
    )


@login_required
def module_delete(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    module = selectors.access_module(actor, uuid, for_write=True)
    return _delete_page(
        request,
        lambda: services.delete_module(actor, module),
        done=f"{module} deleted.",
        then=module.course,
        problem=services.module_delete_problem(module),
        title=f"Delete {module}?",
        caption=module.course.title,
        back=module,
        body="The unit, its pages, files and activities are removed. This cannot be undone.",
        submit="Delete unit",
    )


# --- content pages -------------------------------------------------------------------------


@login_required
def page_new(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    module = selectors.access_module(actor, uuid, for_write=True)
    form = forms.PageForm(bound_data(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            page = services.add_page(actor, module, **form.service_data())
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, f"Page {page.title} added.")
            _note(request, page)
            return redirect(module)
    return _form_page(
        request,
        form,
        title="Add a page",
        caption=f"{module.course.title}: {module.title}",
        back=module,
        submit="Add page",
        multipart=True,
    )


@login_required
def page_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    """The page as learners see it, for its course's staff."""
    actor = request.actor
    page = selectors.access_page(actor, uuid)
    module = page.module
    if not selectors.is_course_staff(actor, module.course):
        raise PermissionDenied("Open the page from your course, where it opens on time")
    return render(
        request,
        "training/page_detail.html",
        {"page": page, "module": module, "can_build": selectors.can_build(actor, module.course)},
    )


@login_required
def page_edit(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    page = selectors.access_page(actor, uuid, for_write=True)
    form = forms.PageForm(
        bound_data(request),
        request.FILES or None,
        initial=forms.PageForm.initial_for(page),
        current_file=page.attachment_name if page.attachment else "",
    )
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        data["remove_attachment"] = bool(data.get("remove_attachment"))
        try:
            page = services.edit_page(actor, page, **data)
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, "Page saved.")
            _note(request, page)
            return redirect(page.module)
    return _form_page(
        request,
        form,
        title=f"Edit {page.title}",
        caption=f"{page.module.course.title}: {page.module.title}",
        back=page.module,
        submit="Save page",
        multipart=True,
    )


@login_required
def page_delete(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    page = selectors.access_page(actor, uuid, for_write=True)
    return _delete_page(
        request,
        lambda: services.delete_page(actor, page),
        done=f"Page {page.title} deleted.",
        then=page.module,
        title=f"Delete the page {page.title}?",
        caption=page.module.title,
        back=page.module,
        body="The page and its file are removed. This cannot be undone.",
        submit="Delete page",
    )


@login_required
def page_file(request: HttpRequest, uuid: str) -> FileResponse:
    """A page's file: for the course's staff, and for learners on the course once the
    unit has opened for them (404 for everyone else, as if it did not exist)."""
    actor = request.actor
    page = selectors.access_page(actor, uuid)
    module = page.module
    if not selectors.is_course_staff(actor, module.course) and not (
        learning_selectors.learner_may_open(actor, module)
    ):
        raise Http404("No file found")
    if not page.attachment:
        raise Http404("This page has no file")
    try:
        handle = page.attachment.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing") from None
    return FileResponse(handle, as_attachment=True, filename=page.attachment_name or "file")


# --- activities ----------------------------------------------------------------------------


@login_required
def activity_new(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    module = selectors.access_module(actor, uuid, for_write=True)
    form = forms.ActivityForm(bound_data(request), initial={"required": True})
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.add_activity(actor, module, **form.service_data())
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, f"Activity {activity.title} added.")
            return redirect(module)
    return _form_page(
        request,
        form,
        title="Add an activity",
        caption=f"{module.course.title}: {module.title}",
        back=module,
        submit="Add activity",
        intro="Reflective questions are complete once answered. Assignments and projects are "
        "complete once a tutor assesses them as met.",
    )


@login_required
def activity_edit(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    activity = selectors.access_activity(actor, uuid, for_write=True)
    initial = {name: getattr(activity, name) for name in services.ACTIVITY_FIELDS}
    form = forms.ActivityForm(bound_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_activity(actor, activity, **form.service_data())
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, "Activity saved.")
            return redirect(activity.module)
    return _form_page(
        request,
        form,
        title=f"Edit {activity.title}",
        caption=activity.module.title,
        back=activity.module,
        submit="Save activity",
    )


@login_required
def activity_delete(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    activity = selectors.access_activity(actor, uuid, for_write=True)
    return _delete_page(
        request,
        lambda: services.delete_activity(actor, activity),
        done=f"Activity {activity.title} deleted.",
        then=activity.module,
        title=f"Delete the activity {activity.title}?",
        caption=activity.module.title,
        back=activity.module,
        body="This cannot be undone.",
        submit="Delete activity",
    )


# --- live sessions -------------------------------------------------------------------------


def _units(actor: Any, course: Any) -> Any:
    return selectors.units_of(actor, course)


@login_required
def session_new(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    run = selectors.access_run(actor, uuid, for_write=True)
    form = forms.SessionForm(
        bound_data(request),
        initial={"duration_minutes": 60, "date": run.starts_on},
        units=_units(actor, run.course),
    )
    if request.method == "POST" and form.is_valid():
        try:
            session = services.add_session(actor, run, **form.service_data())
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, f"Live session {session.title} added.")
            return redirect(run)
    return _form_page(
        request,
        form,
        title="Add a live session",
        caption=f"{run.course.title}: {run.name}",
        back=run,
        submit="Add session",
        intro="Times are UK time.",
    )


@login_required
def session_edit(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    session = selectors.access_session(actor, uuid, for_write=True)
    run = session.run
    form = forms.SessionForm(
        bound_data(request),
        initial=forms.SessionForm.initial_for(session),
        units=_units(actor, run.course),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_session(actor, session, **form.service_data())
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, "Live session saved.")
            return redirect(run)
    return _form_page(
        request,
        form,
        title=f"Edit {session.title}",
        caption=f"{run.course.title}: {run.name}",
        back=run,
        submit="Save session",
        intro="Times are UK time.",
    )


@login_required
def session_recording(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    session = selectors.access_session(actor, uuid, for_write=True)
    form = forms.RecordingForm(
        bound_data(request), initial={"recording_url": session.recording_url}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.add_recording(actor, session, form.cleaned_data["recording_url"])
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, f"Recording of {session.title} added.")
            return redirect(session.run)
    return _form_page(
        request,
        form,
        title=f"Add the recording of {session.title}",
        caption=f"{session.run.course.title}: {session.run.name}",
        back=session.run,
        submit="Save recording",
    )


@login_required
def session_delete(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    session = selectors.access_session(actor, uuid, for_write=True)
    return _delete_page(
        request,
        lambda: services.delete_session(actor, session),
        done=f"Live session {session.title} deleted.",
        then=session.run,
        title=f"Delete the live session {session.title}?",
        caption=session.run.name,
        back=session.run,
        body="This cannot be undone.",
        submit="Delete session",
    )
