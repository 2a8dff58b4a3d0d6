from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticesConfig(AppConfig):
    name = "carepath.practices"
    label = "practices"
    verbose_name = _("Practice registry")

    def ready(self) -> None:
        from . import permissions  # noqa: F401 - registers the registry's rules
