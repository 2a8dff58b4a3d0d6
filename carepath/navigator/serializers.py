"""The navigator request of CONTRACTS.md section 3: read, checked field by field, turned into an engine request.

The same serializer checks the API's JSON and the family journey's answers (which the form turns into this
JSON), so both name a bad field the same way: ``child.screening[0].result``.
"""

from __future__ import annotations

import copy
import math
import re
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerExtension
from rest_framework import serializers

from carepath.communities.models import Community
from carepath.directory import vocabulary
from carepath.pathways.graph import MAX_MONTHS, SCREENING_TOOLS, URGENCIES

from .engine import DEFAULT_TRAVEL_KM, INDIGENOUS_IDENTITIES, Request

LANGUAGE_CODE = re.compile(r"^[A-Za-z]{2,3}$")
MAX_TRAVEL_KM = 2000


def codes(branch: str) -> list[str]:
    return vocabulary.load().codes(branch)


class Declared(serializers.Serializer):
    """A serializer whose fields are shallow copies of the declared ones, not deep copies.

    REST framework deep-copies every declared field for every serializer it makes, which builds each field
    again (its choices and validators too): 34 fields and 1.6 ms of every match, as much as half the engine's
    plan. A declared field is never bound or validated itself, and validating keeps no state on a field, so a
    shallow copy, bound to this serializer, does the same work. Nested serializers and lists share the declared
    ones' children, which are used read-only too.
    """

    def get_fields(self) -> dict[str, serializers.Field]:
        return {name: copy.copy(field) for name, field in self._declared_fields.items()}  # type: ignore[attr-defined]


class CodeField(serializers.ChoiceField):
    """A code of a list; a wrong one gets a message that lists the valid ones."""

    default_error_messages = {
        "invalid_choice": _('"%(input)s" is not a valid code. Valid codes: %(valid)s.'),
    }

    def to_internal_value(self, data: Any) -> Any:
        if data == "" and self.allow_blank:
            return ""
        try:
            return self.choice_strings_to_values[str(data)]
        except KeyError:
            message = self.error_messages["invalid_choice"] % {
                "input": str(data)[:60],
                "valid": ", ".join(self.choice_strings_to_values),
            }
            raise serializers.ValidationError(message, code="invalid_choice") from None


def code_list(choices: list[str] | tuple[str, ...], **kwargs: Any) -> serializers.ListField:
    return serializers.ListField(
        child=CodeField(choices=list(choices)), required=False, default=list, **kwargs
    )


