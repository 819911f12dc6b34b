from django.urls import path

from tandem.mentors import views

app_name = "mentors"

urlpatterns = [
    path("subjects/", views.subject_list, name="subject_list"),
]
