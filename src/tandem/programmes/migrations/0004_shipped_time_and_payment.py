"""Give the shipped templates their remission, payment and supervision figures.

Migration 0002 loaded the templates before these fields existed. Only values
still at their default (0) are filled in, so an administrator's edit is kept.
"""

from django.db import migrations

FIELDS = ("remission_hours_per_mentee", "payment_per_placement_pence", "supervision_hours_per_mentor")


def fill(apps, schema_editor):
    from tandem.programmes.shipped import read_templates

    template_model = apps.get_model("programmes", "ProgrammeTemplate")
    for entry in read_templates():
        template = template_model.objects.filter(code=entry["code"]).first()
        if template is None:
            continue
        changed = [
            name
            for name in FIELDS
            if entry.get(name) and getattr(template, name) == 0
        ]
        for name in changed:
            setattr(template, name, entry[name])
        if changed:
            template.save(update_fields=changed)


class Migration(migrations.Migration):
    dependencies = [("programmes", "0003_time_and_payment_rules")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
