"""Check and normalise the records of a :class:`Dataset`: types, formats, enums, links and the vocabulary.

Every problem is collected. Values are converted in place (CSV text to numbers, ``""`` to nothing) so the
writer gets clean records. Placeholder values found in the official examples (an ``extent`` of ``"extent"``,
a ``link_entity`` of ``"link_entity"``) are kept with a warning.
"""

from __future__ import annotations

import functools
import math
import re
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time
from typing import Any

from carepath import links, safejson

from ..vocabulary import POPULATION_VALUES, TAXONOMY_ID, TAXONOMY_NAME, WAIT_DAYS, Vocabulary
from .problems import WARNING, describe
from .reader import Dataset
from .spec import Field, Table, tables

# Given a table and ids, the ids that already exist in the directory.
Existing = Callable[[str, set[str]], set[str]]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$")
_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}


def validate(
    data: Dataset, *, existing: Existing | None = None, vocabulary: Vocabulary | None = None
) -> Dataset:
    spec = tables("3.1")
    for table_name, rows in data.records.items():
        table = spec[table_name]
        for record_id, record in rows.items():
            check_record(data, table, record_id, record)
        canonical_keys(data, table_name)
    if vocabulary is not None:
        _map_vocabulary(data, vocabulary)
    built_in = {"taxonomy_term": set(vocabulary.by_id()), "taxonomy": {TAXONOMY_ID}} if vocabulary else {}
    lookup = existing or (lambda table, ids: set())
    check_references(data, lambda table, ids: (ids & built_in.get(table, set())) | lookup(table, ids))
    return data


@functools.cache
def _fields_to_check(table: str, every: bool) -> tuple[tuple[str, Field], ...]:
    """Fields needing a look: required, typed, formatted or enumerated ones (and plain text from JSON)."""
    return tuple(
        (name, spec)
        for name, spec in tables("3.1")[table].fields.items()
        if every or spec.required or spec.type != "string" or spec.format or spec.enum
    )


_CANONICAL_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def check_record(data: Dataset, table: Table, record_id: str, record: dict[str, Any]) -> None:
    def problem(code: str, fld: str, severity: str = "error", **params: Any) -> None:
        data.problem(code, table=table.name, record_id=record_id, fld=fld, severity=severity, **params)

    # CSV values are always text: only fields with a type, format or enum need a look.
    for name, spec in _fields_to_check(table.name, table.name not in data.given):
        value = record.get(name)
        if value is None or value == "":
            if name in record:
                record[name] = None  # given empty: clears the field; a field not given is left as it is
            if spec.required:
                problem("required", name)
            continue
        if spec.format == "uuid" and type(value) is str and _CANONICAL_UUID.match(value):
            continue  # the common case, kept fast for large files
        if isinstance(value, str) and spec.type != "string":
            value = value.strip()
        converted = _convert(spec, value, functools.partial(_field_problem, problem, name))
        if converted is not _INVALID:
            record[name] = converted
    _check_table(table.name, record, problem)


@functools.cache
def _row_checks(table: str) -> tuple[dict[str, Field], tuple[str, ...]]:
    fields = dict(_fields_to_check(table, False))
    return fields, tuple(name for name, spec in fields.items() if spec.required)


def check_row(data: Dataset, table: Table, record_id: str, record: dict[str, Any]) -> None:
    """``check_record`` for a CSV row, whose empty cells are left out: the same checks, looking only at the
    cells the row has (a large file's rows have a few of the table's many fields)."""

    def problem(code: str, fld: str, severity: str = "error", **params: Any) -> None:
        data.problem(code, table=table.name, record_id=record_id, fld=fld, severity=severity, **params)

    checks, required = _row_checks(table.name)
    for name in required:
        if name not in record:
            problem("required", name)
    for name, value in record.items():
        spec = checks.get(name)
        if spec is None or (spec.format == "uuid" and _CANONICAL_UUID.match(value)):
            continue
        if spec.type != "string":
            value = value.strip()
        converted = _convert(spec, value, functools.partial(_field_problem, problem, name))
        if converted is not _INVALID:
            record[name] = converted
    _check_table(table.name, record, problem)


def _check_table(table: str, record: dict[str, Any], problem: Callable[..., None]) -> None:
    if table == "service":
        _check_ages(record, problem)
    elif table == "location":
        for name, limit in (("latitude", 90), ("longitude", 180)):
            value = record.get(name)
            if isinstance(value, float) and abs(value) > limit:
                problem(name, name, value=value)
    elif table == "service_area":
        _check_extent(record, problem)
    elif table in ("attribute", "metadata"):
        entity_field = "link_entity" if table == "attribute" else "resource_type"
        entity = record.get(entity_field)
        if (
            isinstance(entity, str)
            and entity not in tables("3.1")
            and entity.strip().lower() in tables("3.1")
        ):
            record[entity_field] = entity = entity.strip().lower()  # "Service" names the service table
        if entity is not None and entity not in tables("3.1"):
            # Kept as given, but it belongs to no record: pages, the navigator and exports read an attribute
            # as part of the record its link_entity and link_id name together.
            problem("placeholder_entity", entity_field, severity=WARNING, value=entity)


