"""The navigator's read of a community's services: the facts of each (``snapshot.ServiceColumns``) as columns.

100,000 services have some 800,000 carepath attributes, 150,000 languages and 100,000 located places; a worker
reads them when its first family asks (issue 13: in 2 s or less). So the read makes no Python object per row it
can avoid: the services come once, as rows, and give each service its position; every other table is asked for
its rows grouped by their values (a term, a language code, an area), each group with its services, which
PostgreSQL packs into one binary value read straight into numpy (``_Reader``); the terms of a branch become a
bit per term, so each service's set of terms is one number, and only the distinct sets become Python sets
(``sets_of``). SQLite, the fallback, asks the same with the services' query as a subquery and groups in Python.
Row by row, through psycopg's ``COPY`` or ``fetchmany``, the same read took seconds of Python at 100,000.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

import numpy as np
from django.db import connections
from django.db.models import Model
from psycopg.types.string import TextLoader

from carepath.geo import parse_area

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
    return f'"{model._meta.db_table}"'  # quoted as the ORM writes it, on SQLite and PostgreSQL alike


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


def tuples_of(
    size: int, members: list[tuple[Any, np.ndarray]], sort: bool = False
) -> tuple[np.ndarray, list[tuple[Any, ...]]]:
    """Each of ``size`` services' items in the order of ``members`` (item, its services' positions), as codes
    into the distinct tuples (sorted with ``sort``). Most services have none or one: those are spread by numpy."""
    counts = np.bincount(np.concatenate([p for _, p in members] or [np.zeros(0, np.int64)]), minlength=size)
    codes = np.zeros(size, dtype=np.int32)
    values: list[tuple[Any, ...]] = [()]
    several: dict[int, list[Any]] = defaultdict(list)
    for item, positions in members:
        alone = positions[counts[positions] == 1]
        if len(alone):
            codes[alone] = len(values)
            values.append((item,))
        for position in positions[counts[positions] > 1].tolist():
            several[position].append(item)
    distinct: dict[tuple[int, ...], int] = {}  # by the items' identities: equal items are the same object
    for position, items in several.items():
        found = tuple(sorted(items)) if sort else tuple(items)
        key = tuple(map(id, found))
        if key not in distinct:
            distinct[key] = len(values)
            values.append(found)
        codes[position] = distinct[key]
    return codes, values


class _Reader:
    """Other tables' rows for the services, by their services' positions in ``ids``.

    On PostgreSQL the ids go as one array, rows are grouped by their values, and each group's services are
    packed by the database into one binary value (joined by ``string_agg``) read straight into numpy: no Python
    object per row. A service is named there by the half of its id's 16 bytes that tells the services apart
    (``uuid_send``), found among the ids by numpy's binary search; should neither half do, by its position in
    the array (``WITH ORDINALITY``: a join the planner makes slower). SQLite asks with the services' query as a
    subquery and groups in Python."""

    def __init__(self, services: Any, ids: list[str]) -> None:
        self.connection = connections[services.db]
        self.size = len(ids)
        self.postgresql = self.connection.vendor == "postgresql"
        self.half: int | None = None
        if self.postgresql:
            self.params: list[Any] = ["{" + ",".join(ids) + "}"]
            raw = np.frombuffer(bytes.fromhex("".join(ids).replace("-", "")), dtype=">u8").reshape(-1, 2)
            for half in (0, 1):
                keys = raw[:, half].astype(np.uint64)
                self.order = np.argsort(keys, kind="stable")
                self.sorted = keys[self.order]
                if not (self.sorted[1:] == self.sorted[:-1]).any():
                    self.half = half
                    break
        else:
            self.subquery, params = services.order_by().values("id").query.sql_with_params()
            self.params = list(params)
            self.position = {key: i for i, key in enumerate(ids)}

    def _named(self, service: str) -> tuple[str, str, str, str]:
        """PostgreSQL: how a row names its service (as bytes), the join and the condition that keep the
        services' rows (the ids array is the one parameter of either), and the numpy type of the name."""
        if self.half is not None:
            name = f"substring(uuid_send({service}) FROM {1 + 8 * self.half} FOR 8)"
            return name, "", f"{service} = ANY(%s::uuid[])", ">u8"
        join = f"JOIN unnest(%s::uuid[]) WITH ORDINALITY AS ids (id, n) ON ids.id = {service}"
        return "int4send((ids.n - 1)::int4)", join, "TRUE", ">i4"

    def _positions(self, names: np.ndarray) -> np.ndarray:
        if self.half is None:
            return names.astype(np.int64)
        return self.order[np.searchsorted(self.sorted, names.astype(np.uint64))]

    def _grouped(
        self, table: str, service: str, keys: list[str], where: str = "TRUE", params: Any = ()
    ) -> list[tuple[Any, ...]]:
        """``SELECT keys ... GROUP BY keys`` on the services' rows of the table (``service``: its column of the
        service id; ``params``: those of ``keys`` then of ``where``): (key values..., positions) per group."""
        count, keys_sql = len(keys), ", ".join(keys)
        if self.postgresql:
            name, ids_join, ids_where, kind = self._named(service)
            sql = (
                f"SELECT {keys_sql}, string_agg({name}, ''::bytea) FROM {table} {ids_join} "  # noqa: S608
                f"WHERE {ids_where} AND {where} GROUP BY {', '.join(str(i + 1) for i in range(count))}"
            )
            split = keys_sql.count(
                "%s"
            )  # the ids array comes between the keys' parameters and the condition's
            with self.connection.cursor() as cursor:
                cursor.execute(sql, [*params[:split], *self.params, *params[split:]])
                return [
                    (*row[:-1], self._positions(np.frombuffer(row[-1], dtype=kind)))
                    for row in cursor.fetchall()
                ]
        sql = f"SELECT {keys_sql}, {service} FROM {table} WHERE {where} AND {service} IN ({self.subquery})"  # noqa: S608
        groups: dict[tuple[Any, ...], list[int]] = defaultdict(list)
        with self.connection.cursor() as cursor:
            cursor.execute(sql, [*params, *self.params])
            for row in cursor.fetchall():
                groups[row[:-1]].append(self.position[row[-1]])
        return [(*key, np.array(found, dtype=np.int64)) for key, found in groups.items()]

    def attributes(self) -> tuple[dict[str, np.ndarray], dict[str, list[Any]], list[int | None]]:
        """Each service's terms of each branch (delivery, service types...) and its populations ((code, "only"
        or "focus"), sorted), as codes and values; its wait in days (of several, the last by their text)."""
        found_terms = _terms()  # each id as SQLite and as PostgreSQL write it
        key = TaxonomyTerm._meta.pk
        assert key is not None
        ids = [term for term in found_terms if "-" in term]
        valued = [term for term in ids if found_terms[term][0] >= POPULATION]
        column = f"{_table(Attribute)}.{_column(Attribute, 'taxonomy_term')}"
        groups = self._grouped(
            _table(Attribute),
            f"{_table(Attribute)}.{_column(Attribute, 'link_id')}",
            [column, f"CASE WHEN {column} IN ({', '.join(['%s'] * len(valued))}) THEN value END"],
            where=f"link_entity = 'service' AND {column} IN ({', '.join(['%s'] * len(ids))})",
            params=[key.get_db_prep_value(uuid.UUID(term), self.connection) for term in valued + ids],
        )
        groups = [(found_terms[str(term)], value, positions) for term, value, positions in groups]
        codes, values = {}, {}
        for kind, name in enumerate(BRANCH_FIELDS):
            codes[name], values[name] = sets_of(
                self.size, [(key, positions) for (k, key), _value, positions in groups if k == kind]
            )
        populations: list[tuple[tuple[str, str], np.ndarray]] = []
        waits = np.full(self.size, -1, dtype=np.int64)  # -1: none said; -2: too large for numpy, in ``large``
        large: dict[int, int] = {}
        for (kind, key_), value, positions in sorted(groups, key=lambda group: (group[0], group[1] or "")):
            value = value or ""
            if kind == POPULATION and value in ("only", "focus"):
                populations.append(((key_, value), positions))
            elif kind == WAIT and value.strip().isdigit():
                days = int(value)
                waits[positions] = days if days < 2**62 else -2
                large.update(dict.fromkeys(positions.tolist() if days >= 2**62 else (), days))
        codes["populations"], values["populations"] = tuples_of(self.size, populations, sort=True)
        found = waits.tolist()
        said = [None if days == -1 else large[i] if days == -2 else days for i, days in enumerate(found)]
        return codes, values, said

    def languages(self) -> tuple[np.ndarray, list[Any]]:
        """Each service's languages (codes in lower case) as codes and sets."""
        language = _table(Language)
        groups = self._grouped(language, f"{language}.{_column(Language, 'service')}", ["code"])
        return sets_of(self.size, [(code.lower(), positions) for code, positions in groups if code])

    def areas(self) -> tuple[np.ndarray, list[Any]]:
        """Each service's areas (those that are usable GeoJSON) as codes and tuples."""
        area = _table(ServiceArea)
        parsed = [
            (parse_area(extent, kind), positions)
            for extent, kind, positions in self._grouped(
                area, f"{area}.{_column(ServiceArea, 'service')}", ["extent", "extent_type"]
            )
        ]
        return tuples_of(self.size, [(shape, positions) for shape, positions in parsed if shape is not None])

    def locations(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The services' located places: (position, latitude, longitude), grouped by position."""
        place, location = _table(ServiceAtLocation), _table(Location)
        service = f"p.{_column(ServiceAtLocation, 'service')}"
        point = f"JOIN {location} l ON l.id = p.{_column(ServiceAtLocation, 'location')}"
        located = "l.latitude IS NOT NULL AND l.longitude IS NOT NULL"
        if self.postgresql:
            name, ids_join, ids_where, kind = self._named(service)
            sql = (
                f"SELECT string_agg({name} || float8send(l.latitude) || float8send(l.longitude), ''::bytea) "  # noqa: S608
                f"FROM {place} p {ids_join} {point} WHERE {ids_where} AND {located}"
            )
            with self.connection.cursor() as cursor:
                cursor.execute(sql, self.params)
                data = cursor.fetchone()[0] or b""
            packed = np.frombuffer(data, dtype=[("n", kind), ("lat", ">f8"), ("lon", ">f8")])
            rows = np.zeros(len(packed), dtype=[("n", "i8"), ("lat", "f8"), ("lon", "f8")])
            rows["n"], rows["lat"], rows["lon"] = self._positions(packed["n"]), packed["lat"], packed["lon"]
        else:
            sql = (
                f"SELECT {service}, l.latitude, l.longitude FROM {place} p {point} "  # noqa: S608
                f"WHERE {located} AND {service} IN ({self.subquery})"
            )
            with self.connection.cursor() as cursor:
                cursor.execute(sql, self.params)
                found = [(self.position[sid], lat, lon) for sid, lat, lon in cursor.fetchall()]
            rows = np.array(found, dtype=[("n", "i8"), ("lat", "f8"), ("lon", "f8")]).reshape(-1)
        order = np.argsort(rows["n"], kind="stable")
        return (
            rows["n"][order].astype(np.int64),
            rows["lat"][order].astype(np.float64),
            rows["lon"][order].astype(np.float64),
        )
