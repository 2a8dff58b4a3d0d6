from django.db import migrations


def load_vocabulary(apps, schema_editor):
    from carepath.directory.vocabulary_sync import sync

    sync(apps.get_model("directory", "Taxonomy"), apps.get_model("directory", "TaxonomyTerm"))


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]
    operations = [migrations.RunPython(load_vocabulary, migrations.RunPython.noop)]
