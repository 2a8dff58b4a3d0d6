"""Every community with a pathway gets its pathway token (``carepath.versions.pathway_key``), which the
navigator reads to know when to look again at which version is published; versions saved from now on bump it."""

import uuid

from django.db import migrations


def give_tokens(apps, schema_editor):
    Pathway = apps.get_model("pathways", "Pathway")
    DataVersion = apps.get_model("carepath", "DataVersion")
    for community in Pathway.objects.values_list("community_id", flat=True).distinct():
        DataVersion.objects.update_or_create(
            name=f"pathway:{community}", defaults={"token": uuid.uuid4().hex}
        )


class Migration(migrations.Migration):
    dependencies = [("pathways", "0004_review_tokens_hashed"), ("carepath", "0002_data_version")]

    operations = [migrations.RunPython(give_tokens, migrations.RunPython.noop)]
