"""Attributes and metadata name their record's table in lower case (``Service`` is the service table): pages
and exports now read an attribute as part of the record its ``link_entity`` and ``link_id`` name together."""

from django.db import migrations
from django.db.models.functions import Lower

TABLES = (
    "accessibility address attribute contact cost_option funding language location meta_table_description "
    "metadata organization organization_identifier phone program required_document schedule service "
    "service_area service_at_location service_capacity taxonomy taxonomy_term unit url"
).split()


def lower(apps, schema_editor):
    for name, field in (("Attribute", "link_entity"), ("Metadata", "resource_type")):
        model = apps.get_model("directory", name)
        rows = model.objects.annotate(lowered=Lower(field)).filter(lowered__in=TABLES).exclude(**{f"{field}__in": TABLES})
        for row in rows.iterator():
            model.objects.filter(pk=row.pk).update(**{field: row.lowered})


class Migration(migrations.Migration):
    dependencies = [("directory", "0006_revision")]
    operations = [migrations.RunPython(lower, migrations.RunPython.noop, elidable=True)]
