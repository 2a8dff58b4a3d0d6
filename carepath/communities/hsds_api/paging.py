"""The HSDS page of a list: the ids on the asked page and the page's description.

``total_items`` is exact, as HSDS has it: the list counted whole, without its order. The page's ids are read from
the nearer end of the list's order, which an index gives (``carepath.paging.window``), so the last page costs
what the first does; no page reads a row for each record it shows.
"""

from __future__ import annotations

import hashlib
import math
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db.models import QuerySet
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from carepath import versions
from carepath.paging import counting, window

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


def count(queryset: QuerySet[Any], *, filtered: bool) -> int:
    """The number of rows, exactly: a filtered list as the planner likes (a search's or a filter's rows come
    from their own indexes, in no order); a whole list without hash joins (``counting``), and once per worker
    until the directory changes (``versions.directory_state``): counting 100,000 services costs some tens of
    milliseconds, and every page of the list asks it."""
    queryset = queryset.order_by()
    if filtered:
        return queryset.count()
    sql, values = queryset.query.sql_with_params()
    key = (
        "hsds-count:"
        + hashlib.sha256(f"{queryset.db}|{sql}|{values!r}|{versions.directory_state()}".encode()).hexdigest()
    )
    found = cache.get(key)
    if found is None:
        with counting(queryset.db):
            found = queryset.count()
        cache.set(key, found, 3600)
    return int(found)


def paginate(
    params: Params, queryset: QuerySet[Any], *, filtered: bool = True
) -> tuple[list[Any], dict[str, Any]]:
    """The ids of the asked page (``page``, ``per_page``) and the HSDS page fields; raises every bad
    parameter read so far, these two included. ``filtered``: whether the request filtered the list."""
    page = params.integer("page", 1, 1, 1_000_000)
    per_page = params.integer("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
    params.check()
    total = count(queryset, filtered=filtered)
    pages = max(1, math.ceil(total / per_page))
    # Read from the nearer end of the list's order (an index's): the last page as quick as the first.
    ids = window(queryset.values_list("id", flat=True), (page - 1) * per_page, page * per_page, total)
    return ids, {
        "total_items": total,
        "total_pages": pages,
        "page_number": page,
        "size": len(ids),
        "first_page": page == 1,
        "last_page": page >= pages,
        "empty": total == 0,
    }
