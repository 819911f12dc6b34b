"""Pages of the CPD record (E4): the record of a year, manual entries, evidence and
exports. Thin: resolve, call training.cpd, render."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from tandem.core.forms import apply_errors, bound_data
from tandem.training import cpd
from tandem.training.cpd_forms import CPDEntryForm


def _person_of(actor: Any) -> Any:
    if actor.person is None:
        raise Http404("Only people recorded in Tandem have a CPD record")
    return actor.person


def _record_url(actor: Any, person: Any, year: int | None = None) -> str:
    if person.pk == actor.person_id:
        url = reverse("training:cpd_record")
    else:
        url = reverse("training:person_cpd", kwargs={"uuid": person.uuid})
    return f"{url}?year={year}" if year is not None else url


def _record_page(request: HttpRequest, person: Any) -> HttpResponse:
    actor = request.actor
    year = cpd.parse_year(request.GET.get("year"))
    record = cpd.cpd_record(actor, person, year)
    previous, following = cpd.previous_and_next(year)
    own = person.pk == actor.person_id
    return render(
        request,
        "training/cpd_record.html",
        {
            "record": record,
            "person": person,
            "own": own,
            "years": [(y, cpd.year_label(y)) for y in cpd.years_around(year)],
            "previous": previous,
            "previous_label": cpd.year_label(previous),
            "following": following,
            "following_label": cpd.year_label(following) if following else "",
            "page_url": _record_url(actor, person),
            "can_add": cpd.can_add_entry_for(actor, person),
            "max_hours": max((h for _, _, h in record.totals.by_activity), default=0),
        },
    )


@login_required
@require_GET
def cpd_record(request: HttpRequest) -> HttpResponse:
    """The signed-in person's own CPD record."""
    return _record_page(request, _person_of(request.actor))


@login_required
@require_GET
def person_cpd(request: HttpRequest, uuid: str) -> HttpResponse:
    """Someone else's record: their coordinators and line managers."""
    person = cpd.access_person_cpd(request.actor, uuid)
    return _record_page(request, person)


# --- manual entries ------------------------------------------------------------------------


def _files(request: HttpRequest) -> Any:
    return request.FILES if request.method == "POST" else None


@login_required
def cpd_entry_new(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    if request.GET.get("person"):
        person = cpd.access_person_cpd(actor, request.GET["person"])
    else:
        person = _person_of(actor)
    organisations = cpd.organisations_for_entries(actor, person)
    if not organisations:
        if person.pk == actor.person_id:
            raise PermissionDenied(
                "You can add CPD entries once you belong to an organisation in Tandem"
            )
        raise PermissionDenied("CPD entries are added by the person or their coordinators")
    form = CPDEntryForm(bound_data(request), _files(request), organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("organisation", None)
        organisation = form.chosen_organisation()
        evidence = data.pop("evidence", None)
        try:
            entry = cpd.add_entry(
                actor, person, organisation=organisation, evidence=evidence, **data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Added '{entry.title}', {entry.hours} hours.")
            return redirect(_record_url(actor, person, cpd.academic_year_of(entry.on)))
    own = person.pk == actor.person_id
    return render(
        request,
        "training/cpd_entry_form.html",
        {
            "form": form,
            "person": person,
            "own": own,
            "title": "Add CPD" if own else f"Add CPD for {person}",
            "submit": "Add to the record",
            "back_url": _record_url(actor, person),
        },
    )


@login_required
def cpd_entry_edit(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    entry = cpd.access_entry(actor, uuid, for_write=True)
    person = entry.person
    initial = {
        "on": entry.on,
        "activity": entry.activity,
        "hours": entry.hours,
        "title": entry.title,
        "description": entry.description,
    }
    form = CPDEntryForm(
        bound_data(request), _files(request), initial=initial, organisations=[], editing=entry
    )
    back = _record_url(actor, person, cpd.academic_year_of(entry.on))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        evidence = data.pop("evidence", None)
        remove = bool(data.pop("remove_evidence", False))
        try:
            cpd.edit_entry(actor, entry, evidence=evidence, remove_evidence=remove, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Saved '{entry.title}'.")
            return redirect(_record_url(actor, person, cpd.academic_year_of(entry.on)))
    return render(
        request,
        "training/cpd_entry_form.html",
        {
            "form": form,
            "person": person,
            "own": person.pk == actor.person_id,
            "entry": entry,
            "title": f"Change '{entry.title}'",
            "submit": "Save changes",
            "back_url": back,
        },
    )


@login_required
def cpd_entry_delete(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    entry = cpd.access_entry(actor, uuid, for_write=True)
    person = entry.person
    back = _record_url(actor, person, cpd.academic_year_of(entry.on))
    if request.method == "POST":
        title = entry.title
        cpd.delete_entry(actor, entry)
        messages.success(request, f"Deleted '{title}' from the CPD record.")
        return redirect(back)
    return render(
        request,
        "training/cpd_entry_delete.html",
        {"entry": entry, "person": person, "back_url": back},
    )


@login_required
@require_GET
def cpd_evidence(request: HttpRequest, uuid: str) -> FileResponse:
    """The evidence of an entry, for whoever may see the entry."""
    entry = cpd.access_entry(request.actor, uuid)
    if not entry.evidence:
        raise Http404("This entry has no evidence attached")
    try:
        handle = entry.evidence.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The evidence file is missing") from exc
    return FileResponse(handle, as_attachment=True, filename=entry.evidence_name or "evidence")


# --- exports -------------------------------------------------------------------------------


def _safe(value: object) -> str:
    """A cell a spreadsheet will not run as a formula."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _export_name(person: Any, year: int, extension: str) -> str:
    who = slugify(str(person)) or "person"
    return f"cpd-{who}-{year}-{(year + 1) % 100:02d}.{extension}"


def _record_for_export(request: HttpRequest, uuid: str, year: int) -> cpd.Record:
    actor = request.actor
    person = cpd.access_person_cpd(actor, uuid)
    if not 2000 <= year <= cpd.academic_year_of(timezone.localdate()) + 1:
        raise Http404("No CPD record for that year")
    return cpd.cpd_record(actor, person, year)


@login_required
@require_GET
def cpd_csv(request: HttpRequest, uuid: str, year: int) -> HttpResponse:
    record = _record_for_export(request, uuid, year)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{_export_name(record.person, year, "csv")}"'
    )
    writer = csv.writer(response)
    writer.writerow(["Date", "Activity", "Title", "Hours", "Source"])
    for row in record.rows:
        writer.writerow(
            [
                row.on.isoformat(),
                row.activity_label,
                _safe(row.title),
                f"{row.hours:.2f}",
                row.source,
            ]
        )
    writer.writerow([])
    writer.writerow(["Totals", f"Academic year {record.label}", "", "", ""])
    for _, label, hours in record.totals.by_activity:
        writer.writerow(["", label, "", f"{hours:.2f}", ""])
    writer.writerow(["", "All activities", "", f"{record.totals.total:.2f}", ""])
    writer.writerow(["", "Target", "", f"{record.totals.target:.2f}", ""])
    return response


def pdf_html(record: cpd.Record) -> str:
    return render_to_string(
        "training/cpd_pdf.html", {"record": record, "printed_on": timezone.localdate()}
    )


@login_required
@require_GET
def cpd_pdf(request: HttpRequest, uuid: str, year: int) -> HttpResponse:
    from weasyprint import HTML

    record = _record_for_export(request, uuid, year)
    pdf = HTML(string=pdf_html(record)).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{_export_name(record.person, year, "pdf")}"'
    )
    return response
