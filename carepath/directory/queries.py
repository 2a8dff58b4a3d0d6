"""Reads of the directory: HSDS tables for a set of services (exports and the HSDS API)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from .hsds.spec import tables
from .models import (
    Accessibility,
    Address,
    Attribute,
    Contact,
    CostOption,
    Funding,
    HSDSModel,
    Language,
    Location,
    Metadata,
    Organization,
    OrganizationIdentifier,
    Phone,
    Program,
    RequiredDocument,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceCapacity,
    Taxonomy,
    TaxonomyTerm,
    Unit,
    Url,
)
from .translation import TRANSLATED

Record = dict[str, Any]


def hsds_value(value: Any) -> Any:
    if isinstance(value, datetime):
        text = value.isoformat(timespec="milliseconds" if value.microsecond else "seconds")
        return text.replace("+00:00", "Z")
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


CHUNK = 900  # ids per query: well under SQLite's limit on query parameters


def records(model: type[HSDSModel], language: str, **lookups: Iterable[Any]) -> list[Record]:
    """HSDS records (field names as in the specification) of ``model``, text in ``language``.

    ``lookups`` are ``field=ids`` pairs, any of which may match (``service_id=[...], location_id=[...]``);
    the ids are sent in chunks, so any number of them works on SQLite and PostgreSQL alike.
    """
    hsds_fields = tables("3.1")[model.hsds_table].fields
    translated = set(TRANSLATED.get(model, ()))
    other = "fr" if language == "en" else "en"
    plan: list[tuple[str, str, str | None]] = []  # HSDS name, attribute, fallback attribute
    for field in model._meta.concrete_fields:
        if field.column not in hsds_fields:
            continue
        if field.name in translated:
            plan.append((field.column, f"{field.name}_{language}", f"{field.name}_{other}"))
        else:
            plan.append((field.column, field.attname, None))
    wanted = sorted({a for _, attname, fallback in plan for a in (attname, fallback) if a})
    rows: dict[Any, dict[str, Any]] = {}
    for lookup, ids in lookups.items():
        id_list = sorted({str(i) for i in ids if i})
        for start in range(0, len(id_list), CHUNK):
            queryset = model.objects.filter(**{f"{lookup}__in": id_list[start : start + CHUNK]})
            for row in queryset.order_by().values(*wanted):
                rows.setdefault(row["id"], row)
    result = []
    for row in sorted(rows.values(), key=lambda r: str(r["id"])):
        record: Record = {}
        for name, attname, fallback in plan:
            value = row[attname]
            if value in (None, "") and fallback:
                value = row[fallback]
            record[name] = None if value == "" else hsds_value(value)
        result.append(record)
    return result


def _ids(rows: list[Record], name: str = "id") -> set[str]:
    return {row[name] for row in rows if row.get(name)}


def hsds_tables(service_ids: Iterable[Any], language: str = "en") -> dict[str, list[Record]]:
    """Every HSDS record that belongs with the given services, table by table."""
    lang = language
    services = records(Service, lang, id=service_ids)
    s_ids = _ids(services)
    organizations = records(Organization, lang, id=_ids(services, "organization_id"))
    o_ids = _ids(organizations)
    sals = records(ServiceAtLocation, lang, service_id=s_ids)
    sal_ids = _ids(sals)
    locations = records(Location, lang, id=_ids(sals, "location_id"), organization_id=o_ids)
    l_ids = _ids(locations)
    contacts = records(
        Contact,
        lang,
        service_id=s_ids,
        organization_id=o_ids,
        service_at_location_id=sal_ids,
        location_id=l_ids,
    )
    phones = records(
        Phone,
        lang,
        service_id=s_ids,
        organization_id=o_ids,
        service_at_location_id=sal_ids,
        location_id=l_ids,
        contact_id=_ids(contacts),
    )
    capacities = records(ServiceCapacity, lang, service_id=s_ids)
    result: dict[str, list[Record]] = {
        "service": services,
        "organization": organizations,
        "organization_identifier": records(OrganizationIdentifier, lang, organization_id=o_ids),
        "program": records(Program, lang, id=_ids(services, "program_id"), organization_id=o_ids),
        "service_at_location": sals,
        "location": locations,
        "address": records(Address, lang, location_id=l_ids),
        "accessibility": records(Accessibility, lang, location_id=l_ids),
        "contact": contacts,
        "phone": phones,
        "language": records(Language, lang, service_id=s_ids, location_id=l_ids, phone_id=_ids(phones)),
        "schedule": records(
            Schedule, lang, service_id=s_ids, location_id=l_ids, service_at_location_id=sal_ids
        ),
        "service_area": records(ServiceArea, lang, service_id=s_ids, service_at_location_id=sal_ids),
        "funding": records(Funding, lang, service_id=s_ids, organization_id=o_ids),
        "cost_option": records(CostOption, lang, service_id=s_ids),
        "required_document": records(RequiredDocument, lang, service_id=s_ids),
        "url": records(Url, lang, service_id=s_ids, organization_id=o_ids),
        "service_capacity": capacities,
        "unit": records(Unit, lang, id=_ids(capacities, "unit_id")),
    }
    every_id = set().union(*(_ids(rows) for rows in result.values()))
    attributes = records(Attribute, lang, link_id=every_id)
    terms = records(TaxonomyTerm, lang, id=_ids(attributes, "taxonomy_term_id"))
    terms = records(TaxonomyTerm, lang, id=_ids(terms) | _ids(terms, "parent_id"))
    result["attribute"] = attributes
    result["taxonomy_term"] = terms
    result["taxonomy"] = records(Taxonomy, lang, id=_ids(terms, "taxonomy_id"))
    result["metadata"] = records(Metadata, lang, resource_id=every_id | _ids(attributes) | _ids(terms))
    return {name: rows for name, rows in result.items() if rows}
