"""The pathways API: published pathways for everyone, versions and new drafts for the community table.

Documents follow ``schema/pathway.schema.json`` (text as ``{"en": ..., "fr": ...}``); FHIR as an R4B Bundle.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from carepath.accounts.access import HasPermission
from carepath.communities.models import Community

from . import documents, queries, services
from .findings import Words, listed
from .models import Invitation, PathwayVersion, Publication

NOT_FOUND = OpenApiResponse(description="No such community, pathway or version (or not visible to you).")
FORBIDDEN = OpenApiResponse(
    description="You need to be signed in with the right to edit this community's pathway."
)
VERSION_FIELDS = {
    "number": serializers.IntegerField(),
    "status": serializers.ChoiceField(choices=[s.value for s in PathwayVersion.Status]),
    "title": serializers.DictField(child=serializers.CharField()),
    "based_on": serializers.IntegerField(allow_null=True),
    "created_at": serializers.DateTimeField(),
    "published_at": serializers.DateTimeField(allow_null=True),
    "publication": inline_serializer(
        "PathwayVersionPublication",
        {
            "kind": serializers.ChoiceField(
                choices=[p.value for p in Publication],
                allow_blank=True,
                help_text="`reviewed` (every named approver of its review approved it), `without-review` (a "
                "facilitator gave the reason), `template` (the Ontario template a new community starts with); "
                "blank for versions published before publishing needed a review.",
            ),
            "published_by": serializers.CharField(
                allow_null=True, help_text="Who published it: for the table's members only (else null)."
            ),
            "approved_by": serializers.ListField(
                child=serializers.CharField(),
                help_text="The approvers of its review who approved it: for the table's members only (else []).",
            ),
            "reason": serializers.CharField(
                allow_blank=True,
                help_text="Why it was published without review: for the table's members only (else blank).",
            ),
        },
        allow_null=True,
        help_text="How the version was published; null until it is.",
    ),
}
FINDING_FIELDS = {
    "severity": serializers.ChoiceField(choices=["error", "warning"]),
    "code": serializers.CharField(),
    "step": serializers.CharField(),
    "message": serializers.DictField(child=serializers.CharField()),
}
VERSION = inline_serializer("PathwayVersionSummary", VERSION_FIELDS)
VERSIONS = inline_serializer("PathwayVersionSummaryList", VERSION_FIELDS, many=True)
FINDINGS = inline_serializer("PathwayFinding", FINDING_FIELDS, many=True)


def _community(slug: str) -> Community:
    community = Community.objects.filter(slug=slug).first()
    if community is None:
        raise NotFound("No community has this slug.")
    return community


def _version(request: Request, community: Community, number: int | None) -> PathwayVersion:
    versions = queries.visible_versions(request.user, community).select_related(
        "pathway__community", "based_on"
    )
    version = versions.published().first() if number is None else versions.filter(number=number).first()
    if version is None:
        raise NotFound("No such pathway version.")
    return version


def _summary(
    version: PathwayVersion, approved: list[Invitation] | None = None, *, people: bool = False
) -> dict[str, Any]:
    """A version in a list; ``people``: with who published and approved it and why it went without review
    (the table's members)."""
    publication = None
    if version.published_at is not None:
        who = version.published_by
        publication = {
            "kind": version.publication,
            "published_by": (who.get_full_name() or who.get_username()) if people and who else None,
            "approved_by": [i.name for i in approved or []] if people else [],
            "reason": version.publish_reason if people else "",
        }
    return {
        "number": version.number,
        "status": version.status,
        "title": {"en": version.title_en or "", "fr": version.title_fr or ""},
        "based_on": version.based_on.number if version.based_on else None,
        "created_at": version.created_at,
        "published_at": version.published_at,
        "publication": publication,
    }


class PublishedPathwayView(APIView):
    @extend_schema(
        operation_id="pathway_published",
        summary="The community's published pathway (pathway JSON)",
        responses={200: OpenApiTypes.OBJECT, 404: NOT_FOUND},
        tags=["Pathways"],
    )
    def get(self, request: Request, slug: str) -> Response:
        version = _version(request, _community(slug), None)
        return Response(queries.graph_of(version).to_dict())


class VersionListView(APIView):
    permission_classes = [AllowAny, HasPermission]
    permissions_required = {"POST": "pathways.change_pathway"}
    permission_denied_message = "You may not change this community's pathway."

    def get_permission_object(self) -> Community:
        return _community(self.kwargs["slug"])

    @extend_schema(
        operation_id="pathway_versions_list",
        summary="Versions of the community's pathway",
        responses={200: VERSIONS, 404: NOT_FOUND},
        tags=["Pathways"],
    )
    def get(self, request: Request, slug: str) -> Response:
        community = _community(slug)
        listed = list(
            queries.visible_versions(request.user, community)
            .select_related("based_on", "published_by")
            .order_by("-number")
        )
        people = request.user.has_perm("communities.view_unpublished", community)
        approved = queries.approvals(listed) if people else {}
        return Response([_summary(v, approved.get(v.pk), people=people) for v in listed])

    @extend_schema(
        operation_id="pathway_versions_create",
        summary="Import a pathway JSON document as a new draft version",
        request=OpenApiTypes.OBJECT,
        responses={
            201: VERSION,
            400: OpenApiResponse(
                description="The document breaks the pathway JSON Schema; `errors` names every place."
            ),
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
        tags=["Pathways"],
    )
    def post(self, request: Request, slug: str) -> Response:
        community = _community(slug)
        problems: dict[str, list[str]] = {}
        for problem in documents.schema_errors(request.data):
            where, _, message = problem.partition(": ")
            problems.setdefault(where, []).append(message)
        if problems:
            return Response({"errors": problems}, status=status.HTTP_400_BAD_REQUEST)
        try:
            version = services.import_document(community=community, document=request.data, actor=request.user)
        except DjangoValidationError as error:
            return Response({"errors": {"(top)": error.messages}}, status=status.HTTP_400_BAD_REQUEST)
        return Response(_summary(version), status=status.HTTP_201_CREATED)


class VersionView(APIView):
    @extend_schema(
        operation_id="pathway_version_retrieve",
        summary="One version (pathway JSON)",
        responses={200: OpenApiTypes.OBJECT, 404: NOT_FOUND},
        tags=["Pathways"],
    )
    def get(self, request: Request, slug: str, number: int) -> Response:
        version = _version(request, _community(slug), number)
        return Response(queries.graph_of(version).to_dict())


class ChecksView(APIView):
    @extend_schema(
        operation_id="pathway_version_checks",
        summary="What the checks find in a version",
        responses={200: FINDINGS, 404: NOT_FOUND},
        tags=["Pathways"],
    )
    def get(self, request: Request, slug: str, number: int) -> Response:
        version = _version(request, _community(slug), number)
        plan = queries.graph_of(version)
        words = Words(plan)
        out = []
        for finding in listed(plan):
            message = {}
            for language in ("en", "fr"):
                with translation.override(language):
                    message[language] = finding.message(words)
            out.append(
                {"severity": finding.severity, "code": finding.code, "step": finding.step, "message": message}
            )
        return Response(out)


class FhirView(APIView):
    @extend_schema(
        operation_id="pathway_version_fhir",
        summary="A version as a FHIR R4B Bundle",
        responses={200: OpenApiTypes.OBJECT, 404: NOT_FOUND},
        tags=["Pathways"],
    )
    def get(self, request: Request, slug: str, number: int) -> Response:
        from .fhir import bundle  # noqa: PLC0415 - fhir.resources takes half a second to load: only FHIR pays

        return Response(bundle(_version(request, _community(slug), number)))
