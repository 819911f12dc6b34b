from django.core.management.base import BaseCommand

from tandem.mentors.models import Sector, Subject
from tandem.mentors.taxonomy import load_taxonomy


class Command(BaseCommand):
    help = "Add the shipped sectors and subjects (data/subjects.json); existing ones are kept."

    def handle(self, *args: object, **options: object) -> None:
        added = load_taxonomy(Sector, Subject)
        self.stdout.write(
            f"Subject taxonomy loaded: {added['sectors']} new sectors, "
            f"{added['subjects']} new subjects ({Subject.objects.count()} subjects in all)."
        )
