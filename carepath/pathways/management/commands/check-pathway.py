import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext, ngettext

from carepath.pathways import documents
from carepath.pathways.findings import Words, listed
from carepath.pathways.graph import Pathway


class Command(BaseCommand):
    help = (
        "Check a pathway JSON file with the editor's checks: print each problem and exit 1 when there is an "
        "error (warnings alone exit 0). For a pathway kept in a repository and checked in CI."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The pathway JSON file (carepath-pathway/1).")
        parser.add_argument("--json", action="store_true", help="Print the problems as a JSON list.")
        parser.add_argument(
            "--language", choices=("en", "fr"), default="en", help="The language of the messages (en, fr)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["language"]):
            problems = self._problems(options["path"])
            errors = sum(1 for p in problems if p["severity"] == "error")
            warnings = len(problems) - errors
            if options["json"]:
                self.stdout.write(json.dumps(problems, ensure_ascii=False, indent=2))
            else:
                for problem in problems:
                    label = gettext("error") if problem["severity"] == "error" else gettext("warning")
                    where = problem.get("where")  # in the file; the checks' messages name their step
                    message = f"{where}: {problem['message']}" if where else problem["message"]
                    self.stdout.write(
                        gettext("%(severity)s: %(message)s") % {"severity": label, "message": message}
                    )
                if problems:
                    self.stdout.write(
                        ngettext("%(count)s error", "%(count)s errors", errors) % {"count": errors}
                        + ", "
                        + ngettext("%(count)s warning", "%(count)s warnings", warnings) % {"count": warnings}
                    )
                else:
                    self.stdout.write(self.style.SUCCESS(gettext("No problem found.")))
            if errors:
                raise CommandError(
                    ngettext("%(path)s: %(count)s error.", "%(path)s: %(count)s errors.", errors)
                    % {"path": options["path"], "count": errors},
                    returncode=1,
                )

    def _problems(self, path: Path) -> list[dict[str, Any]]:
        """The file's problems: what keeps it from being read as a pathway (the JSON, the schema), else what
        the checks find."""
        document, broken = documents.load(path)
        if document is None or broken:
            return [
                {"severity": "error", "code": "schema", "where": where.strip(), "message": message.strip()}
                for where, _, message in (problem.partition(": ") for problem in broken)
            ]
        plan = Pathway.from_dict(document)
        words = Words(plan)
        return [
            {"severity": f.severity, "code": f.code, "step": f.step, "message": f.message(words)}
            for f in listed(plan)
        ]
