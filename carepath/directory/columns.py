"""The navigator's read of a community's services: the facts of each (``snapshot.ServiceColumns``) as columns.

100,000 services have some 800,000 carepath attributes, 150,000 languages and 100,000 located places; a worker
reads them when its first family asks (issue 13: in 2 s or less). So the read makes no object per row it can
avoid: the services come once, as rows, and give each service its position; the other tables are asked for
those positions (on PostgreSQL the services' ids go as one array, and the attributes' terms and the places'
coordinates come as fixed-width binary ``COPY`` read straight into numpy); the terms of a branch become a bit
per term, so each service's set of terms is one integer, and only the distinct sets are made into Python sets.
SQLite, the fallback, asks the same with the services' query as a subquery and maps ids to positions in Python.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

import numpy as np
from django.db import connections
from django.db.models import Model
from psycopg.types.string import TextLoader

from carepath.geo import Area, parse_area

from .models import Attribute, Language, Location, ServiceArea, ServiceAtLocation, TaxonomyTerm
from .queries import POPULATION, WAIT, _Shared, _terms, service_key
from .snapshot import ServiceColumns

SERVICE_FIELDS = (
    "id",
    "name_en",
    "name_fr",
    "minimum_age",
    "maximum_age",
    "interpretation_services_en",
    "organization__name_en",
    "organization__name_fr",
)
BRANCH_FIELDS = ("delivery", "service_types", "tiers", "concerns", "sectors", "referral", "cost")  # BRANCHES'


def service_columns(services: Any) -> ServiceColumns:
    """The facts of these services (a queryset of active services) as columns, in 5 queries."""
    raw_ids, names_en, names_fr, lows, highs, interpretation, orgs_en, orgs_fr = _columns_of(services)
    read = _Reader(services, raw_ids)
    shared = _Shared()
    codes, values, waits = read.attributes()
    codes["languages"], values["languages"] = read.languages()
    codes["areas"], values["areas"] = read.areas()
    owners, lats, lons = read.locations()
    return ServiceColumns(
        id=[service_key(key) for key in raw_ids],
        name=[en or fr or "" for en, fr in zip(names_en, names_fr, strict=True)],
        name_fr=[fr or "" for fr in names_fr],
        organization=[shared[en or fr or ""] for en, fr in zip(orgs_en, orgs_fr, strict=True)],
        organization_fr=[shared[fr or ""] for fr in orgs_fr],
        min_months=[None if low is None else float(low) * 12 for low in lows],
        max_months=[None if high is None else float(high) * 12 for high in highs],
        interpretation=[bool(said) for said in interpretation],
        wait_days=waits,
        codes=codes,
        values=values,
        loc_owner=owners,
        loc_lat=lats,
        loc_lon=lons,
    )


def _columns_of(services: Any) -> list[list[Any]]:
    """The services' ``SERVICE_FIELDS``, a list each, as the driver gives them (ids as text)."""
    sql, params = services.order_by().values_list(*SERVICE_FIELDS).query.sql_with_params()
    connection = connections[services.db]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # ids as text, as SQLite gives them: no UUID object per value
            cursor.cursor.adapters.register_loader("uuid", TextLoader)
        cursor.execute(sql, params)
        where = [name.lower() for name, *_ in cursor.description]  # the SQL may hold them in another order
        found = [list(column) for column in zip(*cursor.fetchall(), strict=True)] or [[] for _ in where]
    return [found[where.index(name.lower())] for name in SERVICE_FIELDS]


def _table(model: type[Model]) -> str:
    return model._meta.db_table


def _column(model: type[Model], name: str) -> str:
    return model._meta.get_field(name).column  # type: ignore[union-attr]


