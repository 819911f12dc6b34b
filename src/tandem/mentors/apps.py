from django.apps import AppConfig


class MentorsConfig(AppConfig):
    name = "tandem.mentors"
    label = "mentors"
    verbose_name = "Mentor pool"
