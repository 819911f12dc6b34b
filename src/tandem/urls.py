from django.contrib import admin
from django.urls import include, path

from tandem.api.api import api

urlpatterns = [
    path("", include("tandem.core.urls")),
    path("", include("tandem.organisations.urls")),
    path("", include("tandem.mentors.urls")),
    path("", include("tandem.programmes.urls")),
    path("", include("tandem.relationships.urls")),
    path("", include("tandem.matching.urls")),
    path("", include("tandem.training.urls")),
    path("accounts/", include("allauth.urls")),
    path("account/tokens/", include("tandem.api.urls")),
    path("api/v1/", api.urls),
    path("django-admin/", admin.site.urls),
]

handler403 = "tandem.core.views.permission_denied"
handler404 = "tandem.core.views.page_not_found"
handler500 = "tandem.core.views.server_error"
