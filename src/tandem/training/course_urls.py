"""Routes of the course catalogue and course building (E1, E5)."""

from django.urls import path

from tandem.training import course_views as views

urlpatterns = [
    path("training/", views.courses, name="courses"),
    path("organisations/<uuid:uuid>/courses/new/", views.course_new, name="course_new"),
    path("training/courses/<uuid:uuid>/", views.course_detail, name="course_detail"),
    path("training/courses/<uuid:uuid>/edit/", views.course_edit, name="course_edit"),
    path("training/courses/<uuid:uuid>/publish/", views.course_publish, name="course_publish"),
    path("training/courses/<uuid:uuid>/archive/", views.course_archive, name="course_archive"),
    path("training/courses/<uuid:uuid>/runs/new/", views.run_new, name="run_new"),
    path("training/courses/<uuid:uuid>/units/new/", views.module_new, name="module_new"),
    path("training/runs/<uuid:uuid>/", views.run_detail, name="run_detail"),
    path("training/runs/<uuid:uuid>/edit/", views.run_edit, name="run_edit"),
    path("training/runs/<uuid:uuid>/delete/", views.run_delete, name="run_delete"),
    path("training/runs/<uuid:uuid>/sessions/new/", views.session_new, name="session_new"),
    path("training/units/<uuid:uuid>/", views.module_detail, name="module_detail"),
    path("training/units/<uuid:uuid>/edit/", views.module_edit, name="module_edit"),
    path("training/units/<uuid:uuid>/move/", views.module_move, name="module_move"),
    path("training/units/<uuid:uuid>/delete/", views.module_delete, name="module_delete"),
    path("training/units/<uuid:uuid>/pages/new/", views.page_new, name="page_new"),
    path("training/units/<uuid:uuid>/activities/new/", views.activity_new, name="activity_new"),
    path("training/pages/<uuid:uuid>/", views.page_detail, name="page_detail"),
    path("training/pages/<uuid:uuid>/edit/", views.page_edit, name="page_edit"),
    path("training/pages/<uuid:uuid>/delete/", views.page_delete, name="page_delete"),
    path("training/pages/<uuid:uuid>/file/", views.page_file, name="page_file"),
    path("training/activities/<uuid:uuid>/edit/", views.activity_edit, name="activity_edit"),
    path("training/activities/<uuid:uuid>/delete/", views.activity_delete, name="activity_delete"),
    path("training/sessions/<uuid:uuid>/edit/", views.session_edit, name="session_edit"),
    path(
        "training/sessions/<uuid:uuid>/recording/",
        views.session_recording,
        name="session_recording",
    ),
    path("training/sessions/<uuid:uuid>/delete/", views.session_delete, name="session_delete"),
]
