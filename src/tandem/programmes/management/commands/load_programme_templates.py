from django.core.management.base import BaseCommand

from tandem.programmes.models import ProgrammeTemplate
from tandem.programmes.shipped import load_templates


class Command(BaseCommand):
    help = (
        "Add the shipped programme templates (data/templates.json) that are not yet here; "
        "templates already present are kept as they are, edits included."
    )

    def handle(self, *args: object, **options: object) -> None:
        added = load_templates(ProgrammeTemplate)
        self.stdout.write(
            f"Programme templates loaded: {added} new "
            f"({ProgrammeTemplate.objects.count()} templates in all)."
        )
