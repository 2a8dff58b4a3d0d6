"""The ``carepath`` console script: Django's ``manage.py`` with Carepath's settings preset."""

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carepath.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "carepath"
    execute_from_command_line(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
