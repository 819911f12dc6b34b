from django.urls import path

from tandem.relationships import plan_views

urlpatterns = [
    path("mentorships/<uuid:uuid>/plan/", plan_views.plan_detail, name="plan"),
    path(
        "mentorships/<uuid:uuid>/plan/objectives/new/",
        plan_views.objective_new,
        name="objective_new",
    ),
    path("objectives/<uuid:uuid>/edit/", plan_views.objective_edit, name="objective_edit"),
    path("objectives/<uuid:uuid>/status/", plan_views.objective_status, name="objective_status"),
    path("objectives/<uuid:uuid>/evidence/new/", plan_views.evidence_new, name="evidence_new"),
    path(
        "mentorships/<uuid:uuid>/observations/",
        plan_views.observation_list,
        name="observation_list",
    ),
    path(
        "mentorships/<uuid:uuid>/observations/new/",
        plan_views.observation_new,
        name="observation_new",
    ),
    path("observations/<uuid:uuid>/", plan_views.observation_detail, name="observation_detail"),
    path(
        "observations/<uuid:uuid>/judgement/",
        plan_views.observation_judgement,
        name="observation_judgement",
    ),
    path(
        "observations/<uuid:uuid>/targets/<int:index>/move/",
        plan_views.observation_move_target,
        name="observation_move_target",
    ),
    path(
        "observations/<uuid:uuid>/response/",
        plan_views.observation_response,
        name="observation_response",
    ),
    path(
        "observations/<uuid:uuid>/purpose/",
        plan_views.observation_purpose,
        name="observation_purpose",
    ),
]
