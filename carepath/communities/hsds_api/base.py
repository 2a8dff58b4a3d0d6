"""A list view and a detail view of the HSDS API, declared rather than written out.

A list says what it lists (``queryset``), how its query parameters filter it (``filters``: each parameter
read one way and handed to a QuerySet method), its ``ordering``, its yes-or-no ``options`` and how a page of
ids is written (``contents``). Every bad parameter is reported at once, with the page's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from django.db.models import QuerySet
from django.db.models.functions import Lower
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .paging import paginate
from .params import Params, check_id


@dataclass(frozen=True)
class Filter:
    """A query parameter that filters a list: how it is read (``text``, ``uuid``, ``moment`` or ``flag``) and
    the QuerySet method it calls (a flag calls it, with no argument, when it is true)."""

    kind: str
    method: str


def _read(params: Params, name: str, kind: str) -> Any:
    if kind == "flag":
        return params.boolean(name)
    return getattr(params, kind)(name)


def given_filters(filters: dict[str, Filter], params: Params) -> list[tuple[Filter, Any]]:
    """The filters the request gives, with their values."""
    given = [(how, _read(params, name, how.kind)) for name, how in filters.items()]
    return [(how, value) for how, value in given if value not in (None, "", False)]


def apply_filters(queryset: QuerySet[Any], filters: dict[str, Filter], params: Params) -> QuerySet[Any]:
    """The queryset with every filter the request gives; none when one is wrong (paging then says which)."""
    given = given_filters(filters, params)
    if params.errors:
        return queryset.none()
    for how, value in given:
        queryset = getattr(queryset, how.method)() if value is True else getattr(queryset, how.method)(value)
    return queryset


class ListView(APIView):
    filters: ClassVar[dict[str, Filter]] = {}
    options: ClassVar[tuple[str, ...]] = ()
    # An index's order (directory migration 0008), ending with a unique column: pages are read from it.
    ordering: ClassVar[tuple[Any, ...]] = (Lower("name_en"), "id")

    def queryset(self, params: Params) -> QuerySet[Any]:
        raise NotImplementedError

    def contents(self, ids: list[Any], params: Params, options: dict[str, bool]) -> list[dict[str, Any]]:
        raise NotImplementedError

    def filtered(self, params: Params) -> bool:
        """Whether the request filters the list (its count then reads the filters' indexes)."""
        return bool(given_filters(self.filters, params))

    def get(self, request: Request) -> Response:
        params = Params(request)
        queryset = apply_filters(self.queryset(params), self.filters, params)
        options = {name: params.boolean(name) for name in self.options}
        ids, page = paginate(params, queryset.order_by(*self.ordering), filtered=self.filtered(params))
        return Response({**page, "contents": self.contents(ids, params, options)})


# One record by its id (a UUID; anything else is not found), with its yes-or-no ``options``; ``record`` gives None
# for a record that is not there or not public, and the answer is then 404 saying ``missing``. (No docstrings on
# these two classes: the OpenAPI schema would take them as every endpoint's description.)
class DetailView(APIView):
    options: ClassVar[tuple[str, ...]] = ()
    missing: ClassVar[str] = "No record has this id."

    def record(self, record_id: str, params: Params, options: dict[str, bool]) -> dict[str, Any] | None:
        raise NotImplementedError

    def get(self, request: Request, id: Any) -> Response:
        record_id = check_id(id)
        params = Params(request)
        options = {name: params.boolean(name) for name in self.options}
        params.check()
        found = self.record(record_id, params, options)
        if found is None:
            raise NotFound(self.missing)
        return Response(found)
