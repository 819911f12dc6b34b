"""The PDF certificate of a completed course (E3, E5), printed with WeasyPrint."""

from __future__ import annotations

import base64
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from tandem.core.tenancy import system_access
from tandem.training import badge_image, credentials
from tandem.training.models import Credential, CredentialKind


def certificate_context(credential: Credential) -> dict[str, Any]:
    """What the certificate states: only facts the credential itself carries, plus
    the units completed for the course."""
    course = credential.course
    enrolment = credential.enrolment
    with system_access():
        completions = list(
            enrolment.completions.select_related("module").order_by(
                "module__position", "module__pk"
            )
        )
    completed_on = enrolment.completed_at or credential.issued_at
    seal = badge_image.draw_badge(
        course.title,
        credential.issuer.name,
        seed=str(course.uuid),
        kind=CredentialKind.CERTIFICATE,
    )
    return {
        "credential": credential,
        "course": course,
        "learner": credential.recipient.full_name,
        "issuer": credential.issuer,
        "completed_on": timezone.localtime(completed_on),
        "units": [c.module for c in completions],
        "accreditation": credentials.accreditation_text(course),
        "verification_url": credentials.verification_url(credential),
        "credential_id": f"urn:uuid:{credential.uuid}",
        "seal": "data:image/png;base64," + base64.b64encode(seal).decode("ascii"),
    }


def certificate_html(credential: Credential) -> str:
    return render_to_string("training/certificate_pdf.html", certificate_context(credential))


def certificate_pdf(credential: Credential) -> bytes:
    """The certificate as an A4 landscape PDF."""
    from weasyprint import HTML

    return HTML(string=certificate_html(credential)).write_pdf()
