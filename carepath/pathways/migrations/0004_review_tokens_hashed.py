"""Review links were stored as they are: keep only the SHA-256 of each token (carepath.tokens), so that the
database cannot be turned back into working links. Links already sent keep working."""

import hashlib
import secrets

from django.db import migrations, models


def hash_tokens(apps, schema_editor):
    Invitation = apps.get_model("pathways", "Invitation")
    for invitation in Invitation.objects.exclude(token__isnull=True).exclude(token="").only("pk", "token"):
        invitation.token_hash = hashlib.sha256(invitation.token.encode()).hexdigest()
        invitation.save(update_fields=["token_hash"])


def new_tokens(apps, schema_editor):
    """Going back, the old tokens cannot be recovered from their hashes: every invitation gets a new link."""
    Invitation = apps.get_model("pathways", "Invitation")
    for invitation in Invitation.objects.only("pk"):
        invitation.token = secrets.token_urlsafe(32)
        invitation.save(update_fields=["token"])


class Migration(migrations.Migration):
    dependencies = [("pathways", "0003_step_transition_revision")]

    operations = [
        migrations.AlterField(
            model_name="invitation",
            name="token",
            field=models.CharField(max_length=64, unique=True, null=True),
        ),
        migrations.AddField(
            model_name="invitation",
            name="token_hash",
            field=models.CharField(blank=True, editable=False, max_length=64, null=True, unique=True),
        ),
        migrations.RunPython(hash_tokens, new_tokens),
        migrations.RemoveField(model_name="invitation", name="token"),
    ]
