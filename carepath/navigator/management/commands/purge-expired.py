from typing import Any

from django.core.management.base import BaseCommand

from carepath import limits
from carepath.navigator import services as navigator
from carepath.pathways import services as pathways


class Command(BaseCommand):
    help = (
        "Remove the private links that have ended: saved plans past their expiry date (CAREPATH_PLAN_DAYS), "
        "the links of pathway reviews that have closed, and the rate limits' counts of clients idle again. Run it "
        "daily, e.g. from cron."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        plans = navigator.purge_expired()
        links = pathways.purge_ended_links()
        counts = limits.sweep()
        if options["verbosity"] > 0:
            self.stdout.write(
                f"Removed {plans} expired saved plan{'' if plans == 1 else 's'}, "
                f"{links} link{'' if links == 1 else 's'} of reviews that have ended and "
                f"{counts} rate limit count{'' if counts == 1 else 's'} of idle clients."
            )
