from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NavigatorConfig(AppConfig):
    name = "carepath.navigator"
    label = "navigator"
    verbose_name = _("Navigator")