_INVALID = object()


def canonical_keys(data: Dataset, table: str) -> None:
    """Records keyed by their id as checked (``7FD42AF7...`` or `` id `` is the canonical UUID): two
    spellings of one id are one record, and must agree."""
    rows = data.records[table]
    renamed = [
        (key, record["id"])
        for key, record in rows.items()
        if isinstance(record.get("id"), str) and record["id"] != key
    ]
    if not renamed:
        return
    sources = data.sources.get(table, {})
    for old, new in renamed:
        record = rows.pop(old)
        if old in sources:
            sources[new] = sources.pop(old)
        if new in rows and rows[new] != record:
            data.problem("duplicate_conflict", table=table, record_id=new, fld="id", id=new)
        rows.setdefault(new, record)
    if table == "service":
        mapping = dict(renamed)
        data.top_ids = [mapping.get(i, i) for i in data.top_ids]


def _field_problem(problem: Callable[..., None], name: str, code: str, **params: object) -> None:
    problem(code, name, **params)


def _convert(spec: Field, value: Any, problem: Callable[..., None]) -> Any:
    if spec.type in ("number", "integer"):
        number = _number(value)
        if number is None:
            problem("not_number" if spec.type == "number" else "not_integer", value=value)
            return _INVALID
        if spec.type == "integer" and not float(number).is_integer():
            problem("not_integer", value=value)
            return _INVALID
        return number
    if spec.type == "boolean":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE or text in _FALSE:
            return text in _TRUE
        problem("not_boolean", value=value)
        return _INVALID
    if not isinstance(value, str):
        problem("not_text", found=describe(value))
        return _INVALID
    if "\x00" in value:
        problem("nul_character")
        return _INVALID
    checker = _FORMATS.get(spec.format or "")
    if checker is not None and not checker(value.strip()):
        problem(_FORMAT_CODES[spec.format or ""], value=value)
        return _INVALID
    if spec.enum is not None and value not in spec.enum:
        problem("bad_enum", value=value, choices=list(spec.enum))
        return _INVALID
    if spec.format == "uuid":
        return str(uuid.UUID(value.strip()))
    if spec.format == "uri":
        return value.strip()
    return value


def _number(value: Any) -> int | float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value if math.isfinite(value) else None
    try:
        number = float(str(value).strip())
    except ValueError:
        return None
    if not math.isfinite(number):
        return None
    return (
        int(number)
        if number.is_integer() and "." not in str(value) and "e" not in str(value).lower()
        else number
    )


def _is_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def _is_datetime(value: str) -> bool:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        moment.astimezone(UTC)  # representable in UTC, as databases store it
    except (ValueError, OverflowError):
        return False
    return True


def _is_time(value: str) -> bool:
    if not _TIME.match(value):
        return False
    try:
        time.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


_FORMATS: dict[str, Callable[[str], bool]] = {
    "uuid": lambda v: bool(_UUID.match(v)),
    "email": lambda v: bool(_EMAIL.match(v)),
    "uri": links.is_safe,  # web addresses only: a javascript: or data: link would run on our pages
    "date": _is_date,
    "date-time": _is_datetime,
    "time": _is_time,
}
_FORMAT_CODES = {
    "uuid": "bad_uuid",
    "email": "bad_email",
    "uri": "bad_uri",
    "date": "bad_date",
    "date-time": "bad_datetime",
    "time": "bad_time",
}


def _check_ages(record: dict[str, Any], problem: Callable[..., None]) -> None:
    for name in ("minimum_age", "maximum_age"):
        value = record.get(name)
        if isinstance(value, int | float) and not 0 <= value <= 130:
            problem("bad_age", name, value=value)
            record.pop(name)
    low, high = record.get("minimum_age"), record.get("maximum_age")
    if isinstance(low, int | float) and isinstance(high, int | float) and low > high:
        problem("ages_reversed", "minimum_age", minimum=low, maximum=high)


def _check_extent(record: dict[str, Any], problem: Callable[..., None]) -> None:
    extent, kind = record.get("extent"), (record.get("extent_type") or "").lower()
    if extent is None or kind != "geojson":
        return
    try:
        shape = safejson.loads(extent)
    except ValueError:
        problem("placeholder_extent", "extent", severity=WARNING, value=extent)
        return
    if not isinstance(shape, dict) or shape.get("type") not in ("Polygon", "MultiPolygon"):
        problem("placeholder_extent", "extent", severity=WARNING, value=extent)
        return
    reason = geojson_problem(shape)
    if reason:
        problem("bad_geojson", "extent", reason=reason)


