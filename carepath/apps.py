from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CarepathConfig(AppConfig):
    name = "carepath"
    label = "carepath"
    verbose_name = _("Carepath")
