"""Reads of the directory: HSDS tables for a set of services (exports and the HSDS API)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from django.db import connections
from django.db.models import Aggregate, Q, TextField, Value
from django.db.models.functions import Cast, Coalesce, Concat
from psycopg.types.string import TextLoader

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


def raw_rows(queryset: Any, *names: str) -> Iterator[tuple[Any, ...]]:
    """These columns of a query's rows, as the database driver gives them, in batches: none of the ORM's
    per-row work (a directory's snapshot reads a million attribute rows). Ids come as text (see ``_key``).
    The SQL may hold the columns in another order than asked; they are put back in the order of ``names``."""
    sql, params = queryset.values_list(*names).query.sql_with_params()
    connection = connections[queryset.db]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # ids as text, as SQLite gives them: no UUID object per value
            cursor.cursor.adapters.register_loader("uuid", TextLoader)
        cursor.execute(sql, params)
        where = [name.lower() for name, *_ in cursor.description]
        order = [where.index(name.lower()) for name in names]
        same = order == list(range(len(where)))
        while batch := cursor.fetchmany(10_000):
            yield from batch if same else (tuple(row[i] for i in order) for row in batch)


def service_key(value: str) -> str:
    """A service id as its text: SQLite gives the 32 hex digits, PostgreSQL (see ``raw_rows``) the UUID's text."""
    if len(value) == 32:
        return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"
    return value


class _Shared(dict[Any, Any]):
    """One object for equal values: a directory's 100,000 services share a few hundred sets of terms."""

    def __missing__(self, key: Any) -> Any:
        self[key] = key
        return key


BRANCHES = ("delivery", "service-type", "tier", "concern", "sector", "referral", "cost")
POPULATION, WAIT = len(BRANCHES), len(BRANCHES) + 1
NO_TERM = (WAIT + 1, "")


def _terms() -> dict[str, tuple[int, str]]:
    """Each carepath term's id (as SQLite and PostgreSQL write it) -> (its branch's place in BRANCHES, or
    POPULATION or WAIT; its key)."""
    out = {}
    for term_id, term in vocabulary.load().by_id().items():
        if term.code == "wait-days":
            kind = WAIT
        elif term.branch == "population":
            kind = POPULATION
        elif term.branch in BRANCHES:
            kind = BRANCHES.index(term.branch)
        else:
            continue
        out[term_id] = out[term_id.replace("-", "")] = (kind, term.key)
    return out


class _Joined(Aggregate):
    """The group's texts joined by UNIT (string_agg on PostgreSQL, group_concat on SQLite)."""

    function = "STRING_AGG"
    template = "%(function)s(%(expressions)s, '\x1f')"
    output_field = TextField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, function="GROUP_CONCAT", **extra)


UNIT, PAIR = "\x1f", "\x1e"


def _service_terms(ids: Any) -> Iterator[tuple[str, str]]:
    """The carepath attributes of these services, one row per service, joined in the database (a directory of
    100,000 services has some 800,000): (service id, "term id<PAIR>value<UNIT>term id<PAIR>value...")."""
    found = _terms()
    attributes = (
        Attribute.objects.of_services()
        .filter(link_id__in=ids, taxonomy_term_id__in={uuid.UUID(term_id) for term_id in found})
        .order_by()
        .values("link_id")
        .annotate(
            joined=_Joined(
                Concat(
                    Cast("taxonomy_term_id", TextField()),
                    Value(PAIR),
                    Coalesce("value", Value(""), output_field=TextField()),
                    output_field=TextField(),
                )
            )
        )
    )
    return raw_rows(attributes, "link_id", "joined")


def service_facts(services: Any) -> list[ServiceFacts]:  # noqa: C901 - one pass per table, then per service
    """What the pathway checks and the navigator need of each service (a queryset of services), in 5 queries.

    Read as plain rows, straight from the database; equal values (sets of terms, organizations' names,
    service areas) are one shared object, so 100,000 services fit in some tens of megabytes."""
    ids = services.order_by().values("id")
    shared = _Shared()
    found = _terms()
    terms = dict(_service_terms(ids))
    languages: dict[str, set[str]] = defaultdict(set)
    for service_id, code in raw_rows(Language.objects.filter(service_id__in=ids), "service_id", "code"):
        if code:
            languages[service_id].add(code.lower())
    locations: dict[str, list[tuple[float, float]]] = defaultdict(list)
    sal = ServiceAtLocation.objects.filter(
        service_id__in=ids, location__latitude__isnull=False, location__longitude__isnull=False
    )
    for service_id, lat, lon in raw_rows(sal, "service_id", "location__latitude", "location__longitude"):
        locations[service_id].append(shared[(float(lat), float(lon))])
    areas: dict[str, list[Any]] = defaultdict(list)
    parsed: dict[tuple[str, str], Any] = {}
    for service_id, extent, kind in raw_rows(
        ServiceArea.objects.filter(service_id__in=ids), "service_id", "extent", "extent_type"
    ):
        if (extent, kind) not in parsed:
            parsed[extent, kind] = parse_area(extent, kind)
        if parsed[extent, kind] is not None:
            areas[service_id].append(parsed[extent, kind])
    rows = raw_rows(
        services.order_by(),
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
    facts = []
    none: tuple[Any, ...] = ()
    for sid, name_en, name_fr, status, low, high, interpretation, org_en, org_fr in rows:
        branches: list[set[str]] = [set() for _ in BRANCHES]
        populations = []
        wait = None
        for pair in terms.pop(sid, "").split(UNIT):
            term_id, _, value = pair.partition(PAIR)
            kind, key = found.get(term_id, NO_TERM)
            if kind < POPULATION:
                branches[kind].add(key)
            elif kind == POPULATION:
                if value in ("only", "focus"):
                    populations.append((key, value))
            elif kind == WAIT and value.strip().isdigit():
                wait = int(value)
        delivery, types, tiers, concerns, sectors, referral, cost = (shared[frozenset(b)] for b in branches)
        facts.append(
            ServiceFacts(
                id=service_key(sid),
                name=name_en or name_fr or "",
                name_fr=name_fr or "",
                organization=shared[org_en or org_fr or ""],
                organization_fr=shared[org_fr or ""],
                active=status == "active",
                min_months=None if low is None else float(low) * 12,
                max_months=None if high is None else float(high) * 12,
                languages=shared[frozenset(languages.pop(sid, none))],
                interpretation=bool(interpretation),
                delivery=delivery,
                service_types=types,
                tiers=tiers,
                concerns=concerns,
                sectors=sectors,
                referral=referral,
                cost=cost,
                populations=shared[tuple(sorted(populations))],
                wait_days=wait,
                locations=shared[tuple(locations.pop(sid, none))],
                areas=shared[tuple(areas.pop(sid, none))],
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
