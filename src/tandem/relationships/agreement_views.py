"""Pages of the mentoring agreement: read, draft, send, sign, amend, versions, PDF."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from tandem.core import policies
from tandem.core.forms import apply_errors, bound_data
from tandem.relationships import agreement_forms as forms
from tandem.relationships import agreement_selectors as selectors
from tandem.relationships import agreement_text, agreements
from tandem.relationships.models import Agreement, AgreementVersion, Mentorship, VersionStatus


def _url(mentorship: Mentorship, name: str = "agreement", **kwargs: Any) -> str:
    return reverse(f"relationships:{name}", kwargs={"uuid": mentorship.uuid, **kwargs})


def _message(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _current(request: HttpRequest, uuid: str) -> tuple[Mentorship, Agreement, AgreementVersion]:
    mentorship, agreement = selectors.access_agreement(request.actor, uuid)
    if agreement is None:
        raise Http404("No agreement found")
    version = selectors.versions(request.actor, agreement).last()
    if version is None:
        raise Http404("No agreement version found")
    return mentorship, agreement, version


def _version_context(actor: Any, version: AgreementVersion) -> dict[str, Any]:
    return {
        "version": version,
        "blocks": agreement_text.blocks(version.text),
        "state": selectors.signing_state(actor, version),
    }


def _page(
    request: HttpRequest,
    mentorship: Mentorship,
    agreement: Agreement | None,
    *,
    sign_form: Any = None,
    amend_form: Any = None,
    status: int = 200,
) -> HttpResponse:
    actor = request.actor
    context: dict[str, Any] = {
        "mentorship": mentorship,
        "agreement": agreement,
        "may_start": agreement is None
        and selectors.may_start(actor, mentorship)
        and mentorship.status in agreements.OPEN,
    }
    if agreement is not None:
        history = list(selectors.versions(actor, agreement))
        version = history[-1]
        can_change = policies.can_change(actor, version) and mentorship.status in agreements.OPEN
        context.update(_version_context(actor, version))
        state = context["state"]
        if sign_form is None and state["viewer_may_sign"]:
            sign_form = forms.SignForm(
                initial={"text_hash": version.text_hash}, name=str(actor.person)
            )
        if amend_form is None and can_change and version.status == VersionStatus.SIGNED:
            amend_form = forms.AmendForm(prefix="amend")
        force = next((v for v in reversed(history) if v.status == VersionStatus.SIGNED), None)
        context.update(
            {
                "history": list(reversed(history)),
                "in_force": force if force is not None and force != version else None,
                "can_edit": can_change and version.status == VersionStatus.DRAFT,
                "can_reopen": can_change and version.status == VersionStatus.AWAITING,
                "sign_form": sign_form if state["viewer_may_sign"] else None,
                "amend_form": amend_form,
            }
        )
    failed = next((f for f in (sign_form, amend_form) if f is not None and f.errors), None)
    context["form"] = failed
    return render(request, "relationships/agreement.html", context, status=status)


@login_required
def agreement(request: HttpRequest, uuid: str) -> HttpResponse:
    mentorship, found = selectors.access_agreement(request.actor, uuid)
    return _page(request, mentorship, found)


@login_required
@require_POST
def agreement_start(request: HttpRequest, uuid: str) -> HttpResponse:
    mentorship, found = selectors.access_agreement(request.actor, uuid)
    try:
        agreements.start_agreement(request.actor, mentorship)
    except ValidationError as exc:
        messages.error(request, _message(exc))
        return redirect(_url(mentorship))
    messages.success(
        request, "The draft agreement is ready. Add your objectives, then send it for signature."
    )
    return redirect(_url(mentorship, "agreement_edit"))


@login_required
def agreement_edit(request: HttpRequest, uuid: str) -> HttpResponse:
    mentorship, found, version = _current(request, uuid)
    if not policies.can_change(request.actor, version):
        raise PermissionDenied("Only the mentor, the mentee and the coordinators change the draft")
    if version.status != VersionStatus.DRAFT:
        messages.error(
            request,
            f"Version {version.number} is {version.get_status_display().lower()}; "
            "only a draft can be changed.",
        )
        return redirect(_url(mentorship))
    initial, rows = forms.DraftForm.initial_for(version)
    data = bound_data(request)
    if data is not None:
        rows = forms.rows_in(data)
    form = forms.DraftForm(data, initial=initial, rows=rows)
    if data is not None and form.is_valid():
        try:
            agreements.edit_draft(request.actor, version, **form.service_arguments())
        except ValidationError as exc:
            form.apply_service_errors(exc)
        else:
            messages.success(request, f"Draft version {version.number} saved.")
            return redirect(_url(mentorship))
    return render(
        request,
        "relationships/agreement_edit.html",
        {"mentorship": mentorship, "version": version, "form": form},
    )


@login_required
@require_POST
def agreement_send(request: HttpRequest, uuid: str) -> HttpResponse:
    mentorship, found, version = _current(request, uuid)
    try:
        agreements.send_for_signature(request.actor, version)
    except ValidationError as exc:
        messages.error(request, _message(exc))
        if version.status == VersionStatus.DRAFT:
            return redirect(_url(mentorship, "agreement_edit"))
    else:
        messages.success(
            request,
            f"Version {version.number} has been sent: the mentee, the mentor and "
            f"{mentorship.organisation}'s coordinators are asked to read and sign it.",
        )
    return redirect(_url(mentorship))


@login_required
@require_POST
def agreement_reopen(request: HttpRequest, uuid: str) -> HttpResponse:
    mentorship, found, version = _current(request, uuid)
    try:
        draft = agreements.reopen(request.actor, version)
    except ValidationError as exc:
        messages.error(request, _message(exc))
        return redirect(_url(mentorship))
    messages.success(
        request,
        f"Version {draft.number} is a draft again; change it, then send it for signature.",
    )
    return redirect(_url(mentorship, "agreement_edit"))


@login_required
@require_POST
def agreement_sign(request: HttpRequest, uuid: str) -> HttpResponse:
    mentorship, found, version = _current(request, uuid)
    actor = request.actor
    form = forms.SignForm(request.POST, name=str(actor.person) if actor.person else "")
    if form.is_valid():
        try:
            agreements.sign(
                actor,
                version,
                typed_name=form.cleaned_data["typed_name"],
                text_hash=form.cleaned_data["text_hash"],
            )
        except ValidationError as exc:
            if "text_hash" in exc.error_dict:
                messages.error(request, agreements.STALE)
                return redirect(_url(mentorship))
            apply_errors(form, exc)
        else:
            version.refresh_from_db()
            done = version.status == VersionStatus.SIGNED
            messages.success(
                request,
                f"You have signed version {version.number}."
                + (" Everyone has now signed; the agreement is in force." if done else ""),
            )
            return redirect(_url(mentorship))
    elif form.has_error("text_hash"):
        messages.error(request, agreements.STALE)
        return redirect(_url(mentorship))
    return _page(request, mentorship, found, sign_form=form)


@login_required
@require_POST
def agreement_amend(request: HttpRequest, uuid: str) -> HttpResponse:
    mentorship, found, version = _current(request, uuid)
    if not policies.can_change(request.actor, version):
        raise PermissionDenied("Only the mentor, the mentee and the coordinators amend it")
    form = forms.AmendForm(request.POST, prefix="amend")
    if form.is_valid():
        try:
            draft = agreements.amend(
                request.actor, found, change_summary=form.cleaned_data["change_summary"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                f"Version {draft.number} is a draft. Version {version.number} stays in force "
                "until everyone signs the new one.",
            )
            return redirect(_url(mentorship, "agreement_edit"))
    return _page(request, mentorship, found, amend_form=form)


@login_required
def agreement_version(request: HttpRequest, uuid: str, number: int) -> HttpResponse:
    mentorship, found = selectors.access_agreement(request.actor, uuid)
    version = selectors.access_version(request.actor, found, number)
    return render(
        request,
        "relationships/agreement_version.html",
        {"mentorship": mentorship, **_version_context(request.actor, version)},
    )


def pdf_html(actor: Any, mentorship: Mentorship, version: AgreementVersion) -> str:
    """The HTML the PDF is printed from: the whole text, signatures, hash, version, status."""
    return render_to_string(
        "relationships/pdf/agreement.html",
        {"mentorship": mentorship, **_version_context(actor, version)},
    )


@login_required
def agreement_pdf(request: HttpRequest, uuid: str, number: int) -> HttpResponse:
    from weasyprint import HTML

    mentorship, found = selectors.access_agreement(request.actor, uuid)
    version = selectors.access_version(request.actor, found, number)
    html = pdf_html(request.actor, mentorship, version)
    pdf = HTML(string=html).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    name = slugify(str(mentorship.mentee)) or "mentee"
    response["Content-Disposition"] = f'attachment; filename="agreement-{name}-v{number}.pdf"'
    return response
