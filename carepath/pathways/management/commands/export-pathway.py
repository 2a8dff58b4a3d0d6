from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from carepath.communities.models import Community
from carepath.pathways.exports import export_text
from carepath.pathways.models import PathwayVersion


class Command(BaseCommand):
    help = "Export a community's published pathway as pathway JSON or as a FHIR R4B Bundle."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", type=Path)
        parser.add_argument("--community", required=True)
        parser.add_argument("--format", choices=["json", "fhir"], default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        community = Community.objects.filter(slug=options["community"]).first()
        if community is None:
            raise CommandError(f"There is no community {options['community']!r}.", returncode=1)
        version = PathwayVersion.objects.published().filter(pathway__community=community).first()
        if version is None:
            raise CommandError(f"{community.slug} has no published pathway.", returncode=1)
        text = export_text(version, options["format"])
        out: Path = options["out"]
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        self.stdout.write(
            self.style.SUCCESS(f"Exported version {version.number} of {community.slug} to {out}.")
        )
