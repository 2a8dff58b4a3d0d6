"""Reading pathway JSON: the schema in the repository, then the pathway's own checks. No Django."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from carepath import safejson

from . import graph

SCHEMA_PATH = Path(__file__).parent / "schema" / "pathway.schema.json"
TEMPLATES = Path(__file__).parent / "templates_data"
ONTARIO_TEMPLATE = "ontario-early-years"
# The template's revision: a community's pathway records the one it follows. When the template changes, copy
# the file as it was to REVISIONS/<name>/<its revision>.json first, then give it a new revision: tables then see
# what changed since the revision they follow, and take each change (``services.drafts.take_template_step``).
TEMPLATE_REVISION = "2026-12-08"
REVISIONS = TEMPLATES / "revisions"


@cache
def _validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def schema_errors(document: Any) -> list[str]:
    """Every place where ``document`` breaks the pathway JSON Schema, as "path: message"; step links must be
    http(s) addresses (``carepath.links``), said in plain words rather than as the schema's pattern."""
    unsafe = dict(graph.unsafe_links(document))
    errors = sorted(_validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    out, named = [], set()
    for error in errors:
        where = "/".join(str(p) for p in error.absolute_path) or "(top)"
        if where in unsafe:  # the schema's pattern, said plainly and once
            if where not in named:
                out.append(f"{where}: {unsafe[where]}")
                named.add(where)
            continue
        out.append(f"{where}: {error.message}")
    return out + [f"{where}: {message}" for where, message in unsafe.items() if where not in named]


def load(path: Path) -> tuple[dict[str, Any] | None, list[str]]:
    """A pathway document and the problems found in it (the document is None when it cannot be read)."""
    try:
        document = safejson.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        return None, [f"{path.name}: {error}"]
    except json.JSONDecodeError as error:
        return None, [
            f"{path.name}: the JSON is broken at line {error.lineno}, column {error.colno}: {error.msg}"
        ]
    except (safejson.TooDeepError, safejson.TooLongError) as error:
        return None, [f"{path.name}: {error}"]
    return document, schema_errors(document)


def template(name: str = ONTARIO_TEMPLATE) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((TEMPLATES / f"{name}.json").read_text(encoding="utf-8"))
    return document


def template_at(revision: str, name: str = ONTARIO_TEMPLATE) -> dict[str, Any] | None:
    """The template as it was at ``revision`` (the current one included), or None when that revision is not
    kept."""
    if revision == TEMPLATE_REVISION:
        return template(name)
    if not revision or "/" in revision or "\\" in revision or revision.startswith("."):
        return None
    path = REVISIONS / name / f"{revision}.json"
    if not path.is_file():
        return None
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document
