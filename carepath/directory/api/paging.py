"""The HSDS page of a list: the ids on the asked page and the page's description."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

if TYPE_CHECKING:  # a type only: params imports this module's limits
    from .params import Params

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


def paginate(params: Params, queryset: QuerySet[Any]) -> tuple[list[Any], dict[str, Any]]:
    """The ids of the asked page (``page``, ``per_page``) and the HSDS page fields; raises every bad
    parameter read so far, these two included."""
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
