from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tandem.mentors import selectors
from tandem.mentors.models import SectorKind


@login_required
def subject_list(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()[:100]
    sectors = list(selectors.sectors_with_subjects(search))
    groups = [(label, [s for s in sectors if s.kind == kind]) for kind, label in SectorKind.choices]
    return render(
        request,
        "mentors/subject_list.html",
        {"groups": [g for g in groups if g[1]], "search": search},
    )
