from django.urls import path

from tandem.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("home/<slug:kind>/", views.role_home, name="role_home"),
    path("organisation/switch/", views.switch_organisation, name="switch_organisation"),
    path("account/", views.account, name="account"),
    path("activity/", views.audit_log, name="audit_log"),
]
