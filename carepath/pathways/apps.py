from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PathwaysConfig(AppConfig):
    name = "carepath.pathways"
    label = "pathways"
    verbose_name = _("Care pathways")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save  # noqa: PLC0415 - kept with its one use

        from .models import PathwayVersion  # noqa: PLC0415 - models exist only once the apps are loaded

        post_save.connect(_published_may_change, sender=PathwayVersion, dispatch_uid="pathway-token-save")
        post_delete.connect(_published_may_change, sender=PathwayVersion, dispatch_uid="pathway-token-delete")


def _published_may_change(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A saved or deleted version may change which version of its community's pathway is published: a new token
    for the navigator's copies (``navigator.snapshots.published``)."""
    from carepath import versions  # noqa: PLC0415 - it reads models, which exist once the apps are loaded

    from .models import Pathway  # noqa: PLC0415 - the same

    community = Pathway.objects.filter(pk=instance.pathway_id).values_list("community_id", flat=True).first()
    if community is not None:
        versions.bump(versions.pathway_key(community))
