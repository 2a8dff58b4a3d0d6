from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from carepath.communities.exports import export_community
from carepath.communities.models import Community


class Command(BaseCommand):
    help = "Export a community's inventory as HSDS 3: a JSON list of full services, or a CSV data package."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", type=Path, help="a .json file, or a folder or .zip for --format csv")
        parser.add_argument("--community", required=True)
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument("--language", choices=["en", "fr"], default="en")
        parser.add_argument("--hsds-version", choices=["3.0", "3.1"], default="3.0")
        parser.add_argument(
            "--all", action="store_true", help="include services not published in the inventory"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        community = Community.objects.filter(slug=options["community"]).first()
        if community is None:
            raise CommandError(f"There is no community {options['community']!r}.", returncode=1)
        out: Path = options["out"]
        if out.exists() and out.is_dir() and options["format"] == "json":
            raise CommandError(f"{out} is a folder; give a file name for JSON.", returncode=1)
        count = export_community(
            community=community,
            out=out,
            fmt=options["format"],
            language=options["language"],
            version=options["hsds_version"],
            published_only=not options["all"],
        )
        self.stdout.write(self.style.SUCCESS(f"Exported {count} service(s) to {out}."))
