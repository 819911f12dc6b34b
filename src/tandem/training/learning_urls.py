"""Pages of learning (E2): enrolling, the learner's course and units, assessment."""

from django.urls import path

from tandem.training import learning_views as views

urlpatterns: list = [
    path("training/runs/<uuid:uuid>/enrol/", views.enrol, name="enrol"),
    path("training/learning/", views.your_learning, name="your_learning"),
    path("training/enrolments/<uuid:uuid>/", views.enrolment_detail, name="enrolment_detail"),
    path("training/enrolments/<uuid:uuid>/withdraw/", views.withdraw, name="withdraw"),
    path(
        "training/enrolments/<uuid:uuid>/complete/",
        views.course_complete,
        name="course_complete",
    ),
    path("training/enrolments/<uuid:uuid>/practice/", views.practice_add, name="practice_add"),
    path("training/practice/<uuid:uuid>/delete/", views.practice_delete, name="practice_delete"),
    path(
        "training/enrolments/<uuid:uuid>/units/<uuid:module_uuid>/",
        views.learn_module,
        name="learn_module",
    ),
    path(
        "training/enrolments/<uuid:uuid>/units/<uuid:module_uuid>/complete/",
        views.module_complete,
        name="module_complete",
    ),
    path(
        "training/enrolments/<uuid:uuid>/answers/<uuid:activity_uuid>/",
        views.answer_save,
        name="answer_save",
    ),
    path(
        "training/enrolments/<uuid:uuid>/activities/<uuid:activity_uuid>/submissions/",
        views.submission_new,
        name="submission_new",
    ),
    path("training/assessments/", views.assessments, name="assessments"),
    path("training/submissions/<uuid:uuid>/", views.submission_detail, name="submission_detail"),
    path("training/submissions/<uuid:uuid>/file/", views.submission_file, name="submission_file"),
]
