from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class CarepathConfig(AppConfig):
    name = "carepath"
    label = "carepath"
    verbose_name = _("Carepath")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from . import clients, versions  # noqa: F401 (clients: for its system check)

        for label in versions.WATCHED_APPS:
            for model in apps.get_app_config(label).get_models():
                if model._meta.label_lower in versions.UNWATCHED_MODELS:
                    continue
                uid = f"carepath-data-version-{model._meta.label_lower}"
                post_save.connect(versions.on_change, sender=model, dispatch_uid=f"{uid}-save")
                post_delete.connect(versions.on_change, sender=model, dispatch_uid=f"{uid}-delete")
