from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from carepath.communities.models import Community
from carepath.pathways import documents
from carepath.pathways.services import import_document


class Command(BaseCommand):
    help = "Import a pathway JSON file as a new draft version of a community's pathway."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--community", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        community = Community.objects.filter(slug=options["community"]).first()
        if community is None:
            raise CommandError(f"There is no community {options['community']!r}.", returncode=1)
        document, problems = documents.load(options["path"])
        for problem in problems:
            self.stderr.write(f"error: {problem}")
        if document is None or problems:
            raise CommandError(f"{len(problems)} problem(s): nothing was imported.", returncode=1)
        try:
            version = import_document(community=community, document=document)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages), returncode=1) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {options['path'].name} as draft version {version.number} of {community.slug}'s pathway."
            )
        )
