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
    """What the certificate states: what the signed credential certified (its claims:
    learner, course, criteria, credits, accreditation, issuer, date), plus the units the
    learner completed for the course."""
    statement = credentials.statement_of_credential(credential)
    enrolment = credential.enrolment
    with system_access():
        completions = list(
            enrolment.completions.select_related("module").order_by(
                "module__position", "module__pk"
            )
        )
    issued = statement.valid_from or credential.issued_at
    seal = badge_image.draw_badge(
        statement.achievement_name,
        statement.issuer_name,
        seed=str(credential.course.uuid),
        kind=CredentialKind.CERTIFICATE,
    )
    return {
        "credential": credential,
        "statement": statement,
        "course_title": statement.achievement_name,
        "learner": statement.recipient_name,
        "issuer_name": statement.issuer_name,
        "issued_on": timezone.localtime(issued),
        "units": [c.module for c in completions],
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
