"""The endpoints of the HSDS API: the root, and a list and a detail view per table it serves."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import QuerySet
from django.db.models.functions import Lower
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from carepath.directory.models import Organization, ServiceAtLocation, Taxonomy, TaxonomyTerm
from carepath.directory.queries import records

from . import HSDS_VERSION
from .base import DetailView, Filter, ListView, apply_filters, given_filters
from .paging import page_schema
from .params import BAD_REQUEST, COMMON, LANG, LISTS, NOT_FOUND, SERVICE_FILTERS, Params, param
from .records import (
    nested_services,
    one_to_one,
    organizations_full,
    public_organizations,
    public_services,
    service_at_location_items,
    service_items,
    table_items,
)

# What the service filters of the lists do (their OpenAPI description is SERVICE_FILTERS).
FILTER_SERVICES = {
    "search": Filter("text", "search"),
    "taxonomy_term_id": Filter("uuid", "with_term"),
    "taxonomy_id": Filter("uuid", "in_taxonomy"),
    "organization_id": Filter("uuid", "of_organization"),
    "modified_after": Filter("moment", "modified_after"),
}


def _community(params: Params) -> str:
    return params.text("community", 60)


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


@extend_schema_view(
    get=extend_schema(
        operation_id="hsds_services_list",
        summary="Published services",
        parameters=[
            *COMMON,
            *SERVICE_FILTERS,
            param("minimal", OpenApiTypes.BOOL, "Only id, name, status and last_modified."),
        ],
        responses={200: page_schema("HSDSServicePage"), 400: BAD_REQUEST},
        tags=["HSDS"],
    )
)
class ServiceListView(ListView):
    filters = FILTER_SERVICES
    options = ("full", "minimal")

    def queryset(self, params: Params) -> QuerySet[Any]:
        return public_services(_community(params))

    def contents(self, ids: list[Any], params: Params, options: dict[str, bool]) -> list[dict[str, Any]]:
        if options["full"]:
            return nested_services(ids, params.language)
        return service_items(ids, params.language, minimal=options["minimal"])


@extend_schema_view(
    get=extend_schema(
        operation_id="hsds_services_retrieve",
        summary="One published service, fully nested",
        parameters=[LANG],
        responses={200: OpenApiTypes.OBJECT, 404: NOT_FOUND},
        tags=["HSDS"],
    )
)
class ServiceDetailView(DetailView):
    missing = "No published service has this id."

    def record(self, record_id: str, params: Params, options: dict[str, bool]) -> dict[str, Any] | None:
        if not public_services(_community(params)).filter(id=record_id).exists():
            return None
        return nested_services([record_id], params.language)[0]


@extend_schema_view(
    get=extend_schema(
        operation_id="hsds_organizations_list",
        summary="Organizations with published services",
        parameters=[*COMMON, param("full", OpenApiTypes.BOOL, "Fully nested organizations.")],
        responses={200: page_schema("HSDSOrganizationPage"), 400: BAD_REQUEST},
        tags=["HSDS"],
    )
)
class OrganizationListView(ListView):
    filters: ClassVar[dict[str, Filter]] = {"search": Filter("text", "search")}
    options = ("full",)

    def queryset(self, params: Params) -> QuerySet[Any]:
        return public_organizations(_community(params))

    def contents(self, ids: list[Any], params: Params, options: dict[str, bool]) -> list[dict[str, Any]]:
        if options["full"]:
            return organizations_full(ids, params.language, community=_community(params), full_service=False)
        return table_items(Organization, "organization", ids, params.language)


@extend_schema_view(
    get=extend_schema(
        operation_id="hsds_organizations_retrieve",
        summary="One organization, nested, with its services",
        parameters=[LANG, param("full_service", OpenApiTypes.BOOL, "Services fully nested.")],
        responses={200: OpenApiTypes.OBJECT, 404: NOT_FOUND},
        tags=["HSDS"],
    )
)
class OrganizationDetailView(DetailView):
    options = ("full_service",)
    missing = "No organization with published services has this id."

    def record(self, record_id: str, params: Params, options: dict[str, bool]) -> dict[str, Any] | None:
        community = _community(params)
        if not public_organizations(community).filter(id=record_id).exists():
            return None
        return organizations_full(
            [record_id], params.language, community=community, full_service=options["full_service"]
        )[0]


@extend_schema_view(
    get=extend_schema(
        operation_id="hsds_service_at_locations_list",
        summary="Where published services are offered",
        parameters=[*COMMON, *SERVICE_FILTERS],
        responses={200: page_schema("HSDSServiceAtLocationPage"), 400: BAD_REQUEST},
        tags=["HSDS"],
    )
)
class ServiceAtLocationListView(ListView):
    options = ("full",)
    ordering = (Lower("service__name_en"), "id")

    def queryset(self, params: Params) -> QuerySet[Any]:
        services = apply_filters(public_services(_community(params)), FILTER_SERVICES, params)
        return ServiceAtLocation.objects.filter(service_id__in=services.values("id"))

    def filtered(self, params: Params) -> bool:
        return bool(given_filters(FILTER_SERVICES, params))

    def contents(self, ids: list[Any], params: Params, options: dict[str, bool]) -> list[dict[str, Any]]:
        return service_at_location_items(ids, params.language, full=options["full"])


@extend_schema_view(
    get=extend_schema(
        operation_id="hsds_service_at_locations_retrieve",
        summary="One service at a location",
        parameters=[LANG],
        responses={200: OpenApiTypes.OBJECT, 404: NOT_FOUND},
        tags=["HSDS"],
    )
)
class ServiceAtLocationDetailView(DetailView):
    missing = "No published service is offered with this id."

    def record(self, record_id: str, params: Params, options: dict[str, bool]) -> dict[str, Any] | None:
        public = public_services(_community(params)).values("id")
        if not ServiceAtLocation.objects.filter(id=record_id, service_id__in=public).exists():
            return None
        return service_at_location_items([record_id], params.language, full=True)[0]


@extend_schema_view(
    get=extend_schema(
        operation_id="hsds_taxonomies_list",
        summary="Taxonomies",
        parameters=LISTS,
        responses={200: page_schema("HSDSTaxonomyPage"), 400: BAD_REQUEST},
        tags=["HSDS"],
    )
)
class TaxonomyListView(ListView):
    filters: ClassVar[dict[str, Filter]] = {"search": Filter("text", "search")}

    def queryset(self, params: Params) -> QuerySet[Any]:
        return Taxonomy.objects.all()

    def contents(self, ids: list[Any], params: Params, options: dict[str, bool]) -> list[dict[str, Any]]:
        return table_items(Taxonomy, "taxonomy", ids, params.language)


@extend_schema_view(
    get=extend_schema(
        operation_id="hsds_taxonomies_retrieve",
        summary="One taxonomy",
        parameters=[LANG],
        responses={200: OpenApiTypes.OBJECT, 404: NOT_FOUND},
        tags=["HSDS"],
    )
)
class TaxonomyDetailView(DetailView):
    missing = "No taxonomy has this id."

    def record(self, record_id: str, params: Params, options: dict[str, bool]) -> dict[str, Any] | None:
        rows = records(Taxonomy, params.language, id=[record_id])
        return one_to_one("taxonomy", rows[0]) if rows else None


@extend_schema_view(
    get=extend_schema(
        operation_id="hsds_taxonomy_terms_list",
        summary="Taxonomy terms (the carepath vocabulary among them)",
        parameters=[
            *LISTS,
            param("taxonomy_id", OpenApiTypes.UUID, "Terms of this taxonomy."),
            param("parent_id", OpenApiTypes.UUID, "Terms under this term."),
            param("top_only", OpenApiTypes.BOOL, "Only terms without a parent."),
        ],
        responses={200: page_schema("HSDSTaxonomyTermPage"), 400: BAD_REQUEST},
        tags=["HSDS"],
    )
)
class TaxonomyTermListView(ListView):
    filters: ClassVar[dict[str, Filter]] = {
        "search": Filter("text", "search"),
        "taxonomy_id": Filter("uuid", "of_taxonomy"),
        "parent_id": Filter("uuid", "under"),
        "top_only": Filter("flag", "top"),
    }
    ordering = ("code", "id")

    def queryset(self, params: Params) -> QuerySet[Any]:
        return TaxonomyTerm.objects.all()

    def contents(self, ids: list[Any], params: Params, options: dict[str, bool]) -> list[dict[str, Any]]:
        return table_items(TaxonomyTerm, "taxonomy_term", ids, params.language)


@extend_schema_view(
    get=extend_schema(
        operation_id="hsds_taxonomy_terms_retrieve",
        summary="One taxonomy term",
        parameters=[LANG],
        responses={200: OpenApiTypes.OBJECT, 404: NOT_FOUND},
        tags=["HSDS"],
    )
)
class TaxonomyTermDetailView(DetailView):
    missing = "No taxonomy term has this id."

    def record(self, record_id: str, params: Params, options: dict[str, bool]) -> dict[str, Any] | None:
        rows = records(TaxonomyTerm, params.language, id=[record_id])
        if not rows:
            return None
        term = one_to_one("taxonomy_term", rows[0])
        taxonomy = records(Taxonomy, params.language, id=[rows[0].get("taxonomy_id")])
        if taxonomy:
            term["taxonomy_detail"] = one_to_one("taxonomy", taxonomy[0])
        return term
