"""Course statistics (E6): one page per course, focused on a run with ?run=<uuid>."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from tandem.training import statistics

# The chart's geometry (SVG user units).
LABEL_WIDTH = 260
BAR_WIDTH = 360
ROW_HEIGHT = 32


def _course_url(course: object) -> str:
    try:
        return reverse("training:course_detail", kwargs={"uuid": course.uuid})  # type: ignore[attr-defined]
    except NoReverseMatch:
        return ""


@login_required
@require_GET
def course_statistics(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    course = statistics.access_course_statistics(actor, uuid)
    figures = statistics.course_statistics(actor, course, run_uuid=request.GET.get("run") or None)
    bars = [
        {
            "unit": u,
            "y": i * ROW_HEIGHT,
            "width": round(u.bar * BAR_WIDTH / 100),
            "text_y": i * ROW_HEIGHT + ROW_HEIGHT // 2 + 5,
            "value_x": LABEL_WIDTH + round(u.bar * BAR_WIDTH / 100) + 6,
        }
        for i, u in enumerate(figures.units)
    ]
    return render(
        request,
        "training/statistics.html",
        {
            "course": course,
            "stats": figures,
            "shown": figures.shown,
            "bars": bars,
            "chart_height": max(len(bars), 1) * ROW_HEIGHT,
            "label_width": LABEL_WIDTH,
            "bar_width": BAR_WIDTH,
            "chart_width": LABEL_WIDTH + BAR_WIDTH + 80,
            "course_url": _course_url(course),
            "active_definition": statistics.ACTIVE_DEFINITION,
            "rate_definition": statistics.RATE_DEFINITION,
        },
    )
