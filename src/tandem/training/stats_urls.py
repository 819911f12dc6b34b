"""Course statistics (E6)."""

from django.urls import path

from tandem.training import stats_views as views

urlpatterns: list = [
    path(
        "training/courses/<uuid:uuid>/statistics/",
        views.course_statistics,
        name="course_statistics",
    ),
]
