"""The registry's read API shapes: content as {"en": ..., "fr": ...}, restricted fields left out."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from . import codes, present
from .models import CaseStudy, Practice
from .models.practices import bilingual

TEXT = serializers.DictField(child=serializers.CharField(allow_blank=True))


def coded(branch: str, values: list[str]) -> list[dict[str, Any]]:
    return [
        {"code": c, "label": {lang: codes.label(branch, c, lang) for lang in ("en", "fr")}} for c in values
    ]


class CodeSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = TEXT


class OrganizationSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.SerializerMethodField()
    kind = serializers.CharField()
    indigenous_governed = serializers.BooleanField()
    jurisdiction = serializers.CharField()
    website = serializers.URLField(allow_blank=True)

    @extend_schema_field(TEXT)
    def get_name(self, obj: Any) -> dict[str, str]:
        return bilingual(obj, "name")


class PracticeSummarySerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.SerializerMethodField()
    summary = serializers.SerializerMethodField()
    tier = serializers.CharField(allow_blank=True)
    organizations = OrganizationSerializer(many=True, source="organizations.all")
    jurisdictions = serializers.SerializerMethodField()
    dimensions = serializers.SerializerMethodField()
    settings = serializers.SerializerMethodField()
    populations = serializers.SerializerMethodField()
    approaches = serializers.ListField(child=serializers.CharField())
    published_at = serializers.DateTimeField()

    @extend_schema_field(TEXT)
    def get_name(self, obj: Practice) -> dict[str, str]:
        return bilingual(obj, "name")

    @extend_schema_field(TEXT)
    def get_summary(self, obj: Practice) -> dict[str, str]:
        return bilingual(obj, "summary")

    @extend_schema_field(CodeSerializer(many=True))
    def get_jurisdictions(self, obj: Practice) -> list[dict[str, Any]]:
        return coded("jurisdiction", obj.jurisdictions)

    @extend_schema_field(CodeSerializer(many=True))
    def get_dimensions(self, obj: Practice) -> list[dict[str, Any]]:
        return coded("dimension", obj.dimensions)

    @extend_schema_field(CodeSerializer(many=True))
    def get_settings(self, obj: Practice) -> list[dict[str, Any]]:
        return coded("setting", obj.settings)

    @extend_schema_field(CodeSerializer(many=True))
    def get_populations(self, obj: Practice) -> list[dict[str, Any]]:
        return coded("population", obj.populations)


class EvidenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    url = serializers.CharField(allow_blank=True)
    date = serializers.DateField(allow_null=True)
    summary = serializers.SerializerMethodField()

    @extend_schema_field(TEXT)
    def get_summary(self, obj: Any) -> dict[str, str]:
        return bilingual(obj, "summary")


class RequirementSerializer(serializers.Serializer):
    label = TEXT
    met = serializers.BooleanField()
    criteria = serializers.ListField(child=serializers.DictField())


class PracticeSerializer(PracticeSummarySerializer):
    """A published practice; fields its community keeps private are left out (null)."""

    description = serializers.SerializerMethodField()
    conditions = serializers.SerializerMethodField()
    core_components = serializers.SerializerMethodField()
    adaptable_components = serializers.SerializerMethodField()
    outcomes = serializers.SerializerMethodField()
    contacts = serializers.SerializerMethodField()
    region = serializers.SerializerMethodField()
    evidence = serializers.SerializerMethodField()
    grading = serializers.SerializerMethodField()

    def _private(self, obj: Practice, field: str) -> Any:
        return None if not obj.shows(field) else bilingual(obj, field)

    @extend_schema_field(serializers.DictField(child=serializers.CharField(), allow_null=True))
    def get_description(self, obj: Practice) -> Any:
        return self._private(obj, "description")

    @extend_schema_field(serializers.DictField(child=serializers.CharField(), allow_null=True))
    def get_conditions(self, obj: Practice) -> Any:
        return self._private(obj, "conditions")

    @extend_schema_field(serializers.DictField(child=serializers.CharField(), allow_null=True))
    def get_core_components(self, obj: Practice) -> Any:
        return self._private(obj, "core_components")

    @extend_schema_field(serializers.DictField(child=serializers.CharField(), allow_null=True))
    def get_adaptable_components(self, obj: Practice) -> Any:
        return self._private(obj, "adaptable_components")

    @extend_schema_field(serializers.DictField(child=serializers.CharField(), allow_null=True))
    def get_outcomes(self, obj: Practice) -> Any:
        return self._private(obj, "outcomes")

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_contacts(self, obj: Practice) -> str | None:
        return obj.contacts if obj.shows("contacts") else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_region(self, obj: Practice) -> str | None:
        return obj.region if obj.shows("region") else None

    @extend_schema_field(EvidenceSerializer(many=True, allow_null=True))
    def get_evidence(self, obj: Practice) -> Any:
        return EvidenceSerializer(obj.evidence.all(), many=True).data if obj.shows("evidence") else None

    @extend_schema_field(
        serializers.DictField(
            help_text="The latest decision: tier, rationale, and every tier's requirements."
        )
    )
    def get_grading(self, obj: Practice) -> Any:
        decision = obj.latest_decision()
        if decision is None:
            return None
        shown = {e.pk for e in obj.evidence.all()} if obj.shows("evidence") else set()
        tiers = [
            {
                "tier": tier.tier.code,
                "earned": tier.earned,
                "requirements": [
                    {
                        "label": check.requirement.label,
                        "met": check.met,
                        "criteria": [
                            {
                                "code": code,
                                "rating": rating,
                                "evidence": [i for i in present.evidence_ids(decision, code) if i in shown],
                            }
                            for code, rating in check.ratings
                        ],
                    }
                    for check in tier.checks
                ],
            }
            for tier in present.grade_of(decision, obj).tiers
        ]
        return {
            "tier": decision.tier or None,
            "decided_at": decision.decided_at.isoformat(),
            "rationale": bilingual(decision, "rationale"),
            "tiers": tiers,
        }


class CaseStudySummarySerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.SerializerMethodField()
    summary = serializers.SerializerMethodField()
    published_at = serializers.DateTimeField()

    @extend_schema_field(TEXT)
    def get_title(self, obj: CaseStudy) -> dict[str, str]:
        return bilingual(obj, "title")

    @extend_schema_field(TEXT)
    def get_summary(self, obj: CaseStudy) -> dict[str, str]:
        return bilingual(obj, "summary")


class CaseStudySerializer(CaseStudySummarySerializer):
    sections = serializers.SerializerMethodField()
    sources = serializers.SerializerMethodField()
    practices = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_sections(self, obj: CaseStudy) -> list[dict[str, Any]]:
        return [
            {"heading": bilingual(s, "heading"), "body": bilingual(s, "body"), "figures": s.figures}
            for s in obj.sections.all()
        ]

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_sources(self, obj: CaseStudy) -> list[dict[str, Any]]:
        return [
            {"title": bilingual(s, "title"), "publisher": s.publisher, "year": s.year, "url": s.url}
            for s in obj.sources.all()
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_practices(self, obj: CaseStudy) -> list[str]:
        return [p.slug for p in obj.practices.public()]
