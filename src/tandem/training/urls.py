"""Pages of mentor training and CPD: each part keeps its own list of routes."""

from tandem.training import course_urls, cpd_urls, credential_urls, learning_urls, stats_urls

app_name = "training"

urlpatterns = [
    *course_urls.urlpatterns,
    *learning_urls.urlpatterns,
    *credential_urls.urlpatterns,
    *cpd_urls.urlpatterns,
    *stats_urls.urlpatterns,
]
