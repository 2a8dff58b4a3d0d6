"""Query parameters of the HSDS API, checked: every bad one is reported at once, naming it."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request

from .paging import DEFAULT_PER_PAGE, MAX_PER_PAGE


class Params:
    """The request's query parameters; each reader notes what is wrong, ``check`` raises them all."""

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
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise NotFound("No record has this id.") from None


def param(name: str, kind: Any, description: str) -> OpenApiParameter:
    """A query parameter, for the OpenAPI schema."""
    return OpenApiParameter(name, kind, OpenApiParameter.QUERY, required=False, description=description)


SEARCH = param("search", {"type": "string", "maxLength": 200}, "Full-text search on names and descriptions.")
PAGE = param("page", {"type": "integer", "minimum": 1, "maximum": 1_000_000}, "Page number, from 1.")
PER_PAGE = param(
    "per_page",
    {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
    f"Results per page, 1 to {MAX_PER_PAGE} (default {DEFAULT_PER_PAGE}).",
)
LANG = param(
    "lang",
    {"type": "string", "enum": ["en", "fr"]},
    "Language of the text: en or fr (default: Accept-Language, then en).",
)
COMMUNITY = param(
    "community",
    {"type": "string", "maxLength": 60},
    "Only the published inventory of this community (its slug).",
)
LISTS = [SEARCH, PAGE, PER_PAGE, LANG]  # every list
COMMON = [*LISTS, COMMUNITY]  # lists of what communities publish
SERVICE_FILTERS = [
    param("taxonomy_term_id", OpenApiTypes.UUID, "Services with this taxonomy term."),
    param("taxonomy_id", OpenApiTypes.UUID, "Services with any term of this taxonomy."),
    param("organization_id", OpenApiTypes.UUID, "Services of this organization."),
    param("modified_after", OpenApiTypes.DATETIME, "Services modified at or after this moment (ISO 8601)."),
    param("full", OpenApiTypes.BOOL, "Fully nested records instead of one-to-one fields only."),
]
NOT_FOUND = OpenApiResponse(description="No published record has this id.")
BAD_REQUEST = OpenApiResponse(description="A query parameter is wrong; `errors` names it.")
