from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from carepath.communities.models import Community
from carepath.communities.services import get_or_create_community
from carepath.pathways.services import publish_template


class Command(BaseCommand):
    help = (
        "Create a community (its slug and name) with the Ontario early-years pathway template published for it; "
        "nothing happens when the community already exists."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--name", required=True)
        parser.add_argument("--region", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        if Community.objects.filter(slug=options["slug"]).exists():
            self.stdout.write(f"The community {options['slug']} already exists.")
            return
        try:
            with transaction.atomic():
                community = get_or_create_community(
                    slug=options["slug"], name=options["name"], region=options["region"]
                )
                version = publish_template(community=community)
        except ValidationError as error:
            raise CommandError(
                "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items()), returncode=1
            ) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Created the community {community.slug} with its pathway published from the template "
                f"(version {version.number}, {version.steps.count()} steps)."
            )
        )
