from typing import Any

from django.core.management.base import BaseCommand

from carepath.navigator import services as navigator
from carepath.pathways import services as pathways


class Command(BaseCommand):
    help = (
        "Remove the private links that have ended: saved plans past their expiry date (CAREPATH_PLAN_DAYS), "
        "and the links of pathway reviews that have closed. Run it daily, e.g. from cron."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        plans = navigator.purge_expired()
        links = pathways.purge_ended_links()
        if options["verbosity"] > 0:
            self.stdout.write(
                f"Removed {plans} expired saved plan{'' if plans == 1 else 's'} and "
                f"{links} link{'' if links == 1 else 's'} of reviews that have ended."
            )
