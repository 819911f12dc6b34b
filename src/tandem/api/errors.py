"""Every API error is JSON: ``{"detail": "...", "errors": [{"field": ..., "message": ...}]}``.

``errors`` is present on 422 (invalid fields) and lists one entry per problem,
naming the field as the client sent it (``email``, ``roles.1``, ``limit``).
A problem with the request as a whole has ``"field": null``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

if TYPE_CHECKING:
    from ninja import NinjaAPI

INVALID = "Some fields are not valid"
_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}
_PYDANTIC_MESSAGES = {
    "missing": "This field is required",
    "uuid_parsing": "Enter a valid id (a UUID)",
    "uuid_type": "Enter a valid id (a UUID)",
    "date_from_datetime_parsing": "Enter a date as YYYY-MM-DD",
    "date_parsing": "Enter a date as YYYY-MM-DD",
    "extra_forbidden": "This field is not accepted here",
}


def error(field: str | None, message: str) -> dict[str, Any]:
    return {"field": field, "message": message}


def errors_from_django(exc: DjangoValidationError) -> list[dict[str, Any]]:
    """A service's ValidationError, field by field (``__all__`` becomes ``null``)."""
    if hasattr(exc, "error_dict"):
        return [
            error(None if field == "__all__" else field, message)
            for field, problems in exc.error_dict.items()
            for problem in problems
            for message in problem.messages
        ]
    return [error(None, message) for message in exc.messages]


def _field_from_loc(loc: tuple[Any, ...] | list[Any]) -> str | None:
    parts = list(loc)
    if parts and parts[0] in _SOURCES:
        source = parts.pop(0)
        # A body is one schema parameter; its name is not part of the JSON the client sent.
        if source in {"body", "form"} and parts:
            parts.pop(0)
    return ".".join(str(p) for p in parts) or None


def errors_from_schema(exc: NinjaValidationError) -> list[dict[str, Any]]:
    out = []
    for problem in exc.errors:
        message = _PYDANTIC_MESSAGES.get(problem.get("type", ""), problem.get("msg", "Not valid"))
        out.append(error(_field_from_loc(problem.get("loc", ())), message))
    return out


def install(api: NinjaAPI) -> None:
    """Register the JSON error handlers on the API."""

    def respond(request: HttpRequest, status: int, detail: str, **extra: Any) -> HttpResponse:
        return api.create_response(request, {"detail": detail, **extra}, status=status)

    @api.exception_handler(NinjaValidationError)
    def schema_invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return respond(request, 422, INVALID, errors=errors_from_schema(exc))

    @api.exception_handler(DjangoValidationError)
    def service_invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        return respond(request, 422, INVALID, errors=errors_from_django(exc))

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        detail = (
            exc.message
            if exc.message != "Unauthorized"
            else ("Send a personal access token as 'Authorization: Bearer tdm_…', or sign in")
        )
        response = respond(request, 401, detail)
        response["WWW-Authenticate"] = 'Bearer realm="tandem"'
        return response

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return respond(request, 403, str(exc) or "You do not have permission to do this")

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        # The same answer for "absent" and "not yours": the message names only the type.
        return respond(request, 404, str(exc) or "Not found")

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        detail = exc.message
        if exc.status_code == 400 and detail.startswith("Cannot parse request body"):
            detail = "The request body is not valid JSON"
        return respond(request, exc.status_code, detail)
