from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from carepath.communities.models import Community
from carepath.communities.services import get_or_create_community


class Command(BaseCommand):
    help = "Create a community (its slug and name); nothing happens when it already exists."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--name", required=True)
        parser.add_argument("--region", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        if Community.objects.filter(slug=options["slug"]).exists():
            self.stdout.write(f"The community {options['slug']} already exists.")
            return
        try:
            community = get_or_create_community(
                slug=options["slug"], name=options["name"], region=options["region"]
            )
        except ValidationError as error:
            raise CommandError(
                "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items()), returncode=1
            ) from error
        self.stdout.write(self.style.SUCCESS(f"Created the community {community.slug}."))
