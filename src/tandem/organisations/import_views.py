"""Pages for importing people from a spreadsheet (A3): upload, check, apply.

The uploaded file is kept between the check and the import in the default
file storage under a random name known only to the uploader's session, with
its SHA-256; the import reads it back, checks the hash and validates again.
"""

from __future__ import annotations

import contextlib
import csv
import secrets
import time
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from tandem.core import policies
from tandem.core.forms import TandemForm, bound_data
from tandem.core.tenancy import access_object
from tandem.organisations import importing, selectors
from tandem.organisations.models import ImportBatch, Organisation

PENDING_KEY = "tandem_pending_imports"
PENDING_DIR = "imports/pending"
PENDING_KEEP = 5
PENDING_MAX_AGE = 24 * 60 * 60


class ImportUploadForm(TandemForm):
    organisation = forms.ChoiceField(
        label="Organisation to import into",
        error_messages={"required": "Select the organisation to import into"},
    )
    file = forms.FileField(
        label="Spreadsheet file",
        help_text="A CSV file saved as ‘CSV UTF-8’, or an Excel workbook (.xlsx).",
        error_messages={
            "required": "Select a CSV or Excel file to import",
            "empty": "The selected file is empty",
        },
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(str(o.uuid), o.name) for o in organisations]
        limit = importing.size_text(importing.max_bytes())
        self.fields["file"].help_text += f" Up to {limit} and {importing.max_rows():,} rows."


def _importable(actor: Any) -> QuerySet[Organisation]:
    qs = selectors.organisations(actor)
    return qs if actor.is_superuser else qs.filter(id__in=actor.coordinator_of)


def _organisation(actor: Any, uuid: str) -> Organisation:
    """404 for an organisation the actor cannot see, 403 if they do not coordinate it."""
    organisation = selectors.access_organisation(actor, uuid)
    if not policies.can_manage_people_of(actor, organisation):
        raise PermissionDenied("Only the organisation's coordinators import people")
    return organisation