def sets_of(size: int, members: list[tuple[Any, np.ndarray]]) -> tuple[np.ndarray, list[frozenset[Any]]]:
    """Each of ``size`` services' set of keys, from each key's services (positions; a key may come twice): as
    codes into the distinct sets. A set is a row of bits, so numpy finds the distinct ones."""
    keys = list(dict.fromkeys(key for key, _ in members))
    words = np.zeros((size, len(keys) // 64 + 1), dtype=np.uint64)
    for key, positions in members:
        bit = keys.index(key)
        column = words[:, bit // 64]
        np.bitwise_or.at(column, positions, np.uint64(1 << bit % 64))
    if words.shape[1] == 1:  # one number per service: numpy sorts those quickly
        distinct, inverse = np.unique(words[:, 0], return_inverse=True)
        distinct = distinct.reshape(-1, 1)
    else:
        distinct, inverse = np.unique(words, axis=0, return_inverse=True)
    sets = [frozenset(k for j, k in enumerate(keys) if int(row[j // 64]) >> j % 64 & 1) for row in distinct]
    return inverse.reshape(-1).astype(np.int32), sets


class _Reader:
    """Other tables' rows for the services, by their services' positions in ``ids``: on PostgreSQL the ids go
    as one array and rows are grouped by their values, each group's positions packed by the database into one
    binary value (``int4send`` joined by ``string_agg``) read straight into numpy, so no Python object is made
    per row; SQLite asks with the services' query as a subquery and groups in Python."""

    def __init__(self, services: Any, ids: list[str]) -> None:
        self.connection = connections[services.db]
        self.size = len(ids)
        self.postgresql = self.connection.vendor == "postgresql"
        if self.postgresql:
            self.params: list[Any] = ["{" + ",".join(ids) + "}"]
        else:
            self.subquery, params = services.order_by().values("id").query.sql_with_params()
            self.params = list(params)
            self.position = {key: i for i, key in enumerate(ids)}

    def _grouped(
        self, table: str, service: str, keys: list[str], join: str = "", where: str = "TRUE", params: Any = ()
    ) -> list[tuple[Any, ...]]:
        """``SELECT keys ... GROUP BY keys`` on the services' rows of the table (``service``: its column of the
        service id; ``join`` and ``where`` with their ``params``): (key values..., positions) per group."""
        count, keys = len(keys), ", ".join(keys)
        if self.postgresql:
            sql = (
                f"SELECT {keys}, string_agg(int4send((ids.n - 1)::int4), ''::bytea) FROM {table} "  # noqa: S608
                f"JOIN unnest(%s::uuid[]) WITH ORDINALITY AS ids (id, n) ON ids.id = {service} {join} "
                f"WHERE {where} GROUP BY {', '.join(str(i + 1) for i in range(count))}"
            )
            with self.connection.cursor() as cursor:
                cursor.execute(sql, [*self.params, *params])
                return [
                    (*row[:-1], np.frombuffer(row[-1], dtype=">i4").astype(np.int64))
                    for row in cursor.fetchall()
                ]
        sql = f"SELECT {keys}, {service} FROM {table} {join} WHERE {where} AND {service} IN ({self.subquery})"  # noqa: S608
        groups: dict[tuple[Any, ...], list[int]] = defaultdict(list)
        with self.connection.cursor() as cursor:
            cursor.execute(sql, [*params, *self.params])
            for row in cursor.fetchall():
                groups[row[:-1]].append(self.position[row[-1]])
        return [(*key, np.array(found, dtype=np.int64)) for key, found in groups.items()]

    def attributes(self) -> tuple[dict[str, np.ndarray], dict[str, list[Any]], list[int | None]]:
        """Each service's terms of each branch (delivery, service types...) and its populations ((code, "only"
        or "focus"), sorted), as codes and values; its wait in days (of several, the last by their text)."""
        a = _table(Attribute)
        terms = list(_terms().items())
        key = TaxonomyTerm._meta.pk
        assert key is not None
        pairs = [
            (key.get_db_prep_value(uuid.UUID(term), self.connection), code)
            for code, (term, _) in enumerate(terms)
            if "-" in term  # each id is there as SQLite and as PostgreSQL write it
        ]
        valued = "CASE WHEN t.column2 IN ({}) THEN {}.value END".format(
            ", ".join(str(c) for c, (_, (kind, _)) in enumerate(terms) if kind >= POPULATION) or "-1", a
        )
        groups = self._grouped(
            a,
            f"{a}.{_column(Attribute, 'link_id')}",
            ["CAST(t.column2 AS integer)", valued],
            join=f"JOIN (VALUES {', '.join(['(%s, %s)'] * len(pairs))}) AS t "
            f"ON t.column1 = {a}.{_column(Attribute, 'taxonomy_term')}",
            where=f"{a}.link_entity = 'service'",
            params=[p for pair in pairs for p in pair],
        )
        codes, values = {}, {}
        for kind, name in enumerate(BRANCH_FIELDS):
            found = [
                (terms[code][1][1], positions)
                for code, _value, positions in groups
                if terms[code][1][0] == kind
            ]
            codes[name], values[name] = sets_of(self.size, found)
        populations: dict[int, list[tuple[str, str]]] = defaultdict(list)
        waits: list[int | None] = [None] * self.size
        for code, value, positions in sorted(groups, key=lambda group: (group[0], group[1] or "")):
            kind, key_ = terms[code][1]
            value = value or ""
            if kind == POPULATION and value in ("only", "focus"):
                for position in positions.tolist():
                    populations[position].append((key_, value))
            elif kind == WAIT and value.strip().isdigit():
                for position in positions.tolist():
                    waits[position] = int(value)
        distinct: dict[tuple[tuple[str, str], ...], int] = {(): 0}
        codes["populations"] = np.zeros(self.size, dtype=np.int32)
        for position, found_pairs in populations.items():
            codes["populations"][position] = distinct.setdefault(tuple(sorted(found_pairs)), len(distinct))
        values["populations"] = list(distinct)
        return codes, values, waits

    def languages(self) -> tuple[np.ndarray, list[Any]]:
        """Each service's languages (codes in lower case) as codes and sets."""
        language = _table(Language)
        groups = self._grouped(language, f"{language}.{_column(Language, 'service')}", ["code"])
        return sets_of(self.size, [(code.lower(), positions) for code, positions in groups if code])

    def areas(self) -> tuple[np.ndarray, list[Any]]:
        """Each service's areas (those that are usable GeoJSON) as codes and tuples."""
        area = _table(ServiceArea)
        found: dict[int, list[Area]] = defaultdict(list)
        for extent, kind, positions in self._grouped(
            area, f"{area}.{_column(ServiceArea, 'service')}", ["extent", "extent_type"]
        ):
            shape = parse_area(extent, kind)
            if shape is not None:
                for position in positions.tolist():
                    found[position].append(shape)
        distinct: dict[tuple[int, ...], tuple[Area, ...]] = {(): ()}  # by the parsed areas' identities
        place: dict[tuple[int, ...], int] = {(): 0}
        codes = np.zeros(self.size, dtype=np.int32)
        for position, shapes in found.items():
            key = tuple(map(id, shapes))
            if key not in place:
                place[key] = len(place)
                distinct[key] = tuple(shapes)
            codes[position] = place[key]
        return codes, list(distinct.values())

    def locations(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The services' located places: (position, latitude, longitude), grouped by position."""
        place, location = _table(ServiceAtLocation), _table(Location)
        service = f"p.{_column(ServiceAtLocation, 'service')}"
        point = f"JOIN {location} l ON l.id = p.{_column(ServiceAtLocation, 'location')}"
        located = "l.latitude IS NOT NULL AND l.longitude IS NOT NULL"
        if self.postgresql:
            sql = (
                "SELECT string_agg(int4send((ids.n - 1)::int4) || float8send(l.latitude) || float8send(l.longitude), "  # noqa: S608
                f"''::bytea) FROM {place} p JOIN unnest(%s::uuid[]) WITH ORDINALITY AS ids (id, n) ON ids.id = {service} "
                f"{point} WHERE {located}"
            )
            with self.connection.cursor() as cursor:
                cursor.execute(sql, self.params)
                data = cursor.fetchone()[0] or b""
            rows = np.frombuffer(data, dtype=[("n", ">i4"), ("lat", ">f8"), ("lon", ">f8")])
        else:
            sql = f"SELECT {service}, l.latitude, l.longitude FROM {place} p {point} WHERE {located} AND {service} IN ({self.subquery})"  # noqa: S608
            with self.connection.cursor() as cursor:
                cursor.execute(sql, self.params)
                found = [(self.position[sid], lat, lon) for sid, lat, lon in cursor.fetchall()]
            rows = np.array(found, dtype=[("n", "i4"), ("lat", "f8"), ("lon", "f8")]).reshape(-1)
        order = np.argsort(rows["n"], kind="stable")
        return (
            rows["n"][order].astype(np.int64),
            rows["lat"][order].astype(np.float64),
            rows["lon"][order].astype(np.float64),
        )
