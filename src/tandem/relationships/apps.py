from django.apps import AppConfig


class RelationshipsConfig(AppConfig):
    name = "tandem.relationships"
    label = "relationships"
    verbose_name = "Mentoring relationships"
