from django.db import migrations


def load(apps, schema_editor):
    from tandem.programmes.shipped import load_templates

    load_templates(apps.get_model("programmes", "ProgrammeTemplate"))


class Migration(migrations.Migration):
    dependencies = [("programmes", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
