from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tandem.core"
    label = "core"
    verbose_name = "Tandem core"

    def ready(self) -> None:
        from allauth.account.signals import email_changed

        from tandem.core.accounts import keep_person_email_in_step

        email_changed.connect(keep_person_email_in_step, dispatch_uid="tandem-email-changed")
