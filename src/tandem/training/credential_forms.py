"""Forms of badges and certificates: revoking one, and checking one presented to us."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from tandem.core.forms import TandemForm
from tandem.training.credentials import MAX_TOKEN_CHARS
from tandem.training.uploads import check_upload

# A baked badge is a small image; anything larger is not one of ours.
MAX_BADGE_BYTES = 2 * 1024 * 1024


class RevokeForm(TandemForm):
    reason = forms.CharField(
        label="Why are you revoking it?",
        help_text="Anyone who checks the credential sees this reason, and the learner is told",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "The reason must be 1,000 characters or fewer"},
    )


class VerifyForm(TandemForm):
    token = forms.CharField(
        label="Paste the credential",
        help_text="The text of an Open Badges 3.0 credential, which starts with \u201ceyJ\u201d",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
    )
    file = forms.FileField(
        label="Or upload a badge image",
        help_text="A PNG badge downloaded from Tandem, up to 2 MB",
        required=False,
    )

    def clean_token(self) -> str:
        token = "".join((self.cleaned_data.get("token") or "").split())
        if len(token) > MAX_TOKEN_CHARS:
            raise ValidationError(
                "The text is too long to be a credential (it has "
                f"{len(token):,} characters; a credential has at most {MAX_TOKEN_CHARS:,})"
            )
        return token

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload is None:
            return None
        if upload.size and upload.size > MAX_BADGE_BYTES:
            raise ValidationError(
                f"{upload.name} is {upload.size / 1_048_576:.1f} MB; a badge image is at most 2 MB"
            )
        try:
            name = check_upload(upload, "file")
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["file"]) from None
        if not name.lower().endswith(".png"):
            raise ValidationError(f"{name} is not a PNG image: upload the badge as a PNG")
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.errors and not data.get("token") and not data.get("file"):
            raise ValidationError(
                {"token": "Paste the credential, or upload a badge image with it baked in"}
            )
        if data.get("token") and data.get("file"):
            raise ValidationError({"file": "Paste the credential or upload an image, not both"})
        return data
