"""The registry's read API: published practices (restricted fields left out), case studies, instruments."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import codes, queries
from .models import CaseStudy, Evidence, Instrument, Organization, Practice
from .serializers import (
    CaseStudySerializer,
    CaseStudySummarySerializer,
    PracticeSerializer,
    PracticeSummarySerializer,
)

NOT_FOUND = OpenApiResponse(description="Nothing published here (or a page past the last one).")
BAD_FILTER = OpenApiResponse(description="A filter has a value it cannot take; each bad field is named.")


class Pages(PageNumberPagination):
    page_size = 50
    page_size_query_param = "per_page"
    max_page_size = 200


FILTERS = [
    OpenApiParameter("q", str, description="Words in the name, summary or organization (English or French)."),
    OpenApiParameter("dimension", str, enum=codes.codes("dimension")),
    OpenApiParameter("setting", str, enum=codes.codes("setting")),
    OpenApiParameter("population", str, enum=codes.codes("population")),
    OpenApiParameter("jurisdiction", str, enum=codes.codes("jurisdiction")),
    OpenApiParameter("tier", str, enum=["promising", "good", "best"]),
    OpenApiParameter("strategy", str, pattern="^[0-9]{1,2}$", description="A WHO IPCHS strategy, 1 to 5."),
]


class FilterSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, max_length=200, allow_blank=True)
    dimension = serializers.ChoiceField(choices=codes.codes("dimension"), required=False)
    setting = serializers.ChoiceField(choices=codes.codes("setting"), required=False)
    population = serializers.ChoiceField(choices=codes.codes("population"), required=False)
    jurisdiction = serializers.ChoiceField(choices=codes.codes("jurisdiction"), required=False)
    tier = serializers.ChoiceField(choices=["promising", "good", "best"], required=False)
    strategy = serializers.RegexField(r"^[0-9]{1,2}$", required=False)

    def validate_q(self, value: str) -> str:
        if "\x00" in value:
            raise serializers.ValidationError("NUL characters are not allowed.")
        return value


def _public() -> QuerySet[Practice]:
    return Practice.objects.public().prefetch_related(
        Prefetch("organizations", queryset=Organization.objects.order_by("name"))
    )


@extend_schema(
    tags=["practices"],
    parameters=FILTERS,
    summary="Published practices, with filters",
    responses={200: PracticeSummarySerializer(many=True), 400: BAD_FILTER, 404: NOT_FOUND},
)
class PracticeList(generics.ListAPIView):
    serializer_class = PracticeSummarySerializer
    pagination_class = Pages

    def get_queryset(self) -> QuerySet[Practice]:
        filters = FilterSerializer(data=self.request.query_params)
        if not filters.is_valid():
            raise ValidationError(filters.errors)
        return queries.registry_filters(_public(), filters.validated_data).order_by("name_en", "pk")


@extend_schema(
    tags=["practices"],
    summary="One published practice, with why it earned its tier",
    responses={200: PracticeSerializer, 404: NOT_FOUND},
)
class PracticeDetail(generics.RetrieveAPIView):
    serializer_class = PracticeSerializer
    lookup_field = "slug"

    def get_queryset(self) -> QuerySet[Practice]:
        return _public().prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.order_by("-date", "pk"))
        )

    def get_object(self) -> Any:
        found = self.get_queryset().filter(slug=self.kwargs["slug"]).first()
        if found is None:
            raise NotFound("No published practice has this slug.")
        return found


@extend_schema(
    tags=["practices"],
    summary="Published case studies",
    responses={200: CaseStudySummarySerializer(many=True), 404: NOT_FOUND},
)
class CaseStudyList(generics.ListAPIView):
    serializer_class = CaseStudySummarySerializer
    pagination_class = Pages

    def get_queryset(self) -> QuerySet[CaseStudy]:
        return CaseStudy.objects.public().order_by("title_en", "pk")


@extend_schema(
    tags=["practices"],
    summary="One published case study",
    responses={200: CaseStudySerializer, 404: NOT_FOUND},
)
class CaseStudyDetail(generics.RetrieveAPIView):
    serializer_class = CaseStudySerializer

    def get_object(self) -> Any:
        found = (
            CaseStudy.objects.public()
            .prefetch_related("sections", "sources")
            .filter(slug=self.kwargs["slug"])
            .first()
        )
        if found is None:
            raise NotFound("No published case study has this slug.")
        return found


class InstrumentView(APIView):
    @extend_schema(
        tags=["practices"],
        summary="A survey instrument version, as the document it was loaded from",
        responses={200: OpenApiTypes.OBJECT, 404: NOT_FOUND},
    )
    def get(self, request: Request, code: str, version: int) -> Response:
        instrument = Instrument.objects.filter(code=code, version=version).first()
        if instrument is None:
            raise NotFound("No instrument has this code and version.")
        return Response(instrument.document)
