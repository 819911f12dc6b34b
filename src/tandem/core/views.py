"""Home pages per role, the account page, the activity log and error pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from tandem.core import homes
from tandem.core.middleware import ACTIVE_ORGANISATION_KEY
from tandem.core.models import AuditEvent
from tandem.core.navigation import homes_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    available = homes_for(request.actor)
    if not available:
        return render(request, "core/home_none.html", {"homes": available})
    return redirect("core:role_home", kind=available[0].slug)


@login_required
def role_home(request: HttpRequest, kind: str) -> HttpResponse:
    available = homes_for(request.actor)
    current = next((h for h in available if h.slug == kind), None)
    if current is None:
        raise Http404("You do not hold this role")
    context = homes.build(request.actor, current.slug)
    context.update({"homes": available, "current_home": current})
    return render(request, f"core/home_{current.slug.replace('-', '_')}.html", context)


@login_required
@require_POST
def switch_organisation(request: HttpRequest) -> HttpResponse:
    wanted = request.POST.get("organisation", "")
    for o in request.actor.organisations:
        if str(o.organisation_uuid) == wanted:
            request.session[ACTIVE_ORGANISATION_KEY] = o.organisation_id
            messages.success(request, f"You are now working in {o.organisation_name}.")
            break
    else:
        messages.error(request, "Choose one of your organisations.")
    next_url = request.POST.get("next") or "/"
    if not next_url.startswith("/") or next_url.startswith("//"):
        next_url = "/"
    return redirect(next_url)


@login_required
def account(request: HttpRequest) -> HttpResponse:
    return render(request, "core/account.html", {"person": request.actor.person})


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    events = AuditEvent.objects.visible_to(request.actor).select_related("organisation")
    code = request.GET.get("code", "").strip()
    if code:
        events = events.filter(code__startswith=code)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_log.html", {"page": page, "code": code})


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else ""
    return render(request, "errors/403.html", {"message": message}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found: no such API endpoint"}, status=404)
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: the database or the actor may be what failed.
    return HttpResponse(render_to_string("errors/500.html"), status=500)
