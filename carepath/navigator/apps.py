from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NavigatorConfig(AppConfig):
    name = "carepath.navigator"
    label = "navigator"
    verbose_name = _("Navigator")

    def ready(self) -> None:
        from carepath import versions  # noqa: PLC0415 - it reads models, which exist once the apps are loaded

        from . import snapshots  # noqa: PLC0415 - the same

        versions.changed.connect(snapshots.on_changed, dispatch_uid="navigator-snapshots")
