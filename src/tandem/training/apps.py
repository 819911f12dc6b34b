from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "tandem.training"
    label = "training"
    verbose_name = "Mentor training and CPD"