class LanguageCodeField(serializers.RegexField):
    """An ISO 639-1 or 639-3 code, in any case ("FR" is read as "fr")."""

    default_error_messages = {
        "invalid": _(
            '"%(input)s" is not an ISO 639 language code (two or three letters, such as "en", "fr" or "oji").'
        ),
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(regex=LANGUAGE_CODE, **kwargs)

    def to_internal_value(self, data: Any) -> str:
        if isinstance(data, str) and LANGUAGE_CODE.match(data):
            return data.lower()
        raise serializers.ValidationError(
            self.error_messages["invalid"] % {"input": str(data)[:60]}, code="invalid"
        )


class FiniteFloatField(serializers.FloatField):
    default_error_messages = {"finite": _("A finite number is required.")}

    def to_internal_value(self, data: Any) -> float:
        value = super().to_internal_value(data)
        if not math.isfinite(value):
            raise serializers.ValidationError(self.error_messages["finite"], code="finite")
        return value


class ScreeningSerializer(Declared):
    tool = CodeField(choices=list(SCREENING_TOOLS), help_text="Screening tool code.")
    result = serializers.CharField(help_text="The tool's result band, e.g. `above-cutoff` for `asq-se-2`.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        bands = SCREENING_TOOLS[attrs["tool"]][0]
        if attrs["result"] not in bands:
            raise serializers.ValidationError(
                {
                    "result": _('"%(input)s" is not a result of %(tool)s. Valid results: %(valid)s.')
                    % {"input": attrs["result"][:60], "tool": attrs["tool"], "valid": ", ".join(bands)}
                }
            )
        return attrs


class ScreeningSchema(OpenApiSerializerExtension):
    """In the OpenAPI schema, each tool with its own result bands, so that a request valid by the schema is
    one the API accepts."""

    target_class = ScreeningSerializer

    def map_serializer(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        return {
            "oneOf": [
                {
                    "type": "object",
                    "required": ["tool", "result"],
                    "properties": {
                        "tool": {"type": "string", "enum": [tool]},
                        "result": {"type": "string", "enum": list(bands)},
                    },
                }
                for tool, (bands, _ages) in SCREENING_TOOLS.items()
            ]
        }


class ChildSerializer(Declared):
    age_months = serializers.IntegerField(
        min_value=0, max_value=MAX_MONTHS, help_text="Age in whole months, 0 to 83."
    )
    concerns = code_list(codes("concern"), help_text="Concern codes.")
    screening = ScreeningSerializer(many=True, required=False, default=list)
    indigenous_identity = code_list(INDIGENOUS_IDENTITIES)

    def validate_screening(self, value: list[dict[str, str]]) -> list[dict[str, str]]:
        tools = [item["tool"] for item in value]
        if len(tools) != len(set(tools)):
            raise serializers.ValidationError(_("Give each screening tool once, with its latest result."))
        return value


class LocationSerializer(Declared):
    lat = FiniteFloatField(min_value=-90, max_value=90)
    lon = FiniteFloatField(min_value=-180, max_value=180)


class FamilySerializer(Declared):
    languages = serializers.ListField(
        child=LanguageCodeField(),
        min_length=1,
        max_length=10,
        help_text="ISO 639 codes, most preferred first.",
    )
    delivery = code_list(codes("delivery"), help_text="Preferred delivery codes; empty: no preference.")
    location = LocationSerializer(required=False, allow_null=True, default=None)
    max_travel_km = FiniteFloatField(
        required=False, default=DEFAULT_TRAVEL_KM, min_value=1, max_value=MAX_TRAVEL_KM
    )
    cost = code_list(codes("cost"), help_text="Acceptable cost codes; empty: any.")
    populations = code_list(codes("population"), help_text="Population codes the family identifies with.")


class SituationSerializer(Declared):
    urgency = CodeField(choices=list(URGENCIES), required=False, default="routine")
    in_care = serializers.BooleanField(required=False, default=False)
    completing_care = serializers.BooleanField(required=False, default=False)


class MatchRequestSerializer(Declared):
    community = serializers.SlugField(
        required=False,
        max_length=Community._meta.get_field("slug").max_length,
        help_text="Community slug; may be left out where one community has a published pathway.",
    )
    language = CodeField(choices=["en", "fr"], required=False, default="en")
    child = ChildSerializer()
    family = FamilySerializer()
    situation = SituationSerializer(required=False)

    def to_request(self) -> Request:
        data = self.validated_data
        child, family = data["child"], data["family"]
        situation = data.get("situation") or {}
        location = family.get("location")
        return Request(
            community=data.get("community"),
            language=data["language"],
            age_months=child["age_months"],
            concerns=tuple(dict.fromkeys(child["concerns"])),
            screening=tuple((item["tool"], item["result"]) for item in child["screening"]),
            indigenous_identity=tuple(dict.fromkeys(child["indigenous_identity"])),
            languages=tuple(dict.fromkeys(family["languages"])),
            delivery=tuple(dict.fromkeys(family["delivery"])),
            location=(location["lat"], location["lon"]) if location else None,
            max_travel_km=family["max_travel_km"],
            cost=tuple(dict.fromkeys(family["cost"])),
            populations=tuple(dict.fromkeys(family["populations"])),
            urgency=situation.get("urgency", "routine"),
            in_care=situation.get("in_care", False),
            completing_care=situation.get("completing_care", False),
        )


def flatten(errors: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested errors as ``{"child.screening[0].result": [...]}``."""
    out: dict[str, list[str]] = {}
    if isinstance(errors, dict):
        for key, value in errors.items():
            name = "" if key == "non_field_errors" else str(key)
            if isinstance(key, int):
                path = f"{prefix}[{key}]"
            else:
                path = f"{prefix}.{name}" if prefix and name else (prefix or name)
            out.update(flatten(value, path))
    elif isinstance(errors, list) and errors and all(isinstance(e, (dict, list)) for e in errors):
        for index, value in enumerate(errors):
            if value:
                out.update(flatten(value, f"{prefix}[{index}]"))
    else:
        messages = errors if isinstance(errors, list) else [errors]
        out.setdefault(prefix or "request", []).extend(str(m) for m in messages)
    return out


# --- What the API answers (for the OpenAPI schema) ----------------------------------------------------------


class MatchedServiceSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="HSDS service id.")
    name = serializers.CharField()
    organization = serializers.CharField()
    score = serializers.FloatField(help_text="0 to 1; higher fits better.")
    delivery = serializers.ListField(child=serializers.CharField())
    distance_km = serializers.FloatField(allow_null=True)
    wait_days = serializers.IntegerField(allow_null=True)
    reasons = serializers.ListField(child=serializers.CharField())
    cautions = serializers.ListField(child=serializers.CharField())


class ServiceRefSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="HSDS service id.")
    name = serializers.CharField()
    step = serializers.CharField(help_text="Key of the step where the service is listed.")


class EmptySerializer(serializers.Serializer):
    code = serializers.ChoiceField(
        choices=["none-here", "age", "population", "area", "distance", "language", "cost"],
        help_text="The first hard rule that left no service (none-here: the community lists none for it).",
    )
    text = serializers.CharField()


class ActionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(
        choices=["call", "ask", "visit", "go"],
        help_text="Call the service, ask a doctor for a referral to it, visit it, or go there (an emergency department).",
    )
    text = serializers.CharField(help_text="What to do, in the answer's language.")
    service = serializers.CharField(help_text="HSDS service id.")
    name = serializers.CharField()
    step = serializers.CharField(
        help_text="Key of the step it is for (empty for a program made for the family)."
    )
    phone = serializers.CharField(required=False)
    sms = serializers.CharField(required=False)
    url = serializers.CharField(required=False)


class NoticeSerializer(serializers.Serializer):
    code = serializers.ChoiceField(
        choices=["outside-area", "school-age", "in-care", "no-service-in-language"]
    )
    text = serializers.CharField()


class LineSerializer(serializers.Serializer):
    id = serializers.CharField(required=False, help_text="HSDS service id, when the line is a service.")
    name = serializers.CharField()
    text = serializers.CharField()
    phone = serializers.CharField(required=False)
    sms = serializers.CharField(required=False)
    url = serializers.CharField(required=False)


class FallbackSerializer(LineSerializer):
    organization = serializers.CharField(required=False)
    reasons = serializers.ListField(child=serializers.CharField(), required=False)


class PlanStepSerializer(serializers.Serializer):
    key = serializers.CharField()
    stage = serializers.ChoiceField(choices=["to-care", "through-care", "out-of-care"])
    title = serializers.CharField()
    why = serializers.CharField()
    when = serializers.ChoiceField(choices=["now", "next"], help_text="Do now, or what comes next.")
    services = MatchedServiceSerializer(many=True)
    also = ServiceRefSerializer(
        many=True,
        required=False,
        help_text="Services listed at an earlier step that fit this one too (each service is listed once).",
    )
    empty = EmptySerializer(required=False, help_text="Why no service is listed, when none is.")


class RecommendationSerializer(MatchedServiceSerializer):
    step = serializers.CharField(help_text="Key of the step the service is recommended for.")


class PathwayRefSerializer(serializers.Serializer):
    id = serializers.CharField()
    title = serializers.CharField()
    version = serializers.IntegerField()


class MatchResponseSerializer(serializers.Serializer):
    community = serializers.CharField()
    pathway = PathwayRefSerializer()
    steps = PlanStepSerializer(many=True)
    recommendations = RecommendationSerializer(many=True)
    start_here = ActionSerializer(
        many=True, required=False, help_text="At most three first actions, in order."
    )
    notices = NoticeSerializer(many=True, required=False, help_text="What to know about the plan as a whole.")
    fallbacks = FallbackSerializer(
        many=True,
        required=False,
        help_text="Lines that still help (intake and navigation by phone or video, 211).",
    )
    safety = LineSerializer(
        many=True,
        required=False,
        help_text="On every plan: 911, the parent's helpline when their wellbeing is a worry, the crisis lines, 211.",
    )
    for_you = MatchedServiceSerializer(
        many=True, required=False, help_text="Programs made for the family's culture or community."
    )


class ErrorsSerializer(serializers.Serializer):
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text='Messages by field path, e.g. {"child.age_months": ["..."]}.',
    )
