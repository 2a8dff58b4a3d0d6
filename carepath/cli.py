"""The ``carepath`` console script: Django's ``manage.py`` with Carepath's settings preset."""

import os
import secrets
import sys
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import execute_from_command_line
from django.core.management.base import CommandParser, handle_default_options


def make_sqlite_folder() -> None:
    """Make the folder of the SQLite database file (``data/`` on a fresh clone): SQLite makes the file when it
    first connects, but not its folder.

    Here, because every command that can make the database (``migrate`` first, and each of ``make run``'s)
    starts at this entry point, and web workers only open a database a command has made. Not in the settings,
    nor in an app's ``ready()``: those run whenever Carepath is imported (tests, web workers, tools) and must
    have no side effects.
    """
    try:
        database = settings.DATABASES["default"]
    except (ImproperlyConfigured, ImportError):
        return  # the command line reports it, as Django does for any command
    name = str(database.get("NAME") or "")
    in_memory = name in ("", ":memory:") or name.startswith("file:")  # a URI: left as it is (tests use them)
    if database["ENGINE"] == "django.db.backends.sqlite3" and not in_memory:
        Path(name).parent.mkdir(parents=True, exist_ok=True)


def _settings_options(argv: list[str]) -> None:
    """Take ``--settings`` and ``--pythonpath`` before the settings are first read (to find the SQLite
    folder), as Django's command line does before it runs a command: else the default settings would stick."""
    parser = CommandParser(add_help=False, allow_abbrev=False)
    parser.add_argument("--settings")
    parser.add_argument("--pythonpath")
    options, _ = parser.parse_known_args(argv[2:])
    handle_default_options(options)


# Commands that read only files and sign nothing: they run without the site's configuration (a pipeline that
# checks a pathway file has no secret key), with a random key that lives as long as the process.
STANDALONE = frozenset({"check-pathway"})


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carepath.settings")
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "carepath"
    if (
        len(argv) > 1
        and argv[1] in STANDALONE
        and not (os.environ.get("SECRET_KEY") or os.environ.get("SECRET_KEY_FILE"))
    ):
        os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
    _settings_options(argv)
    make_sqlite_folder()
    execute_from_command_line(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
