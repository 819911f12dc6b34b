"""Load the demonstration data (idempotent) and print the demo sign-ins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tandem.organisations import demo


class Command(BaseCommand):
    help = (
        "Load realistic demonstration data: two partnerships, seven organisations, "
        "named people in every role and one demo sign-in per role. Running it again "
        "changes nothing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if demo.seed():
            self.stdout.write(self.style.SUCCESS("Demonstration data loaded."))
        else:
            self.stdout.write(
                f"Demonstration people are already present ({demo.MARKER_PARTNERSHIP}); "
                "adding only what is missing."
            )
        self.seed_the_rest()
        self.stdout.write(self.sign_in_table())

    def seed_the_rest(self) -> None:
        """Each later part of the demonstration adds only what it has not added before."""
        from tandem.matching.request_demo import seed_requests
        from tandem.matching.run_demo import seed_runs
        from tandem.mentors.directory_demo import seed_directory
        from tandem.programmes.demo import seed_programmes
        from tandem.relationships.compliance_demo import seed_compliance
        from tandem.relationships.demo import seed_relationships
        from tandem.training.demo import seed_training

        seed_directory()
        programmes = seed_programmes()
        seed_relationships(programmes)
        seed_compliance()
        seed_requests(programmes)
        seed_runs()
        seed_training()

    def sign_in_table(self) -> str:
        rows = [("Role", "Name", "Email", "Password")]
        rows += [(s.role, s.name, s.email, s.password) for s in demo.sign_ins()]
        widths = [max(len(r[i]) for r in rows) for i in range(4)]
        rule = "+".join("-" * (w + 2) for w in widths)
        lines = ["", f"Demo sign-ins — open {demo.DEMO_URL} and sign in with:", "+" + rule + "+"]
        for n, row in enumerate(rows):
            cells = " | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
            lines.append(f"| {cells} |")
            if n == 0:
                lines.append("+" + rule + "+")
        lines.append("+" + rule + "+")
        lines.append(f"Django admin: {demo.DEMO_URL}django-admin/ (as {demo.SUPERUSER_EMAIL})")
        return "\n".join(lines)
