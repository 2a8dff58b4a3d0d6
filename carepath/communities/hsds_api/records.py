"""Which records the HSDS API shows, and how: one-to-one fields in lists, nested records on their own.

Every function here reads a whole page in a fixed number of queries, whatever its size.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.lookups import IsNull

from carepath.directory.hsds import writer
from carepath.directory.hsds.spec import tables
from carepath.directory.models import Location, Organization, Program, Service, ServiceAtLocation
from carepath.directory.queries import hsds_tables, records

from ..models import InventoryEntry
from . import HSDS_VERSION


def public_services(community: str = "") -> QuerySet[Service]:
    """Services a community publishes (``community``: only this one's), while their steward publishes them.

    A service is public while its steward's inventory entry is published (for what the site keeps: any entry):
    another community's listing does not outlive the steward's. One published entry is the steward's (or any,
    for the site's), so a whole list is one join of services and published entries, read in step from two
    indexes (``service_steward_by_id``, ``entry_published``); with ``community``, a published entry there too."""
    entries = InventoryEntry.objects
    kept = entries.filter(service_id=OuterRef("pk"), published=True).filter(
        Q(community_id=OuterRef("steward_id")) | Q(IsNull(OuterRef("steward_id"), True))
    )
    services = Service.objects.filter(Exists(kept))
    if community:
        listed = entries.filter(service_id=OuterRef("pk"), published=True, community__slug=community)
        services = services.filter(Exists(listed))
    return services


def public_organizations(community: str = "") -> QuerySet[Organization]:
    return Organization.objects.filter(
        Exists(public_services(community).filter(organization_id=OuterRef("pk")))
    )


def by_id(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {row["id"]: row for row in rows}


def one_to_one(table: str, record: dict[str, Any]) -> dict[str, Any]:
    """A record's own fields, without the records nested in it."""
    fields = tables(HSDS_VERSION)[table].fields
    return {name: writer.plain(record[name]) for name in fields if record.get(name) is not None}


def service_items(ids: list[Any], language: str, *, minimal: bool = False) -> list[dict[str, Any]]:
    """Services as lists show them: their fields with their organization and program (``minimal``: only id,
    name, status and last_modified)."""
    services = by_id(records(Service, language, id=ids))
    if minimal:
        return [
            {
                key: services[str(i)].get(key)
                for key in ("id", "name", "status", "last_modified")
                if services[str(i)].get(key) is not None
            }
            for i in ids
        ]
    organizations = by_id(
        records(Organization, language, id={s.get("organization_id") for s in services.values()})
    )
    programs = by_id(records(Program, language, id={s.get("program_id") for s in services.values()}))
    items = []
    for service_id in ids:
        service = services[str(service_id)]
        item = one_to_one("service", service)
        organization = organizations.get(service.get("organization_id") or "")
        if organization:
            item["organization"] = one_to_one("organization", organization)
        program = programs.get(service.get("program_id") or "")
        if program:
            item["program"] = one_to_one("program", program)
        items.append(item)
    return items


def nested_services(ids: list[Any], language: str) -> list[dict[str, Any]]:
    data = hsds_tables(ids, language)
    return writer.nested_services(data, version=HSDS_VERSION, service_ids=[str(i) for i in ids])


def organizations_full(
    organization_ids: list[Any], language: str, *, community: str = "", full_service: bool
) -> list[dict[str, Any]]:
    """Nested organizations with their published services, for a whole page in a fixed number of queries."""
    by_organization: dict[str, list[str]] = {str(o): [] for o in organization_ids}
    rows = (
        public_services(community)
        .filter(organization_id__in=organization_ids)
        .order_by("name_en", "id")
        .values_list("organization_id", "id")
    )
    for organization_id, service_id in rows:
        by_organization[str(organization_id)].append(str(service_id))
    all_services = [s for ids in by_organization.values() for s in ids]
    data = hsds_tables(all_services, language)
    listed = {item["id"]: item for item in service_items(all_services, language)} if not full_service else {}
    result = []
    for organization_id, service_ids in by_organization.items():
        nested = writer.nest(data, "organization", organization_id, version=HSDS_VERSION)
        if full_service:
            nested["services"] = writer.nested_services(data, version=HSDS_VERSION, service_ids=service_ids)
        else:
            nested["services"] = [listed[s] for s in service_ids]
        result.append(nested)
    return result


def service_at_location_items(ids: list[Any], language: str, *, full: bool) -> list[dict[str, Any]]:
    """Where services are offered: with the location and the service as lists show them, or nested."""
    sals = by_id(records(ServiceAtLocation, language, id=ids))
    service_ids = [s["service_id"] for s in sals.values() if s.get("service_id")]
    if full:
        data = hsds_tables(service_ids, language)
        out = []
        for sal_id in ids:
            item = writer.nest(data, "service_at_location", str(sal_id), version=HSDS_VERSION)
            service_id = sals[str(sal_id)].get("service_id")
            if service_id and any(s["id"] == service_id for s in data.get("service", [])):
                item["service"] = writer.nest(data, "service", service_id, version=HSDS_VERSION)
            out.append(item)
        return out
    locations = by_id(records(Location, language, id={s.get("location_id") for s in sals.values()}))
    services = {item["id"]: item for item in service_items(service_ids, language)}
    out = []
    for sal_id in ids:
        sal = sals[str(sal_id)]
        item = one_to_one("service_at_location", sal)
        if sal.get("location_id") in locations:
            item["location"] = one_to_one("location", locations[sal["location_id"]])
        if sal.get("service_id") in services:
            item["service"] = services[sal["service_id"]]
        out.append(item)
    return out


def table_items(model: Any, table: str, ids: list[Any], language: str) -> list[dict[str, Any]]:
    """Records of a table with no records nested in lists (taxonomies, terms), in the page's order."""
    rows = by_id(records(model, language, id=ids))
    return [one_to_one(table, rows[str(i)]) for i in ids]
