from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from carepath.communities.imports import import_hsds
from carepath.progress import ProgressBar


class Command(BaseCommand):
    help = (
        "Import an HSDS 3 file (a JSON service, list or service_list page; or a data package folder or .zip) "
        "into the directory and a community's inventory. All or nothing: on any error nothing is written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--community", required=True, help="community slug; created when it does not exist"
        )
        parser.add_argument(
            "--language", choices=["en", "fr"], default="en", help="language of the file's text"
        )
        parser.add_argument("--name", help="name of the community when it is created")

    def handle(self, *args: Any, **options: Any) -> None:
        bar = ProgressBar(self.stderr._out)
        try:
            result = import_hsds(
                path=options["path"],
                community_slug=options["community"],
                language=options["language"],
                community_name=options["name"],
                progress=bar,
            )
        finally:
            bar.close()
        for problem in result.problems:
            self.stderr.write(
                str(problem), style_func=self.style.ERROR if problem.is_error else self.style.WARNING
            )
        if result.not_listed:
            self.stderr.write(f"... and {result.not_listed} more problem(s) not listed.")
        if not result.ok:
            raise CommandError(
                f"{result.error_count} error(s), {result.warning_count} warning(s): nothing was imported.",
                returncode=1,
            )
        for table, count in result.counts.items():
            if count["created"] or count["updated"]:
                self.stdout.write(
                    f"{table}: {count['created']} created, {count['updated']} updated, "
                    f"{count['unchanged']} unchanged"
                )
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {len(result.service_ids)} service(s) into {options['community']}: "
                f"{result.total('created')} record(s) created, {result.total('updated')} updated, "
                f"{result.total('unchanged')} unchanged, {result.added_to_inventory} added to the inventory, "
                f"{len(result.warnings)} warning(s)."
            )
        )