@login_required
def import_start(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    wanted = (request.POST if request.method == "POST" else request.GET).get("organisation")
    organisation = _organisation(actor, wanted) if wanted else None
    organisations = _importable(actor)
    if organisation is None and not organisations.exists():
        raise PermissionDenied("Only programme coordinators import people")
    form = ImportUploadForm(
        bound_data(request),
        request.FILES or None,
        organisations=organisations,
        initial={"organisation": str(organisation.uuid) if organisation else None},
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            importing.check_size(upload.size)  # before reading a byte of it
            data = upload.read()
            importing.read_table(upload.name, data)
        except importing.ImportFileError as exc:
            form.add_error("file", exc.message)
        else:
            token = _keep_pending(request, organisation, upload.name, data)
            return redirect("organisations:import_preview", token=token)
    batches = ImportBatch.objects.visible_to(actor).select_related("organisation", "created_by")
    return render(
        request,
        "organisations/import_start.html",
        {
            "form": form,
            "organisation": organisation,
            "batches": batches[:10],
            "columns": COLUMN_HELP,
        },
    )


@login_required
def import_preview(request: HttpRequest, token: str) -> HttpResponse:
    pending = _pending(request, token)
    if pending is None:
        return _expired(request)
    organisation, filename, data = pending
    try:
        report = importing.preview(request.actor, organisation, filename, data)
    except importing.ImportFileError as exc:
        messages.error(request, exc.message)
        return redirect(f"{_start_url()}?organisation={organisation.uuid}")
    return _render_preview(request, token, report)


@login_required
@require_POST
def import_apply(request: HttpRequest, token: str) -> HttpResponse:
    pending = _pending(request, token)
    if pending is None:
        return _expired(request)
    organisation, filename, data = pending
    valid_only = request.POST.get("valid_rows_only") == "yes"
    try:
        result = importing.apply(
            request.actor, organisation, filename, data, valid_rows_only=valid_only
        )
    except importing.ImportFileError as exc:
        messages.error(request, exc.message)
        return redirect(f"{_start_url()}?organisation={organisation.uuid}")
    if result.blocked:
        return _render_preview(request, token, result.report, blocked=True)
    _discard_pending(request, token)
    if result.batch is None:
        messages.info(request, f"No changes: everything in {filename} is already in Tandem.")
        return redirect("organisations:organisation_people", uuid=organisation.uuid)
    messages.success(request, f"{filename} imported into {organisation}.")
    return redirect("organisations:import_batch", uuid=result.batch.uuid)


@login_required
def import_batch(request: HttpRequest, uuid: str) -> HttpResponse:
    batch = access_object(request.actor, ImportBatch, uuid)
    summary = batch.summary or {}
    rows = [(label, summary.get(key, 0)) for key, label in SUMMARY_LABELS]
    return render(
        request,
        "organisations/import_batch.html",
        {
            "batch": batch,
            "summary_rows": rows,
            "left_out": summary.get("rows_left_out", []),
        },
    )


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    """A CSV with the column headings and two example rows."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="tandem-people-template.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(importing.COLUMNS)
    writer.writerow(
        [
            "alex.jones@example.ac.uk",
            "Alex",
            "Jones",
            "line_manager;mentor",
            "",
            "Head of English",
            "",
            "",
        ]
    )
    writer.writerow(
        [
            "sam.lee@example.ac.uk",
            "Sam",
            "Lee",
            "mentee",
            "",
            "Lecturer in English",
            "",
            "alex.jones@example.ac.uk",
        ]
    )
    return response


COLUMN_HELP = [
    (
        "email",
        True,
        "The person’s email address: it identifies them, so re-importing updates them.",
    ),
    ("given_name", True, "Given (first) name."),
    ("family_name", True, "Family name (surname)."),
    (
        "roles",
        True,
        "One or more of mentee, mentor, coordinator, tutor, line_manager, trainer, separated by ;",
    ),
    ("phone", False, "Phone number."),
    ("job_title", False, "Job title."),
    ("site", False, "The name of one of the organisation’s sites, for the roles in this row."),
    (
        "line_manager_email",
        False,
        "The email of their line manager: someone in the file or already in the organisation.",
    ),
]

SUMMARY_LABELS = [
    ("rows", "Rows in the file"),
    ("new_people", "New people"),
    ("people_updated", "People whose details changed"),
    ("roles_added", "Roles added"),
    ("sites_changed", "Roles moved to another site"),
    ("line_managers_set", "Line managers set"),
    ("rows_unchanged", "Rows with no changes"),
    ("rows_with_problems", "Rows left out because of problems"),
]


def _render_preview(
    request: HttpRequest, token: str, report: importing.ImportReport, *, blocked: bool = False
) -> HttpResponse:
    counts = report.counts()
    return render(
        request,
        "organisations/import_preview.html",
        {
            "token": token,
            "report": report,
            "organisation": report.organisation,
            "blocked": blocked,
            "counts": counts,
            "summary_rows": [(label, counts[key]) for key, label in SUMMARY_LABELS],
            "changed_rows": [r for r in report.rows if r.status in ("new", "changed") or r.notes],
            "unchanged_rows": report.unchanged_rows,
            "can_apply_valid_only": report.has_problems
            and not report.file_problems
            and bool(report.rows_to_apply),
        },
    )


def _start_url() -> str:
    return reverse("organisations:import_start")


def _expired(request: HttpRequest) -> HttpResponse:
    messages.error(
        request, "That upload has expired or was already imported. Upload the file again."
    )
    return redirect("organisations:import_start")


# --- the file kept between the check and the import -----------------------------------------


def _keep_pending(
    request: HttpRequest, organisation: Organisation, filename: str, data: bytes
) -> str:
    _remove_stale_files()
    token = secrets.token_urlsafe(18)
    path = default_storage.save(f"{PENDING_DIR}/{token}", ContentFile(data))
    pending = dict(request.session.get(PENDING_KEY, {}))
    pending[token] = {
        "path": path,
        "sha256": importing.file_sha256(data),
        "filename": filename[:255],
        "organisation": str(organisation.uuid),
        "at": time.time(),
    }
    for old in sorted(pending, key=lambda t: pending[t]["at"])[:-PENDING_KEEP]:
        _delete_file(pending.pop(old)["path"])
    request.session[PENDING_KEY] = pending
    return token


def _pending(request: HttpRequest, token: str) -> tuple[Organisation, str, bytes] | None:
    entry = request.session.get(PENDING_KEY, {}).get(token)
    if entry is None:
        return None
    organisation = _organisation(request.actor, entry["organisation"])
    try:
        with default_storage.open(entry["path"], "rb") as handle:
            data = handle.read(importing.max_bytes() + 1)
    except OSError:
        return None
    if importing.file_sha256(data) != entry["sha256"]:
        return None
    return organisation, entry["filename"], data


def _discard_pending(request: HttpRequest, token: str) -> None:
    pending = dict(request.session.get(PENDING_KEY, {}))
    entry = pending.pop(token, None)
    if entry is not None:
        _delete_file(entry["path"])
    request.session[PENDING_KEY] = pending


def _delete_file(path: str) -> None:
    with contextlib.suppress(OSError):
        default_storage.delete(path)


def _remove_stale_files() -> None:
    """Uploads that were checked but never imported are deleted after a day."""
    try:
        _, files = default_storage.listdir(PENDING_DIR)
    except (OSError, NotImplementedError):
        return
    cutoff = time.time() - PENDING_MAX_AGE
    for name in files:
        path = f"{PENDING_DIR}/{name}"
        try:
            if default_storage.get_modified_time(path).timestamp() < cutoff:
                default_storage.delete(path)
        except (OSError, NotImplementedError):
            continue
