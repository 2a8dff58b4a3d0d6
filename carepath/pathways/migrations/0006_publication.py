"""Publishing means reviewed: a version records how it was published (after a complete review, without one for a
reason a facilitator gave, or as the Ontario template). Versions published before keep a blank record, except
those whose review every named approver approved: they were reviewed, and say so."""

from django.db import migrations, models


def mark_reviewed(apps, schema_editor):
    PathwayVersion = apps.get_model("pathways", "PathwayVersion")
    Invitation = apps.get_model("pathways", "Invitation")
    approvers = Invitation.objects.filter(role="approver")
    reviewed = (
        approvers.filter(review__version__published_at__isnull=False)
        .values_list("review__version_id", flat=True)
        .distinct()
    )
    waiting = approvers.filter(approved_at__isnull=True).values_list("review__version_id", flat=True)
    PathwayVersion.objects.filter(pk__in=reviewed).exclude(pk__in=waiting).update(publication="reviewed")


class Migration(migrations.Migration):
    dependencies = [("pathways", "0005_pathway_tokens")]

    operations = [
        migrations.AddField(
            model_name="pathwayversion",
            name="publication",
            field=models.CharField(
                blank=True,
                choices=[
                    ("reviewed", "Reviewed and approved"),
                    ("without-review", "Published without review"),
                    ("template", "Published from the Ontario template"),
                ],
                editable=False,
                max_length=20,
                verbose_name="publication",
            ),
        ),
        migrations.AddField(
            model_name="pathwayversion",
            name="publish_reason",
            field=models.CharField(
                blank=True, editable=False, max_length=1000, verbose_name="reason for publishing without review"
            ),
        ),
        migrations.RunPython(mark_reviewed, migrations.RunPython.noop),
    ]
