from django.apps import AppConfig, apps
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class CarepathConfig(AppConfig):
    name = "carepath"
    label = "carepath"
    verbose_name = _("Carepath")

    def ready(self) -> None:
        # Both read models, which exist only once the apps are loaded (clients: for its system check).
        from . import clients, versions  # noqa: F401, PLC0415

        for label in versions.WATCHED_APPS:
            for model in apps.get_app_config(label).get_models():
                if model._meta.label_lower in versions.UNWATCHED_MODELS:
                    continue
                uid = f"carepath-data-version-{model._meta.label_lower}"
                post_save.connect(versions.on_change, sender=model, dispatch_uid=f"{uid}-save")
                post_delete.connect(versions.on_change, sender=model, dispatch_uid=f"{uid}-delete")