def geojson_problem(shape: dict[str, Any]) -> str | None:
    """Why a GeoJSON Polygon or MultiPolygon is not usable, or None when it is."""
    polygons = shape.get("coordinates")
    if not isinstance(polygons, list) or not polygons:
        return "coordinates must be a non-empty list"
    if shape["type"] == "Polygon":
        polygons = [polygons]
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            return "each polygon must be a list of rings"
        for ring in polygon:
            if not isinstance(ring, list) or len(ring) < 4:
                return "each ring needs at least four positions"
            for position in ring:
                if (
                    not isinstance(position, list)
                    or len(position) < 2
                    or not all(isinstance(c, int | float) and not isinstance(c, bool) for c in position[:2])
                    or not (-180 <= position[0] <= 180 and -90 <= position[1] <= 90)
                ):
                    return f"{position!r} is not a longitude, latitude position"
            if ring[0][:2] != ring[-1][:2]:
                return "each ring must end where it starts"
    return None


# --- The carepath vocabulary ---------------------------------------------------------------------------


def _is_carepath(term: dict[str, Any], data: Dataset) -> bool:
    if term.get("taxonomy_id") == TAXONOMY_ID or str(term.get("taxonomy", "")).lower() == TAXONOMY_NAME:
        return True
    taxonomy = data.records.get("taxonomy", {}).get(term.get("taxonomy_id", ""), {})
    return str(taxonomy.get("name", "")).lower() == TAXONOMY_NAME


def _map_vocabulary(data: Dataset, vocabulary: Vocabulary) -> None:
    """Give carepath terms their canonical ids (matched by code) and check carepath attribute values."""
    renamed, canonical = map_terms(data, vocabulary), vocabulary.by_id()
    for record_id, attribute in data.records.get("attribute", {}).items():
        check_attribute(data, record_id, attribute, renamed, canonical)


def map_terms(data: Dataset, vocabulary: Vocabulary) -> dict[str, str]:
    """Drop the file's copies of carepath terms (the directory holds them), each unknown code a problem:
    the file's term id -> the canonical id."""
    terms = data.records.get("taxonomy_term", {})
    renamed: dict[str, str] = {}
    for record_id, record in list(terms.items()):
        if not _is_carepath(record, data):
            continue
        code = str(record.get("code") or "")
        known = vocabulary.terms.get(code)
        if known is None:
            branch = code.split("/", 1)[0]
            if branch in vocabulary.branches:
                data.problem(
                    "vocabulary_code",
                    table="taxonomy_term",
                    record_id=record_id,
                    fld="code",
                    value=code,
                    branch=branch,
                    choices=vocabulary.codes(branch),
                )
            else:
                data.problem(
                    "vocabulary_branch",
                    table="taxonomy_term",
                    record_id=record_id,
                    fld="code",
                    value=code,
                    choices=vocabulary.branches,
                )
            continue
        # The directory already holds the vocabulary: the file's copy of the term is only a pointer to it.
        del terms[record_id]
        renamed[record_id] = known.id
    return renamed


def check_attribute(
    data: Dataset,
    record_id: str,
    attribute: dict[str, Any],
    renamed: dict[str, str],
    canonical: dict[str, Any],
) -> None:
    """Point an attribute at the canonical carepath term (``renamed``: from ``map_terms``; ``canonical``: the
    vocabulary's terms by id) and check its value."""
    term_ref = attribute.get("taxonomy_term_id")
    if term_ref in renamed:
        attribute["taxonomy_term_id"] = term_ref = renamed[term_ref]
    term = canonical.get(term_ref or "")
    if term is None:
        return
    value = attribute.get("value")
    if term.branch == "population" and value not in POPULATION_VALUES:
        data.problem(
            "vocabulary_value",
            table="attribute",
            record_id=record_id,
            fld="value",
            branch=term.code,
            value=value,
            choices=list(POPULATION_VALUES),
        )
    elif term.code == WAIT_DAYS and not (isinstance(value, str) and value.strip().isdigit()):
        data.problem("vocabulary_days", table="attribute", record_id=record_id, fld="value", value=value)


# --- Links between records ------------------------------------------------------------------------------


def check_references(data: Dataset, existing: Existing) -> None:
    spec = tables("3.1")
    wanted: dict[str, set[str]] = {}
    pending: list[tuple[str, str, str, str, str]] = []  # table, record id, field, target table, value
    for table_name, rows in data.records.items():
        references = spec[table_name].references
        for record_id, record in rows.items():
            for fld, target in references.items():
                value = record.get(fld)
                if isinstance(value, str) and value not in data.records.get(target, {}):
                    pending.append((table_name, record_id, fld, target, value))
                    wanted.setdefault(target, set()).add(value)
            if table_name == "attribute":
                entity, link = record.get("link_entity"), record.get("link_id")
                if entity in spec and isinstance(link, str) and link not in data.records.get(entity, {}):
                    pending.append((table_name, record_id, "link_id", entity, link))
                    wanted.setdefault(entity, set()).add(link)
    found = {target: existing(target, ids) for target, ids in wanted.items()}
    for table_name, record_id, fld, target, value in pending:
        if value not in found[target]:
            data.problem(
                "dangling_reference",
                severity=WARNING,
                table=table_name,
                record_id=record_id,
                fld=fld,
                value=value,
                target=target,
            )


def problems_sorted(problems: Iterable[Any]) -> list[Any]:
    return sorted(problems, key=lambda p: (not p.is_error, p.file, p.where, p.field))
