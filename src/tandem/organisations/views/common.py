"""What the organisations pages share."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def form_page(
    request: HttpRequest, form: Any, *, title: str, back: Any, submit: str, **extra: Any
) -> HttpResponse:
    """The one-form page: error summary, the form, a submit button and a way back."""
    context = {"form": form, "title": title, "back": back, "submit": submit, **extra}
    return render(request, "organisations/form_page.html", context)
