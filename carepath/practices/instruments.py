"""Survey instruments as data: read a file, check it against the schema and its own rules. No Django.

An instrument has sections (for IPCHS, the five strategies), each with items (the nineteen approaches, the
unit that is scored) holding questions answered on one scale. The format is in
``schema/instrument.schema.json``; the shipped instruments are in ``data/instruments/``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from carepath import safejson

SCHEMA_PATH = Path(__file__).parent / "schema" / "instrument.schema.json"
SHIPPED = Path(__file__).parent / "data" / "instruments"


@cache
def _validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def _where(path: Any) -> str:
    return "/".join(str(part) for part in path) or "(top)"


def _rule_errors(document: dict[str, Any]) -> list[str]:
    """What the schema cannot say: the levels cover the scale once each, codes are unique."""
    errors = []
    scale = document["scale"]
    if scale["min"] >= scale["max"]:
        errors.append("scale: min must be below max.")
    wanted = list(range(scale["min"], scale["max"] + 1))
    values = [level["value"] for level in scale["levels"]]
    if sorted(values) != wanted:
        errors.append(
            f"scale/levels: give each value from {scale['min']} to {scale['max']} exactly once "
            f"(found {', '.join(str(v) for v in values)})."
        )
    seen: dict[str, str] = {}
    for s, section in enumerate(document["sections"]):
        places = [(f"sections/{s}", section["code"])]
        for i, item in enumerate(section["items"]):
            places.append((f"sections/{s}/items/{i}", item["code"]))
            for q, question in enumerate(item["questions"]):
                where = f"sections/{s}/items/{i}/questions/{q}"
                places.append((where, question["code"]))
                outside = sorted(set(question.get("levels", {})) - {str(v) for v in wanted}, key=int)
                if outside:
                    errors.append(f"{where}/levels: {', '.join(outside)} is not a level of the scale.")
        for where, code in places:
            if code in seen:
                errors.append(f"{where}/code: {code!r} is already used at {seen[code]}.")
            else:
                seen[code] = where
    return errors


def problems(document: Any) -> list[str]:
    """Every problem with an instrument document, as "path: message"; empty when it can be loaded."""
    errors = sorted(_validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    found = [f"{_where(error.absolute_path)}: {error.message}" for error in errors]
    return found or _rule_errors(document)


def read(
    data: bytes, name: str = "instrument.json", *, max_depth: int = safejson.DEFAULT_MAX_DEPTH
) -> tuple[dict[str, Any] | None, list[str]]:
    """An instrument document from a file's bytes, and the problems found in it."""
    try:
        document = safejson.loads(data.decode("utf-8"), max_depth=max_depth)
    except UnicodeDecodeError:
        return None, [f"{name}: the file is not UTF-8 text."]
    except json.JSONDecodeError as error:
        return None, [f"{name}: the JSON is broken at line {error.lineno}, column {error.colno}: {error.msg}"]
    except (safejson.TooDeepError, safejson.TooLongError) as error:
        return None, [f"{name}: {error}."]
    found = problems(document)
    return (None if found else document), found


def shipped() -> list[Path]:
    return sorted(SHIPPED.glob("*.json"))


@dataclass(frozen=True)
class Item:
    code: str
    questions: tuple[str, ...]


@dataclass(frozen=True)
class Section:
    code: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Layout:
    """The shape scoring needs: which questions make each item and which items each section."""

    sections: tuple[Section, ...]
    minimum: int
    maximum: int

    @property
    def questions(self) -> tuple[str, ...]:
        return tuple(q for s in self.sections for i in s.items for q in i.questions)

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(i for s in self.sections for i in s.items)


def layout(document: dict[str, Any]) -> Layout:
    return Layout(
        sections=tuple(
            Section(
                section["code"],
                tuple(
                    Item(item["code"], tuple(q["code"] for q in item["questions"]))
                    for item in section["items"]
                ),
            )
            for section in document["sections"]
        ),
        minimum=document["scale"]["min"],
        maximum=document["scale"]["max"],
    )
