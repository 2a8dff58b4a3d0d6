"""Report the modules of carepath/ that grew past the house limit of lines (STYLE.md: modules stay under ~500).

Modules already past it when the check came are listed in pyproject.toml ([tool.carepath.module-lines]) with the
most they may hold: they may shrink, never grow. Exit 1 when any module is past its limit.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def too_long(root: Path) -> list[str]:
    """What is wrong, a line each: modules past their limit, listed modules that are gone."""
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["carepath"]
    limit = config["module-lines"]["limit"]
    debt: dict[str, int] = config["module-lines"]["debt"]
    over = []
    for path in sorted((root / "carepath").rglob("*.py")):
        name = path.relative_to(root).as_posix()
        if "/migrations/" in name:
            continue
        lines = len(path.read_text(encoding="utf-8").splitlines())
        allowed = debt.get(name, limit)
        if lines > allowed:
            over.append(f"{name}: {lines} lines, more than {allowed}")
    for name in debt:
        if not (root / name).exists():
            over.append(f"{name} is listed in [tool.carepath.module-lines] but no longer exists: take it off")
    return over


def main() -> int:
    over = too_long(ROOT)
    for line in over:
        sys.stderr.write(f"{line}\n")
    if over:
        sys.stderr.write("Split these modules by what they do (STYLE.md, habit 1).\n")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
