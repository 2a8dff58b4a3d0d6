"""The shape of HSDS 3, read from the official modular JSON Schemas shipped beside this module.

Carepath stores the HSDS 3.1 tables (a superset of 3.0) and can write either version. Nothing here imports
Django: readers, validation and writers work on plain dicts and are tested against the official examples.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

SCHEMA_DIR = Path(__file__).parent / "schema"
VERSIONS = ("3.0", "3.1")
DEFAULT_VERSION = "3.0"


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # string, number, integer or boolean
    format: str | None = None  # uuid, uri, email, date, time, date-time
    enum: tuple[str, ...] | None = None
    required: bool = False


@dataclass(frozen=True)
class Nested:
    """A nested object or array of objects inside a record (``service.phones``, ``service.organization``)."""

    key: str
    table: str
    many: bool


@dataclass(frozen=True)
class Table:
    name: str
    path: str  # file name in a tabular data package
    fields: dict[str, Field]
    nested: dict[str, Nested] = field(default_factory=dict)

    @property
    def references(self) -> dict[str, str]:
        """Fields holding the id of a record of another table, and that table."""
        return {name: target for name, target in REFERENCES.get(self.name, {}).items() if name in self.fields}


# Links between tables: field -> table it points to. Polymorphic links (attribute.link_id,
# metadata.resource_id) point to the table named by another field and are handled apart.
REFERENCES: dict[str, dict[str, str]] = {
    "organization": {"parent_organization_id": "organization"},
    "organization_identifier": {"organization_id": "organization"},
    "program": {"organization_id": "organization"},
    "service": {"organization_id": "organization", "program_id": "program"},
    "service_at_location": {"service_id": "service", "location_id": "location"},
    "location": {"organization_id": "organization"},
    "address": {"location_id": "location"},
    "phone": {
        "location_id": "location",
        "service_id": "service",
        "organization_id": "organization",
        "contact_id": "contact",
        "service_at_location_id": "service_at_location",
    },
    "contact": {
        "organization_id": "organization",
        "service_id": "service",
        "service_at_location_id": "service_at_location",
        "location_id": "location",
    },
    "schedule": {
        "service_id": "service",
        "location_id": "location",
        "service_at_location_id": "service_at_location",
    },
    "service_area": {"service_id": "service", "service_at_location_id": "service_at_location"},
    "language": {"service_id": "service", "location_id": "location", "phone_id": "phone"},
    "funding": {"organization_id": "organization", "service_id": "service"},
    "cost_option": {"service_id": "service"},
    "required_document": {"service_id": "service"},
    "accessibility": {"location_id": "location"},
    "taxonomy_term": {"parent_id": "taxonomy_term", "taxonomy_id": "taxonomy"},
    "attribute": {"taxonomy_term_id": "taxonomy_term"},
    "url": {"organization_id": "organization", "service_id": "service"},
    "service_capacity": {"service_id": "service", "unit_id": "unit"},
}

# The links that make a record part of another: a phone of a service is part of that service, so adding or
# changing it changes the service; a service or a location is part of its organization (HSDS lists them under
# it, and a service claiming another's organization speaks in its name). Other links are references: a service
# at a location names a place without being part of it, a term names its parent. Attributes and metadata are
# part of the record their ``link_entity``/``link_id`` (``resource_type``/``resource_id``) name together.
OWNERS: dict[str, tuple[str, ...]] = {
    "service": ("organization_id", "program_id"),
    "location": ("organization_id",),
    "organization_identifier": ("organization_id",),
    "program": ("organization_id",),
    "service_at_location": ("service_id",),
    "address": ("location_id",),
    "contact": ("organization_id", "service_id", "service_at_location_id", "location_id"),
    "phone": ("location_id", "service_id", "organization_id", "contact_id", "service_at_location_id"),
    "schedule": ("service_id", "location_id", "service_at_location_id"),
    "service_area": ("service_id", "service_at_location_id"),
    "language": ("service_id", "location_id", "phone_id"),
    "funding": ("organization_id", "service_id"),
    "cost_option": ("service_id",),
    "required_document": ("service_id",),
    "accessibility": ("location_id",),
    "taxonomy_term": ("taxonomy_id",),
    "url": ("organization_id", "service_id"),
    "service_capacity": ("service_id",),
}
POLYMORPHIC_OWNERS = {"attribute": ("link_entity", "link_id"), "metadata": ("resource_type", "resource_id")}

# Order in which tables can be written so that a record's links point at records written before it.
WRITE_ORDER = (
    "taxonomy",
    "taxonomy_term",
    "organization",
    "organization_identifier",
    "program",
    "service",
    "location",
    "service_at_location",
    "address",
    "contact",
    "phone",
    "schedule",
    "service_area",
    "language",
    "funding",
    "cost_option",
    "required_document",
    "accessibility",
    "url",
    "unit",
    "service_capacity",
    "attribute",
    "metadata",
    "meta_table_description",
)

# The key under which a nested child points back at its parent, e.g. a phone inside a service gets
# ``service_id``. Attributes and metadata point back through ``link_id`` / ``resource_id``.
BACK_REFERENCE = {
    "organization": "organization_id",
    "service": "service_id",
    "location": "location_id",
    "service_at_location": "service_at_location_id",
    "contact": "contact_id",
    "phone": "phone_id",
}


# A nested single object and the field of its parent that points at it (``service.organization`` sets
# ``service.organization_id``).
ONE_TO_ONE = {
    ("service", "organization"): "organization_id",
    ("service", "program"): "program_id",
    ("service_at_location", "location"): "location_id",
    ("attribute", "taxonomy_term"): "taxonomy_term_id",
    ("taxonomy_term", "taxonomy_detail"): "taxonomy_id",
    ("service_capacity", "unit"): "unit_id",
}


# Links the official schemas leave as plain text; checked as web addresses like the ``uri`` fields.
UNDECLARED_URIS = frozenset({("organization", "logo"), ("service_area", "uri")})


def _field(name: str, prop: dict[str, object], required: bool) -> Field:
    kind = str(prop.get("type", "string"))
    fmt = prop.get("format") or prop.get("datapackage_type")
    if fmt == "%Y":
        fmt = None
    enum = prop.get("enum")
    return Field(
        name=name,
        type=kind,
        format=str(fmt) if fmt and fmt not in ("string", "number") else None,
        enum=tuple(str(v) for v in enum) if isinstance(enum, list) else None,
        required=required,
    )


@cache
def tables(version: str = "3.1") -> dict[str, Table]:
    """Every HSDS table of ``version``, keyed by table name, fields in the schema's order."""
    if version not in VERSIONS:
        raise ValueError(f"HSDS version must be one of {', '.join(VERSIONS)}")
    result: dict[str, Table] = {}
    for path in sorted((SCHEMA_DIR / version).glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        required = set(schema.get("required", []))
        fields: dict[str, Field] = {}
        nested: dict[str, Nested] = {}
        for key, prop in schema["properties"].items():
            ref = prop.get("$ref") or (prop.get("items") or {}).get("$ref")
            if ref:
                nested[key] = Nested(key, ref.removesuffix(".json"), many=prop.get("type") == "array")
            else:
                fields[key] = _field(key, prop, key in required)
                if (schema["name"], key) in UNDECLARED_URIS:
                    fields[key] = Field(key, fields[key].type, "uri", None, fields[key].required)
        result[schema["name"]] = Table(schema["name"], schema["path"], fields, nested)
    return result


def table_for_path(filename: str, version: str = "3.1") -> Table | None:
    for table in tables(version).values():
        if table.path == filename:
            return table
    return None
