from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CarepathConfig(AppConfig):
    name = "carepath"
    label = "carepath"
    verbose_name = _("Carepath")

    def ready(self) -> None:
        # It reads models, which exist only once the apps are loaded (clients: for its system check).
        from . import clients  # noqa: F401, PLC0415
