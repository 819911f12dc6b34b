"""Files people attach: reading material, assignment files and CPD evidence.

Checked before anything is stored: size, an allowed extension, and contents
that match the extension (a renamed program is refused). Errors name the field.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

# extension -> the first bytes such a file starts with (None: text, checked as UTF-8)
KINDS: dict[str, tuple[bytes, ...] | None] = {
    ".pdf": (b"%PDF-",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".pptx": (b"PK\x03\x04",),
    ".odt": (b"PK\x03\x04",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".txt": None,
    ".md": None,
}
ALLOWED = ", ".join(sorted(k.lstrip(".").upper() for k in KINDS))


def max_bytes() -> int:
    return int(getattr(settings, "TANDEM_MAX_UPLOAD_BYTES", 10 * 1024 * 1024))


def check_upload(upload: Any, field: str) -> str:
    """Raise ValidationError({field: ...}) unless the file is acceptable; return a safe
    display name. ``upload`` is a Django UploadedFile (or anything with name/size/read)."""
    name = PurePath(str(getattr(upload, "name", "") or "")).name[:200]
    if not name:
        raise ValidationError({field: "Choose a file"})
    size = getattr(upload, "size", None)
    limit = max_bytes()
    if size is None or size == 0:
        raise ValidationError({field: f"{name} is empty"})
    if size > limit:
        raise ValidationError(
            {
                field: f"{name} is {size / 1_048_576:.1f} MB; the largest allowed is "
                f"{limit / 1_048_576:.0f} MB"
            }
        )
    extension = PurePath(name).suffix.lower()
    if extension not in KINDS:
        raise ValidationError({field: f"{name} is not an allowed kind of file ({ALLOWED})"})
    head = upload.read(2048)
    upload.seek(0)
    signatures = KINDS[extension]
    if signatures is None:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError:
            # the cut may fall inside a character: allow a partial final sequence
            try:
                head[:-3].decode("utf-8")
            except UnicodeDecodeError:
                raise ValidationError(
                    {field: f"{name} is not plain text (save it as UTF-8)"}
                ) from None
    elif not any(head.startswith(sig) for sig in signatures):
        raise ValidationError(
            {field: f"{name} does not look like a {extension.lstrip('.').upper()} file"}
        )
    return name
