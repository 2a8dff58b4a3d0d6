from django.db import migrations


def load_instruments(apps, schema_editor):
    from carepath.practices.services.surveys import load_shipped

    load_shipped(apps.get_model("practices", "Instrument"))


class Migration(migrations.Migration):
    dependencies = [("practices", "0001_initial")]
    operations = [migrations.RunPython(load_instruments, migrations.RunPython.noop)]
