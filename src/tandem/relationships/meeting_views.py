"""Pages for the meeting log (D3), time (D7) and calendar feeds (D9). Thin: parse, call, render."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from tandem.core import policies
from tandem.core.forms import apply_errors, bound_data
from tandem.organisations import selectors as org_selectors
from tandem.relationships import calendar_feed, meetings, time_records
from tandem.relationships import meeting_forms as forms
from tandem.relationships import meeting_selectors as sel
from tandem.relationships.models import Meeting, MeetingStatus, Mentorship
from tandem.relationships.selectors import access_mentorship

# --- helpers ---------------------------------------------------------------------------


def _access_content(actor: Any, uuid: Any) -> Mentorship:
    """A mentorship whose meetings the actor may read (the pair, the mentee's staff)."""
    mentorship = access_mentorship(actor, uuid)
    if not sel.sees_meetings(actor, mentorship):
        raise Http404("No mentorship found")
    return mentorship


def _apply(form: Any, formset: Any, rows: list[int], exc: ValidationError) -> None:
    """Service errors onto the form's fields, and ``actions.N.field`` onto action rows."""
    if not hasattr(exc, "error_dict"):
        apply_errors(form, exc)
        return
    plain: dict[str, Any] = {}
    for key, errors in exc.error_dict.items():
        if key.startswith("actions.") and formset is not None:
            _, index, field = key.split(".", 2)
            row_form = formset.forms[rows[int(index)]]
            for e in errors:
                for message in e.messages:
                    row_form.add_error(field if field in row_form.fields else None, message)
        else:
            plain[getattr(form, "FIELD_OF", {}).get(key, key)] = errors
    if plain:
        apply_errors(form, ValidationError(plain))


def _action_rows(formset: Any) -> tuple[list[dict[str, Any]], list[int]]:
    """The non-blank action rows and the index of the form each came from."""
    out, where = [], []
    for i, f in enumerate(formset.forms):
        if getattr(f, "cleaned_data", None) is None or f.is_blank():
            continue
        if formset.can_delete and f.cleaned_data.get("DELETE"):
            continue
        out.append(f.row())
        where.append(i)
    return out, where


def _with_row_added(data: Any, prefix: str = "actions") -> Any:
    data = data.copy()
    total = int(data.get(f"{prefix}-TOTAL_FORMS") or 0)
    data[f"{prefix}-TOTAL_FORMS"] = str(min(total + 1, 20))
    return data


def _other_party(actor: Any, mentorship: Mentorship) -> Any:
    if actor.person_id == mentorship.mentor_id:
        return mentorship.mentee
    if actor.person_id == mentorship.mentee_id:
        return mentorship.mentor
    return None


def _has_errors(form: Any, formset: Any) -> bool:
    return bool(form.errors) or (formset is not None and any(f.errors for f in formset.forms))


# --- the mentorship's meetings ---------------------------------------------------------


@login_required
def meeting_list(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    mentorship = _access_content(actor, uuid)
    rows = list(sel.meetings_of(actor, mentorship).prefetch_related("actions__owner"))
    return render(
        request,
        "relationships/meeting_list.html",
        {
            "mentorship": mentorship,
            "groups": sel.split_meetings(rows),
            "count": len(rows),
            "can_log": meetings.can_log(actor, mentorship),
            "sees_time": sel.can_see_time(actor, mentorship),
        },
    )


@login_required
def meeting_new(request: HttpRequest, uuid: str) -> HttpResponse:
    """Log a held meeting: one page, defaults filled, one button."""
    actor = request.actor
    mentorship = _access_content(actor, uuid)
    if not meetings.can_log(actor, mentorship):
        raise PermissionDenied("Only the mentor, the mentee and their coordinators log meetings")
    start = meetings.default_start()
    initial = {
        "date": start.date(),
        "start_time": start.time(),
        "duration": "60",
        "mode": "face_to_face",
    }
    data = bound_data(request)
    adding = data is not None and "add_action" in data
    if adding:
        data = _with_row_added(data)
    form = forms.MeetingForm(data, initial=initial)
    formset = forms.ActionFormSet(data, prefix="actions", form_kwargs={"mentorship": mentorship})
    if data is not None and not adding:
        valid = form.is_valid() & formset.is_valid()
        if valid:
            rows, where = _action_rows(formset)
            try:
                meetings.log_meeting(actor, mentorship, actions=rows, **form.service_fields())
            except ValidationError as exc:
                _apply(form, formset, where, exc)
            else:
                other = _other_party(actor, mentorship)
                messages.success(
                    request,
                    f"Meeting logged. {other} is asked to confirm it."
                    if other
                    else "Meeting logged. The mentor and mentee are asked to confirm it.",
                )
                return redirect("relationships:meeting_list", uuid=mentorship.uuid)
    return render(
        request,
        "relationships/meeting_form.html",
        {
            "mentorship": mentorship,
            "form": form,
            "formset": formset,
            "failed": _has_errors(form, formset),
            "title": "Log a meeting",
            "button": "Save the meeting",
        },
    )


@login_required
def meeting_plan(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    mentorship = _access_content(actor, uuid)
    if not meetings.can_log(actor, mentorship):
        raise PermissionDenied("Only the mentor, the mentee and their coordinators plan meetings")
    form = forms.PlanForm(bound_data(request), initial={"duration": "60", "mode": "face_to_face"})
    if request.method == "POST" and form.is_valid():
        try:
            meeting = meetings.plan_meeting(actor, mentorship, **form.service_fields())
        except ValidationError as exc:
            _apply(form, None, [], exc)
        else:
            messages.success(
                request,
                f"Meeting planned for {timezone.localtime(meeting.starts_at):%-d %B %Y at %H:%M}. "
                "You have both been sent a calendar invitation.",
            )
            return redirect("relationships:meeting_list", uuid=mentorship.uuid)
    return render(
        request,
        "relationships/meeting_plan.html",
        {"mentorship": mentorship, "form": form, "failed": bool(form.errors)},
    )


# --- one meeting -----------------------------------------------------------------------


def _render_meeting(
    request: HttpRequest, meeting: Meeting, *, note_form: Any = None
) -> HttpResponse:
    actor = request.actor
    mentorship = meeting.mentorship
    can_note = meetings.can_add_note(actor, meeting)
    if note_form is None and can_note:
        note_form = forms.PrivateNoteForm()
    return render(
        request,
        "relationships/meeting_detail.html",
        {
            "meeting": meeting,
            "mentorship": mentorship,
            "actions": list(sel.actions_of(actor, meeting)),
            # The policy returns nothing to anyone outside the pair.
            "notes": list(sel.private_notes_of(actor, meeting)),
            "note_form": note_form,
            "form": note_form if note_form is not None and note_form.errors else None,
            "can_note": can_note,
            "can_confirm": meetings.can_confirm(actor, meeting),
            "can_change": policies.can_change(actor, meeting),
            "is_pair": meetings.is_pair(actor, mentorship),
        },
    )


@login_required
def meeting_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    return _render_meeting(request, sel.access_meeting(request.actor, uuid))


@login_required
def meeting_edit(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    meeting = sel.access_meeting(actor, uuid, for_write=True)
    mentorship = meeting.mentorship
    local = timezone.localtime(meeting.starts_at)
    nxt = timezone.localtime(meeting.next_meeting_at) if meeting.next_meeting_at else None
    initial = {
        "status": meeting.status,
        "date": local.date(),
        "start_time": local.time(),
        "duration": str(meeting.duration_minutes),
        "mode": meeting.mode,
        "location": meeting.location,
        "topics": meeting.topics,
        "next_date": nxt.date() if nxt else None,
        "next_time": nxt.time() if nxt else None,
        "version": meeting.version,
    }
    action_initial = [
        {
            "uuid": a.uuid,
            "description": a.description,
            "due_on": a.due_on,
            "owner": "mentor" if a.owner_id == mentorship.mentor_id else "mentee",
        }
        for a in sel.actions_of(actor, meeting)
    ]
    data = bound_data(request)
    adding = data is not None and "add_action" in data
    if adding:
        data = _with_row_added(data)
    form = forms.EditMeetingForm(data, initial=initial)
    formset = forms.EditActionFormSet(
        data, prefix="actions", initial=action_initial, form_kwargs={"mentorship": mentorship}
    )
    if data is not None and not adding and form.is_valid() & formset.is_valid():
        rows, where = _action_rows(formset)
        try:
            meetings.update_meeting(
                actor,
                meeting,
                expected_version=form.cleaned_data["version"],
                actions=rows if form.cleaned_data["status"] == MeetingStatus.HELD else None,
                **form.service_fields(),
            )
        except ValidationError as exc:
            _apply(form, formset, where, exc)
        else:
            messages.success(request, "Meeting saved.")
            return redirect(meeting)
    return render(
        request,
        "relationships/meeting_form.html",
        {
            "mentorship": mentorship,
            "meeting": meeting,
            "form": form,
            "formset": formset,
            "failed": _has_errors(form, formset),
            "title": "Change the meeting",
            "button": "Save changes",
        },
    )


@login_required
@require_POST
def meeting_confirm(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    meeting = sel.access_meeting(actor, uuid)
    if not meetings.is_pair(actor, meeting.mentorship):
        raise PermissionDenied("Only the mentor and the mentee confirm a meeting record")
    try:
        meetings.confirm_meeting(actor, meeting)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Thank you: you have confirmed this record.")
    return redirect(meeting)


@login_required
@require_POST
def meeting_note_add(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    meeting = sel.access_meeting(actor, uuid)
    if not meetings.can_add_note(actor, meeting):
        raise Http404("No meeting found")  # private notes do not exist for anyone else
    form = forms.PrivateNoteForm(request.POST)
    if form.is_valid():
        try:
            meetings.add_private_note(actor, meeting, form.cleaned_data["text"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Private note added. Only the two of you can read it.")
            return redirect(meeting)
    return _render_meeting(request, meeting, note_form=form)


@login_required
@require_POST
def action_done(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    action = sel.access_action(actor, uuid, for_write=True)
    meetings.set_action_done(actor, action, done=request.POST.get("done", "1") != "0")
    messages.success(request, f"Action ‘{action.description}’ updated.")
    return redirect(action.meeting)


# --- time ------------------------------------------------------------------------------


def _on(request: HttpRequest) -> date:
    try:
        return date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        return timezone.localdate()


@login_required
def mentorship_time(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    mentorship = sel.access_time(actor, uuid)
    year = sel.academic_year(mentorship, _on(request))
    can_add = time_records.can_add_time(actor, mentorship)
    form = None
    if can_add:
        form = forms.TimeEntryForm(
            bound_data(request), initial={"on": timezone.localdate(), "kind": "preparation"}
        )
        if request.method == "POST" and form.is_valid():
            try:
                entry = time_records.add_time_entry(actor, mentorship, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"{time_records.hours(entry.minutes)} of "
                    f"{entry.get_kind_display().lower()} recorded.",
                )
                return redirect("relationships:mentorship_time", uuid=mentorship.uuid)
    elif request.method == "POST":
        raise PermissionDenied("Only the mentor, the mentee and their coordinators record time")
    summary = sel.time_summary(actor, mentorship, year)
    entries = list(sel.time_entries_of(actor, mentorship, year))
    return render(
        request,
        "relationships/time_mentorship.html",
        {
            "mentorship": mentorship,
            "year": year,
            "summary": summary,
            "words": summary.as_words(),
            "entries": [
                (e, time_records.hours(e.minutes), policies.can_change(actor, e)) for e in entries
            ],
            "form": form,
            "failed": bool(form is not None and form.errors),
            "sees_meetings": sel.sees_meetings(actor, mentorship),
        },
    )


@login_required
@require_POST
def time_entry_delete(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    entry = sel.access_time_entry(actor, uuid, for_write=True)
    mentorship = entry.mentorship
    time_records.delete_time_entry(actor, entry)
    messages.success(request, "Time entry removed.")
    return redirect("relationships:mentorship_time", uuid=mentorship.uuid)


def _organisation_for_time(actor: Any, uuid: str) -> Any:
    organisation = org_selectors.access_organisation(actor, uuid)
    if not sel.can_see_organisation_time(actor, organisation):
        raise PermissionDenied("Only the organisation's coordinators see its time summary")
    return organisation


@login_required
def organisation_time(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    organisation = _organisation_for_time(actor, uuid)
    on = _on(request)
    year = sel.default_year(on)
    rows = sel.organisation_time(actor, organisation, year)
    totals = {
        key: sum(r[key] for r in rows)
        for key in ("total_minutes", "allocation_minutes", "payment_due_pence")
    }
    return render(
        request,
        "relationships/time_organisation.html",
        {
            "organisation": organisation,
            "year": year,
            "rows": [
                (
                    r,
                    {
                        k: time_records.hours(r[k])
                        for k in (
                            "total_minutes",
                            "allocation_minutes",
                            "remaining_minutes",
                            "supervision_minutes",
                        )
                    },
                    time_records.pounds(r["payment_due_pence"]),
                )
                for r in rows
            ],
            "totals": {
                "total": time_records.hours(totals["total_minutes"]),
                "allocation": time_records.hours(totals["allocation_minutes"]),
                "payment": time_records.pounds(totals["payment_due_pence"]),
            },
            "on": on,
        },
    )


@login_required
@require_GET
def organisation_time_export(request: HttpRequest, uuid: str, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404("Exports are CSV or XLSX")
    actor = request.actor
    organisation = _organisation_for_time(actor, uuid)
    year = sel.default_year(_on(request))
    data = sel.export_rows(sel.organisation_time(actor, organisation, year))
    name = f"time-{organisation.name.lower().replace(' ', '-')}-{year.starts_on.year}"
    name = "".join(c for c in name if c.isalnum() or c in "-_")
    if fmt == "xlsx":
        response = HttpResponse(
            data.export("xlsx"),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(data.export("csv"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


# --- calendar feeds --------------------------------------------------------------------


@login_required
@never_cache
def account_calendar(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    if actor.person is None:
        raise PermissionDenied("Only people recorded in Tandem have a calendar")
    if request.method == "POST":
        feed, raw = calendar_feed.create_feed(actor)
        url = request.build_absolute_uri(f"/calendar/{raw}.ics")
        # Shown in this response only: the token is never stored, only its hash.
        response = render(
            request, "relationships/calendar_created.html", {"feed": feed, "url": url}
        )
        response["Cache-Control"] = "no-store"
        return response
    feeds = list(sel.my_feeds(actor))
    return render(
        request,
        "relationships/calendar_account.html",
        {
            "active": [f for f in feeds if f.revoked_at is None],
            "revoked": [f for f in feeds if f.revoked_at],
        },
    )


@login_required
@require_POST
def calendar_revoke(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    feed = sel.access_feed(actor, uuid, for_write=True)
    calendar_feed.revoke_feed(actor, feed)
    messages.success(request, "Calendar address revoked. Calendar apps using it stop updating.")
    return redirect("relationships:account_calendar")


@require_GET
def calendar_ics(request: HttpRequest, token: str) -> HttpResponse:
    """The feed itself: no sign-in, the token in the address is the secret."""
    feed = calendar_feed.feed_for_token(token)
    if feed is None:
        raise Http404("No calendar found")
    response = HttpResponse(
        calendar_feed.feed_calendar(feed), content_type="text/calendar; charset=utf-8"
    )
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response
