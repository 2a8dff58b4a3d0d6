"""Reads of the directory: HSDS tables for a set of services (exports and the HSDS API)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import Q

from carepath.geo import parse_area

from . import vocabulary
from .hsds.spec import OWNERS, POLYMORPHIC_OWNERS, REFERENCES, tables
from .models import (
    HSDS_MODELS,
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
from .snapshot import ServiceFacts
from .translation import TRANSLATED

Record = dict[str, Any]

BATCH = 2000  # ids per IN (...) query: under SQLite's and PostgreSQL's parameter limits


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
    # A record's attributes and metadata name its table too: the same id in another table is another record.
    owned = {(table, row["id"]) for table, rows in result.items() for row in rows}
    attributes = [
        row
        for row in records(Attribute, lang, link_id=every_id)
        if (row.get("link_entity"), row.get("link_id")) in owned
    ]
    terms = records(TaxonomyTerm, lang, id=_ids(attributes, "taxonomy_term_id"))
    terms = records(TaxonomyTerm, lang, id=_ids(terms) | _ids(terms, "parent_id"))
    result["attribute"] = attributes
    result["taxonomy_term"] = terms
    result["taxonomy"] = records(Taxonomy, lang, id=_ids(terms, "taxonomy_id"))
    owned |= {("attribute", row["id"]) for row in attributes} | {
        ("taxonomy_term", row["id"]) for row in terms
    }
    result["metadata"] = [
        row
        for row in records(Metadata, lang, resource_id=every_id | _ids(attributes) | _ids(terms))
        if (row.get("resource_type"), row.get("resource_id")) in owned
    ]
    return {name: rows for name, rows in result.items() if rows}


def service_facts(services: Any) -> list[ServiceFacts]:
    """What the pathway checks and the navigator need of each service (a queryset of services), in 6 queries."""
    by_id = vocabulary.load().by_id()
    rows = list(
        services.order_by().values(
            "id",
            "name_en",
            "name_fr",
            "status",
            "minimum_age",
            "maximum_age",
            "interpretation_services_en",
            "organization__name_en",
            "organization__name_fr",
        )
    )
    ids = services.order_by().values("id")
    languages: dict[Any, set[str]] = defaultdict(set)
    for service_id, code in Language.objects.filter(service_id__in=ids).values_list("service_id", "code"):
        if code:
            languages[service_id].add(code.lower())
    terms: dict[Any, list[tuple[Any, str | None]]] = defaultdict(list)
    attributes = Attribute.objects.of_services().filter(link_id__in=ids, taxonomy_term_id__in=list(by_id))
    for link_id, term_id, value in attributes.values_list("link_id", "taxonomy_term_id", "value"):
        terms[link_id].append((by_id[str(term_id)], value))
    locations: dict[Any, list[tuple[float, float]]] = defaultdict(list)
    sal = ServiceAtLocation.objects.filter(
        service_id__in=ids, location__latitude__isnull=False, location__longitude__isnull=False
    )
    for service_id, lat, lon in sal.values_list("service_id", "location__latitude", "location__longitude"):
        locations[service_id].append((lat, lon))
    areas: dict[Any, list[Any]] = defaultdict(list)
    for service_id, extent, kind in ServiceArea.objects.filter(service_id__in=ids).values_list(
        "service_id", "extent", "extent_type"
    ):
        area = parse_area(extent, kind)
        if area is not None:
            areas[service_id].append(area)
    facts = []
    for row in rows:
        key = row["id"]
        branches: dict[str, set[str]] = defaultdict(set)
        populations = []
        wait = None
        for term, value in terms.get(key, []):
            if term.branch == "population" and value in ("only", "focus"):
                populations.append((term.key, value))
            elif term.code == "wait-days" and value and value.strip().isdigit():
                wait = int(value)
            else:
                branches[term.branch].add(term.key)
        facts.append(
            ServiceFacts(
                id=str(key),
                name=row["name_en"] or row["name_fr"] or "",
                name_fr=row["name_fr"] or "",
                organization=row["organization__name_en"] or row["organization__name_fr"] or "",
                organization_fr=row["organization__name_fr"] or "",
                active=row["status"] == "active",
                min_months=None if row["minimum_age"] is None else row["minimum_age"] * 12,
                max_months=None if row["maximum_age"] is None else row["maximum_age"] * 12,
                languages=frozenset(languages.get(key, ())),
                interpretation=bool(row["interpretation_services_en"]),
                delivery=frozenset(branches["delivery"]),
                service_types=frozenset(branches["service-type"]),
                tiers=frozenset(branches["tier"]),
                concerns=frozenset(branches["concern"]),
                sectors=frozenset(branches["sector"]),
                referral=frozenset(branches["referral"]),
                cost=frozenset(branches["cost"]),
                populations=tuple(sorted(populations)),
                wait_days=wait,
                locations=tuple(locations.get(key, ())),
                areas=tuple(areas.get(key, ())),
            )
        )
    return facts


def parts_of(table: str, ids: Iterable[Any]) -> dict[str, set[Any]]:
    """The records and every record that is part of them (``spec.OWNERS``): a service with its phones, its
    services at locations and their schedules, its attributes... Locations and organizations a service only
    names are not parts of it."""
    found: dict[str, set[Any]] = {table: set(ids)}
    frontier = {table: set(found[table])}
    while frontier:
        reached: dict[str, set[Any]] = {}
        for part, fields in OWNERS.items():
            query = Q()
            for name in fields:
                targets = frontier.get(REFERENCES[part][name])
                if targets:
                    query |= Q(**{f"{HSDS_MODELS[part].attname(name)}__in": list(targets)})
            if query:
                reached[part] = set(HSDS_MODELS[part].objects.filter(query).values_list("pk", flat=True))
        for part, (entity, link) in POLYMORPHIC_OWNERS.items():
            query = Q()
            for target, targets in frontier.items():
                query |= Q(**{entity: target, f"{link}__in": list(targets)})
            reached[part] = set(HSDS_MODELS[part].objects.filter(query).values_list("pk", flat=True))
        frontier = {}
        for part, pks in reached.items():
            new = pks - found.get(part, set())
            if new:
                found.setdefault(part, set()).update(new)
                frontier[part] = new
    return found


def existing_ids(table: str, ids: set[str]) -> set[str]:
    """Which of these ids the directory holds in an HSDS table (for checking an import's references)."""
    model = HSDS_MODELS[table]
    found: set[str] = set()
    chunk = list(ids)
    for start in range(0, len(chunk), BATCH):
        found.update(
            str(pk)
            for pk in model.objects.filter(pk__in=chunk[start : start + BATCH]).values_list("pk", flat=True)
        )
    return found
