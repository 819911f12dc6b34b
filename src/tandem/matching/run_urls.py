from django.urls import path

from tandem.matching import run_views

urlpatterns: list = [
    path("cohorts/<uuid:uuid>/match/", run_views.match_cohort, name="match_cohort"),
    path("match-runs/<uuid:uuid>/", run_views.run_detail, name="run_detail"),
    path("match-runs/<uuid:uuid>/publish/", run_views.run_publish, name="run_publish"),
    path("match-runs/<uuid:uuid>/discard/", run_views.run_discard, name="run_discard"),
    path("proposals/<uuid:uuid>/change/", run_views.proposal_change, name="proposal_change"),
    path(
        "organisations/<uuid:uuid>/match-runs/",
        run_views.organisation_runs,
        name="organisation_runs",
    ),
    path(
        "organisations/<uuid:uuid>/hard-to-match/",
        run_views.hard_to_match,
        name="hard_to_match",
    ),
]
