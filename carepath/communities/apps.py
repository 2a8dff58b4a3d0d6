from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from carepath.accounts import profile


class CommunitiesConfig(AppConfig):
    name = "carepath.communities"
    label = "communities"
    verbose_name = _("Communities")

    def ready(self) -> None:
        from . import changes  # noqa: PLC0415 - models exist only once the apps are loaded

        changes.connect()
        profile.add_link(
            perm="communities.see_site_reports",
            url_name="communities:site-reports",
            label=_("Problems reported with listings the site keeps"),
        )
