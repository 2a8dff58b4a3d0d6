"""The HSDS 3.0 read API over the published community inventories (``/api/hsds/``).

Shapes follow the official OpenAPI of HSDS 3.0: paginated lists (``total_items``, ``total_pages``,
``page_number``, ``size``, ``first_page``, ``last_page``, ``empty``, ``contents``) and fully nested single
records. Text is given in the language asked for (``Accept-Language`` or ``?lang=en|fr``), English by default.
"""

from __future__ import annotations

import datetime
import math
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .hsds import writer
from .hsds.spec import tables
from .models import (
    Attribute,
    Location,
    Organization,
    Program,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from .queries import hsds_tables, records

HSDS_VERSION = "3.0"
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 500

PAGE_FIELDS = {
    "total_items": serializers.IntegerField(),
    "total_pages": serializers.IntegerField(),
    "page_number": serializers.IntegerField(),
    "size": serializers.IntegerField(),
    "first_page": serializers.BooleanField(),
    "last_page": serializers.BooleanField(),
    "empty": serializers.BooleanField(),
    "contents": serializers.ListField(child=serializers.DictField()),
}


def page_schema(name: str) -> Any:
    return inline_serializer(name=name, fields=PAGE_FIELDS)


def _param(name: str, kind: Any, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, kind, OpenApiParameter.QUERY, required=False, description=description)


COMMON = [
    _param("search", {"type": "string", "maxLength": 200}, "Full-text search on names and descriptions."),
    _param("page", {"type": "integer", "minimum": 1, "maximum": 1_000_000}, "Page number, from 1."),
    _param(
        "per_page",
        {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
        f"Results per page, 1 to {MAX_PER_PAGE} (default {DEFAULT_PER_PAGE}).",
    ),
    _param(
        "lang",
        {"type": "string", "enum": ["en", "fr"]},
        "Language of the text: en or fr (default: Accept-Language, then en).",
    ),
    _param(
        "community",
        {"type": "string", "maxLength": 60},
        "Only the published inventory of this community (its slug).",
    ),
]
SERVICE_FILTERS = [
    _param("taxonomy_term_id", OpenApiTypes.UUID, "Services with this taxonomy term."),
    _param("taxonomy_id", OpenApiTypes.UUID, "Services with any term of this taxonomy."),
    _param("organization_id", OpenApiTypes.UUID, "Services of this organization."),
    _param("modified_after", OpenApiTypes.DATETIME, "Services modified at or after this moment (ISO 8601)."),
    _param("full", OpenApiTypes.BOOL, "Fully nested records instead of one-to-one fields only."),
]
NOT_FOUND = OpenApiResponse(description="No published record has this id.")
BAD_REQUEST = OpenApiResponse(description="A query parameter is wrong; `errors` names it.")


class Params:
    """Query parameters, checked; every bad one is reported at once."""

    def __init__(self, request: Request) -> None:
        self.query = request.query_params
        self.errors: dict[str, list[str]] = {}
        lang = self.query.get("lang") or None
        if lang is not None and lang not in ("en", "fr"):
            self.errors["lang"] = ["Must be en or fr."]
        active = get_language() or "en"
        self.language = lang if lang in ("en", "fr") else (active[:2] if active[:2] in ("en", "fr") else "en")

    def integer(self, name: str, default: int, low: int, high: int) -> int:
        raw = self.query.get(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            self.errors[name] = [f"Must be a whole number from {low} to {high}."]
            return default
        if not low <= value <= high:
            self.errors[name] = [f"Must be a whole number from {low} to {high}."]
            return default
        return value

    def boolean(self, name: str) -> bool:
        raw = self.query.get(name)
        if raw is None:
            return False
        raw = raw.lower()
        if raw in ("false", "0", "no"):
            return False
        if raw in ("true", "1", "yes"):
            return True
        self.errors[name] = ["Must be true or false."]
        return False

    def uuid(self, name: str) -> str | None:
        import uuid

        raw = self.query.get(name)
        if raw is None:
            return None
        try:
            return str(uuid.UUID(raw))
        except ValueError:
            self.errors[name] = ["Must be a UUID."]
            return None

    def moment(self, name: str) -> Any:
        raw = self.query.get(name)
        if raw is None:
            return None
        try:
            value = parse_datetime(raw.replace(" ", "+"))
        except ValueError:
            value = None
        if value is not None:
            if value.tzinfo is None:
                value = value.replace(tzinfo=datetime.UTC)
            try:
                value = value.astimezone(datetime.UTC)  # databases compare in UTC
            except OverflowError:  # within a day of year 1 or 9999
                value = (
                    datetime.datetime.min.replace(tzinfo=datetime.UTC)
                    if value.year < 5000
                    else datetime.datetime.max.replace(tzinfo=datetime.UTC)
                )
        if value is None:
            self.errors[name] = ["Must be a date and time in ISO 8601, e.g. 2026-01-31T12:00:00Z."]
        return value

    def text(self, name: str, limit: int = 200) -> str:
        raw = self.query.get(name) or ""
        if len(raw) > limit:
            self.errors[name] = [f"Must be text of at most {limit} characters."]
            return ""
        return raw.replace("\x00", "").strip()  # databases cannot compare with NUL characters

    def check(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def check_id(value: Any) -> str:
    """Ids in paths are UUIDs; anything else is simply not found."""
    import uuid

    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise NotFound("No record has this id.") from None


def public_services(params: Params) -> QuerySet[Service]:
    entries = Q(inventory_entries__published=True)
    community = params.text("community", 60)
    if community:
        entries &= Q(inventory_entries__community__slug=community)
    # A service is public while its steward publishes it (or the site keeps it): another community's listing
    # does not outlive the steward's.
    kept = Service.objects.filter(
        Q(steward__isnull=True)
        | Q(inventory_entries__community_id=F("steward_id"), inventory_entries__published=True)
    )
    return Service.objects.filter(id__in=Service.objects.filter(entries).values("id")).filter(
        id__in=kept.values("id")
    )


def paginate(params: Params, queryset: QuerySet[Any]) -> tuple[list[Any], dict[str, Any]]:
    page = params.integer("page", 1, 1, 1_000_000)
    per_page = params.integer("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
    params.check()
    total = queryset.count()
    pages = max(1, math.ceil(total / per_page))
    ids = list(queryset.values_list("id", flat=True)[(page - 1) * per_page : page * per_page])
    return ids, {
        "total_items": total,
        "total_pages": pages,
        "page_number": page,
        "size": len(ids),
        "first_page": page == 1,
        "last_page": page >= pages,
        "empty": total == 0,
    }


def _by_id(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {row["id"]: row for row in rows}


def _one_to_one(table: str, record: dict[str, Any]) -> dict[str, Any]:
    fields = tables(HSDS_VERSION)[table].fields
    return {name: writer.plain(record[name]) for name in fields if record.get(name) is not None}


def service_list_items(ids: list[Any], language: str, *, minimal: bool = False) -> list[dict[str, Any]]:
    services = _by_id(records(Service, language, id=ids))
    if minimal:
        return [
            {
                key: services[str(i)].get(key)
                for key in ("id", "name", "status", "last_modified")
                if services[str(i)].get(key) is not None
            }
            for i in ids
        ]
    organizations = _by_id(
        records(Organization, language, id={s.get("organization_id") for s in services.values()})
    )
    programs = _by_id(records(Program, language, id={s.get("program_id") for s in services.values()}))
    items = []
    for service_id in ids:
        service = services[str(service_id)]
        item = _one_to_one("service", service)
        organization = organizations.get(service.get("organization_id") or "")
        if organization:
            item["organization"] = _one_to_one("organization", organization)
        program = programs.get(service.get("program_id") or "")
        if program:
            item["program"] = _one_to_one("program", program)
        items.append(item)
    return items


class RootView(APIView):
    @extend_schema(
        operation_id="hsds_root",
        summary="HSDS version and profile of this API",
        responses=inline_serializer(
            "HSDSRoot",
            {
                "version": serializers.CharField(),
                "profile": serializers.URLField(),
                "openapi_url": serializers.URLField(),
            },
        ),
        tags=["HSDS"],
    )
    def get(self, request: Request) -> Response:
        return Response(
            {
                "version": HSDS_VERSION,
                "profile": request.build_absolute_uri("/api/docs/"),
                "openapi_url": request.build_absolute_uri("/api/schema/"),
            }
        )


class ServiceListView(APIView):
    @extend_schema(
        operation_id="hsds_services_list",
        summary="Published services",
        parameters=[
            *COMMON,
            *SERVICE_FILTERS,
            _param("minimal", OpenApiTypes.BOOL, "Only id, name, status and last_modified."),
        ],
        responses={200: page_schema("HSDSServicePage"), 400: BAD_REQUEST},
        tags=["HSDS"],
    )
    def get(self, request: Request) -> Response:
        params = Params(request)
        services = filter_services(public_services(params), params)
        full, minimal = params.boolean("full"), params.boolean("minimal")
        ids, page = paginate(params, services.order_by("name_en", "id"))
        if full:
            data = hsds_tables(ids, params.language)
            contents = writer.nested_services(data, version=HSDS_VERSION, service_ids=[str(i) for i in ids])
        else:
            contents = service_list_items(ids, params.language, minimal=minimal)
        return Response({**page, "contents": contents})


def filter_services(services: QuerySet[Service], params: Params) -> QuerySet[Service]:
    search = params.text("search")
    term = params.uuid("taxonomy_term_id")
    taxonomy = params.uuid("taxonomy_id")
    organization = params.uuid("organization_id")
    moment = params.moment("modified_after")
    if params.errors:
        return services.none()  # the caller reports the errors (paginate checks them all at once)
    if search:
        services = services.search(search)
    if term:
        services = services.with_term(term)
    if taxonomy:
        services = services.filter(
            id__in=Attribute.objects.of_services()
            .filter(taxonomy_term__taxonomy_detail_id=taxonomy)
            .values("link_id")
        )
    if organization:
        services = services.filter(organization_id=organization)
    if moment is not None:
        services = services.modified_after(moment)
    return services


class ServiceDetailView(APIView):
    @extend_schema(
        operation_id="hsds_services_retrieve",
        summary="One published service, fully nested",
        parameters=[COMMON[3]],
        responses={200: OpenApiTypes.OBJECT, 404: NOT_FOUND},
        tags=["HSDS"],
    )
    def get(self, request: Request, id: Any) -> Response:
        id = check_id(id)
        params = Params(request)
        params.check()
        if not public_services(params).filter(id=id).exists():
            raise NotFound("No published service has this id.")
        data = hsds_tables([id], params.language)
        return Response(writer.nested_services(data, version=HSDS_VERSION, service_ids=[str(id)])[0])


def public_organizations(params: Params) -> QuerySet[Organization]:
    return Organization.objects.filter(id__in=public_services(params).values("organization_id"))


class OrganizationListView(APIView):
    @extend_schema(
        operation_id="hsds_organizations_list",
        summary="Organizations with published services",
        parameters=[*COMMON, _param("full", OpenApiTypes.BOOL, "Fully nested organizations.")],
        responses={200: page_schema("HSDSOrganizationPage"), 400: BAD_REQUEST},
        tags=["HSDS"],
    )
    def get(self, request: Request) -> Response:
        params = Params(request)
        organizations = public_organizations(params)
        search = params.text("search")
        full = params.boolean("full")
        if search:
            organizations = organizations.filter(Q(name_en__icontains=search) | Q(name_fr__icontains=search))
        ids, page = paginate(params, organizations.order_by("name_en", "id"))
        if full:
            contents = organizations_full(params, ids, full_service=False)
        else:
            rows = _by_id(records(Organization, params.language, id=ids))
            contents = [_one_to_one("organization", rows[str(oid)]) for oid in ids]
        return Response({**page, "contents": contents})


def organizations_full(
    params: Params, organization_ids: list[Any], *, full_service: bool
) -> list[dict[str, Any]]:
    """Nested organizations with their published services, for a whole page in a fixed number of queries."""
    by_organization: dict[str, list[str]] = {str(o): [] for o in organization_ids}
    rows = (
        public_services(params)
        .filter(organization_id__in=organization_ids)
        .order_by("name_en", "id")
        .values_list("organization_id", "id")
    )
    for organization_id, service_id in rows:
        by_organization[str(organization_id)].append(str(service_id))
    all_services = [s for ids in by_organization.values() for s in ids]
    data = hsds_tables(all_services, params.language)
    listed = (
        {item["id"]: item for item in service_list_items(all_services, params.language)}
        if not full_service
        else {}
    )
    result = []
    for organization_id, service_ids in by_organization.items():
        nested = writer.nest(data, "organization", organization_id, version=HSDS_VERSION)
        if full_service:
            nested["services"] = writer.nested_services(data, version=HSDS_VERSION, service_ids=service_ids)
        else:
            nested["services"] = [listed[s] for s in service_ids]
        result.append(nested)
    return result


class OrganizationDetailView(APIView):
    @extend_schema(
        operation_id="hsds_organizations_retrieve",
        summary="One organization, nested, with its services",
        parameters=[COMMON[3], _param("full_service", OpenApiTypes.BOOL, "Services fully nested.")],
        responses={200: OpenApiTypes.OBJECT, 404: NOT_FOUND},
        tags=["HSDS"],
    )
    def get(self, request: Request, id: Any) -> Response:
        id = check_id(id)
        params = Params(request)
        full_service = params.boolean("full_service")
        params.check()
        if not public_organizations(params).filter(id=id).exists():
            raise NotFound("No organization with published services has this id.")
        return Response(organizations_full(params, [id], full_service=full_service)[0])


def sal_items(ids: list[Any], language: str, *, full: bool) -> list[dict[str, Any]]:
    sals = _by_id(records(ServiceAtLocation, language, id=ids))
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
    locations = _by_id(records(Location, language, id={s.get("location_id") for s in sals.values()}))
    services = {item["id"]: item for item in service_list_items(service_ids, language)}
    out = []
    for sal_id in ids:
        sal = sals[str(sal_id)]
        item = _one_to_one("service_at_location", sal)
        if sal.get("location_id") in locations:
            item["location"] = _one_to_one("location", locations[sal["location_id"]])
        if sal.get("service_id") in services:
            item["service"] = services[sal["service_id"]]
        out.append(item)
    return out


class ServiceAtLocationListView(APIView):
    @extend_schema(
        operation_id="hsds_service_at_locations_list",
        summary="Where published services are offered",
        parameters=[*COMMON, *SERVICE_FILTERS],
        responses={200: page_schema("HSDSServiceAtLocationPage"), 400: BAD_REQUEST},
        tags=["HSDS"],
    )
    def get(self, request: Request) -> Response:
        params = Params(request)
        services = filter_services(public_services(params), params)
        full = params.boolean("full")
        sals = ServiceAtLocation.objects.filter(service_id__in=services.values("id"))
        ids, page = paginate(params, sals.order_by("service__name_en", "id"))
        return Response({**page, "contents": sal_items(ids, params.language, full=full)})


class ServiceAtLocationDetailView(APIView):
    @extend_schema(
        operation_id="hsds_service_at_locations_retrieve",
        summary="One service at a location",
        parameters=[COMMON[3]],
        responses={200: OpenApiTypes.OBJECT, 404: NOT_FOUND},
        tags=["HSDS"],
    )
    def get(self, request: Request, id: Any) -> Response:
        id = check_id(id)
        params = Params(request)
        params.check()
        if not ServiceAtLocation.objects.filter(
            id=id, service_id__in=public_services(params).values("id")
        ).exists():
            raise NotFound("No published service is offered with this id.")
        return Response(sal_items([id], params.language, full=True)[0])


def _single(request: Request, model: Any, record_id: Any) -> tuple[Params, dict[str, Any]]:
    """The record with this id, in the language asked for, or 404."""
    params = Params(request)
    params.check()
    rows = records(model, params.language, id=[check_id(record_id)])
    if not rows:
        raise NotFound(f"No {model._meta.verbose_name} has this id.")
    return params, rows[0]


class TaxonomyListView(APIView):
    @extend_schema(
        operation_id="hsds_taxonomies_list",
        summary="Taxonomies",
        parameters=COMMON[:4],
        responses={200: page_schema("HSDSTaxonomyPage"), 400: BAD_REQUEST},
        tags=["HSDS"],
    )
    def get(self, request: Request) -> Response:
        params = Params(request)
        search = params.text("search")
        taxonomies = Taxonomy.objects.all()
        if search:
            taxonomies = taxonomies.filter(
                Q(name_en__icontains=search)
                | Q(description_en__icontains=search)
                | Q(description_fr__icontains=search)
            )
        ids, page = paginate(params, taxonomies.order_by("name_en", "id"))
        rows = _by_id(records(Taxonomy, params.language, id=ids))
        return Response({**page, "contents": [_one_to_one("taxonomy", rows[str(i)]) for i in ids]})


class TaxonomyDetailView(APIView):
    @extend_schema(
        operation_id="hsds_taxonomies_retrieve",
        summary="One taxonomy",
        parameters=[COMMON[3]],
        responses={200: OpenApiTypes.OBJECT, 404: NOT_FOUND},
        tags=["HSDS"],
    )
    def get(self, request: Request, id: Any) -> Response:
        _, record = _single(request, Taxonomy, id)
        return Response(_one_to_one("taxonomy", record))


class TaxonomyTermListView(APIView):
    @extend_schema(
        operation_id="hsds_taxonomy_terms_list",
        summary="Taxonomy terms (the carepath vocabulary among them)",
        parameters=[
            *COMMON[:4],
            _param("taxonomy_id", OpenApiTypes.UUID, "Terms of this taxonomy."),
            _param("parent_id", OpenApiTypes.UUID, "Terms under this term."),
            _param("top_only", OpenApiTypes.BOOL, "Only terms without a parent."),
        ],
        responses={200: page_schema("HSDSTaxonomyTermPage"), 400: BAD_REQUEST},
        tags=["HSDS"],
    )
    def get(self, request: Request) -> Response:
        params = Params(request)
        search = params.text("search")
        taxonomy, parent, top_only = (
            params.uuid("taxonomy_id"),
            params.uuid("parent_id"),
            params.boolean("top_only"),
        )
        params.check()
        terms = TaxonomyTerm.objects.all()
        if search:
            terms = terms.filter(
                Q(name_en__icontains=search) | Q(name_fr__icontains=search) | Q(code__icontains=search)
            )
        if taxonomy:
            terms = terms.filter(taxonomy_detail_id=taxonomy)
        if parent:
            terms = terms.filter(parent_id=parent)
        if top_only:
            terms = terms.filter(parent__isnull=True)
        ids, page = paginate(params, terms.order_by("code", "id"))
        rows = _by_id(records(TaxonomyTerm, params.language, id=ids))
        return Response({**page, "contents": [_one_to_one("taxonomy_term", rows[str(i)]) for i in ids]})


class TaxonomyTermDetailView(APIView):
    @extend_schema(
        operation_id="hsds_taxonomy_terms_retrieve",
        summary="One taxonomy term",
        parameters=[COMMON[3]],
        responses={200: OpenApiTypes.OBJECT, 404: NOT_FOUND},
        tags=["HSDS"],
    )
    def get(self, request: Request, id: Any) -> Response:
        params, record = _single(request, TaxonomyTerm, id)
        term = _one_to_one("taxonomy_term", record)
        taxonomy = records(Taxonomy, params.language, id=[record.get("taxonomy_id")])
        if taxonomy:
            term["taxonomy_detail"] = _one_to_one("taxonomy", taxonomy[0])
        return Response(term)
