"""HSDS records for tests, as JSON documents the importer reads (the way data really arrives)."""

from __future__ import annotations

import uuid
from typing import Any

from carepath.directory import vocabulary

NS = uuid.UUID("0d4f5e3a-9b1c-4c1e-8f43-7a0a0b9e1c11")


def uid(name: str) -> str:
    return str(uuid.uuid5(NS, name))


def term(code: str, value: str | None = None, *, key: str = "") -> dict[str, Any]:
    attribute: dict[str, Any] = {
        "id": uid(f"attr:{key}:{code}"),
        "taxonomy_term": {
            "id": uid(f"term:{code}"),
            "code": code,
            "name": code,
            "description": code,
            "taxonomy": "carepath",
        },
    }
    if value is not None:
        attribute["value"] = value
    return attribute


def service(
    key: str,
    *,
    name: str | None = None,
    terms: list[tuple[str, str | None]] = (),  # type: ignore[assignment]
    languages: tuple[str, ...] = ("en",),
    **fields: Any,
) -> dict[str, Any]:
    """A full HSDS service with an organization, a location, a phone and carepath terms."""
    record: dict[str, Any] = {
        "id": uid(f"service:{key}"),
        "name": name or f"Service {key}",
        "description": f"What service {key} does for families.",
        "status": "active",
        "minimum_age": 0,
        "maximum_age": 6,
        "organization": {
            "id": uid("org:main"),
            "name": "Lakeside Family Services",
            "description": "A family services agency.",
        },
        "languages": [{"id": uid(f"lang:{key}:{code}"), "code": code, "name": code} for code in languages],
        "phones": [{"id": uid(f"phone:{key}"), "number": "705-555-0100"}],
        "service_at_locations": [
            {
                "id": uid(f"sal:{key}"),
                "location": {
                    "id": uid("loc:main"),
                    "location_type": "physical",
                    "name": "Main office",
                    "latitude": 46.31,
                    "longitude": -79.46,
                    "addresses": [
                        {
                            "id": uid("addr:main"),
                            "address_1": "1 Main St",
                            "city": "Maple Bay",
                            "state_province": "ON",
                            "postal_code": "P1B 2C3",
                            "country": "CA",
                            "address_type": "physical",
                        }
                    ],
                },
            }
        ],
        "attributes": [term(code, value, key=key) for code, value in terms],
        **fields,
    }
    return record


def term_id(code: str) -> str:
    return vocabulary.term_id(code)
