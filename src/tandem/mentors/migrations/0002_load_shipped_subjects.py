from django.db import migrations


def load(apps, schema_editor):
    from tandem.mentors.taxonomy import load_taxonomy

    load_taxonomy(apps.get_model("mentors", "Sector"), apps.get_model("mentors", "Subject"))


class Migration(migrations.Migration):
    dependencies = [("mentors", "0001_subject_taxonomy")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
