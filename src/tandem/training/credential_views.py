"""Pages of badges and certificates (E3). Thin: parse, call, render.

The learner's and staff's pages go through the policy (``access_object``); the
public pages (verification, issuer profile, revocation list, achievement image)
need no sign-in and show only what the credential itself states.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.core import policies
from tandem.core.forms import apply_errors, bound_data
from tandem.core.tenancy import access_object, system_access
from tandem.organisations.models import Organisation
from tandem.training import badge_image as images
from tandem.training import certificate, credentials, keys
from tandem.training import credential_forms as forms
from tandem.training.models import Credential, CredentialKind

PUBLIC_CACHE_SECONDS = 300


def _filename(credential: Credential, suffix: str) -> str:
    return f"{slugify(credential.name)[:80] or credential.kind}-{str(credential.uuid)[:8]}.{suffix}"


def _attachment(response: HttpResponse, name: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _public(response: HttpResponse) -> HttpResponse:
    """Anyone may fetch it, from any site (wallets and verifiers do)."""
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = f"public, max-age={PUBLIC_CACHE_SECONDS}"
    return response


def _statement(verification: Any, credential: Credential) -> credentials.Statement:
    """What the credential states: its verified claims (the stored token's otherwise)."""
    return credentials.statement_of(verification.claims or credentials.claims_of(credential))


# --- the learner's and staff's pages --------------------------------------------------------


@login_required
def your_credentials(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    rows = list(
        Credential.objects.visible_to(actor)
        .filter(recipient_id=actor.person_id)
        .select_related("course", "module", "issuer")
        .order_by("-issued_at")
    )
    return render(
        request,
        "training/credential_list.html",
        {
            "certificates": [c for c in rows if c.kind == CredentialKind.CERTIFICATE],
            "badges": [c for c in rows if c.kind == CredentialKind.BADGE],
        },
    )


def _detail_context(request: HttpRequest, credential: Credential, form: Any = None) -> dict:
    actor = request.actor
    can_revoke = policies.can_change(actor, credential)
    verification = credentials.verify_credential(credential)
    return {
        "credential": credential,
        "verification": verification,
        "statement": _statement(verification, credential),
        "verification_url": credentials.verification_url(credential),
        "is_recipient": credential.recipient_id == actor.person_id,
        "can_revoke": can_revoke and not credential.is_revoked,
        "form": form if form is not None else (forms.RevokeForm() if can_revoke else None),
    }


@login_required
def credential_detail(request: HttpRequest, uuid: Any) -> HttpResponse:
    credential = access_object(request.actor, Credential, uuid)
    return render(request, "training/credential_detail.html", _detail_context(request, credential))


@login_required
@require_POST
def credential_revoke(request: HttpRequest, uuid: Any) -> HttpResponse:
    credential = access_object(request.actor, Credential, uuid, for_write=True)
    form = forms.RevokeForm(bound_data(request))
    if form.is_valid():
        try:
            credentials.revoke(request.actor, credential, form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{credential.name} is revoked. The learner has been told.")
            return redirect(credential.get_absolute_url())
    credential.refresh_from_db()
    return render(
        request, "training/credential_detail.html", _detail_context(request, credential, form)
    )


@login_required
@require_GET
def badge_image(request: HttpRequest, uuid: Any) -> HttpResponse:
    """The badge image with the signed credential baked in."""
    credential = access_object(request.actor, Credential, uuid)
    response = HttpResponse(images.baked_image(credential), content_type="image/png")
    return _attachment(response, _filename(credential, "png"))


@login_required
@require_GET
def credential_token(request: HttpRequest, uuid: Any) -> HttpResponse:
    """The signed credential itself (a compact JWT)."""
    credential = access_object(request.actor, Credential, uuid)
    response = HttpResponse(credential.token, content_type="application/vc+jwt")
    return _attachment(response, _filename(credential, "jwt"))


@login_required
@require_GET
def credential_json(request: HttpRequest, uuid: Any) -> HttpResponse:
    """The credential's contents as JSON (what the signed token states)."""
    credential = access_object(request.actor, Credential, uuid)
    claims = credentials.claims_of(credential)
    body = json.dumps(claims, indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    return _attachment(response, _filename(credential, "json"))


@login_required
@require_GET
def certificate_pdf(request: HttpRequest, uuid: Any) -> HttpResponse:
    credential = access_object(request.actor, Credential, uuid)
    if credential.kind != CredentialKind.CERTIFICATE:
        raise Http404("No certificate found")
    response = HttpResponse(certificate.certificate_pdf(credential), content_type="application/pdf")
    return _attachment(response, _filename(credential, "pdf"))


# --- public pages ---------------------------------------------------------------------------


@never_cache
@require_GET
def verify_credential(request: HttpRequest, uuid: Any) -> HttpResponse:
    """Anyone with the link sees whether the credential is valid, live."""
    credential = credentials.public_credential(uuid)
    if credential is None:
        raise Http404("No credential found")
    verification = credentials.verify_credential(credential)
    return render(
        request,
        "training/verify_credential.html",
        {
            "credential": credential,
            "verification": verification,
            "statement": _statement(verification, credential),
            "issuer_profile_url": credentials.issuer_profile_url(credential.issuer),
            "key_id": keys.key_id(credential.key),
            "verification_url": credentials.verification_url(credential),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Check a credential someone shows us: pasted, or baked into a badge image."""
    form = forms.VerifyForm(bound_data(request), request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data.get("token")
        upload = form.cleaned_data.get("file")
        if upload is not None:
            token = images.extract(upload.read(forms.MAX_BADGE_BYTES + 1))
            if not token:
                form.add_error("file", "This image has no credential baked into it")
        if token:
            result = credentials.verify_token(token)
    return render(
        request,
        "training/verify_form.html",
        {
            "form": form,
            "result": result,
            "credential": result.credential if result else None,
            "statement": (
                credentials.statement_of(result.claims) if result and result.credential else None
            ),
            "key_id": (keys.key_id(result.credential.key) if result and result.credential else ""),
        },
    )


def _issuing_organisation(uuid: Any) -> Organisation:
    with system_access():
        organisation = Organisation.objects.filter(uuid=uuid).first()
    if organisation is None or not keys.keys_of(organisation):
        raise Http404("No issuer found")
    return organisation


@require_GET
def issuer_profile(request: HttpRequest, uuid: Any) -> HttpResponse:
    """The issuer's Open Badges Profile, with its public keys as JWKs."""
    organisation = _issuing_organisation(uuid)
    response = JsonResponse(
        credentials.issuer_profile(organisation), json_dumps_params={"indent": 2}
    )
    return _public(response)


@require_GET
def status_list(request: HttpRequest, uuid: Any) -> HttpResponse:
    """The issuer's signed revocation list (a BitstringStatusListCredential as a JWT)."""
    organisation = _issuing_organisation(uuid)
    response = HttpResponse(
        credentials.status_list_token(organisation), content_type="application/vc+jwt"
    )
    response = _public(response)
    response["Cache-Control"] = "public, max-age=60"
    return response


@require_GET
def credential_image(request: HttpRequest, uuid: Any) -> HttpResponse:
    """The achievement's image (not baked), as named in the credential."""
    credential = credentials.public_credential(uuid)
    if credential is None:
        raise Http404("No credential found")
    return _public(HttpResponse(images.credential_image(credential), content_type="image/png"))
