import json

from django.db import migrations


def load_instruments(apps, schema_editor):
    from carepath.practices import instruments
    from carepath.practices.services.surveys import store_instrument

    model = apps.get_model("practices", "Instrument")
    for path in instruments.shipped():
        document = json.loads(path.read_text(encoding="utf-8"))
        problems = instruments.problems(document)
        if problems:
            raise ValueError(f"{path.name}: {problems[:5]}")
        store_instrument(model, document)


class Migration(migrations.Migration):
    dependencies = [("practices", "0001_initial")]
    operations = [migrations.RunPython(load_instruments, migrations.RunPython.noop)]
