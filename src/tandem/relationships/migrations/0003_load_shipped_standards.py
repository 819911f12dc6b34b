from django.db import migrations


def load(apps, schema_editor):
    from tandem.relationships.standards import load_standards

    load_standards(
        apps.get_model("relationships", "StandardsFramework"),
        apps.get_model("relationships", "Standard"),
    )


class Migration(migrations.Migration):
    dependencies = [("relationships", "0002_relationship_records")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
