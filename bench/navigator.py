"""Benchmark: the navigator on a large synthetic community, against one plain SQL query, and over HTTP.

    python bench/navigator.py                                  # 100,000 services, 1,000 families
    python bench/navigator.py --services 20000 --families 200 --no-http
    python bench/navigator.py --database-url postgresql://postgres@127.0.0.1:5432/postgres
    python bench/navigator.py --no-sql --http-requests 4000 --http-clients 16

Four parts, all on the same deterministic data (``--seed``):

1. A synthetic community of ``--services`` services (realistic mix of ages in months with open ends,
   languages, delivery, 0 to 3 locations in northern Ontario, a few shared GeoJSON service areas,
   "only"/"focus" populations, cost terms, waits, tiers, concerns; a few inactive) and ``--families`` random
   families.
2. The engine: ``engine.Directory(services)`` build time and memory (``build_mb``: what the directory holds
   once built, by tracemalloc, numpy arrays included, the ServiceFacts themselves not counted;
   ``build_peak_mb``: tracemalloc peak during the build; the build is timed separately, without tracing), then
   ``engine.plan(pathway, directory, request)`` for every family (the Ontario template pathway), timed with
   ``time.perf_counter`` (full garbage collections during the loop are counted and shown: they land in the
   max, sometimes in p99). Every service on every plan is checked against hard rules 1 to 7 of CONTRACTS.md
   section 3 by a small checker written here (``violations`` must be 0), and for the first ``--cross-check``
   families the engine's eligibility of every service is compared with the checker's both ways
   (``eligibility_mismatches`` must be 0).
3. The SQL reference (PostgreSQL; ``--database-url``, else ``DATABASE_URL``, else the local default; skipped
   with a message when that is not PostgreSQL or not reachable): the same services in plain tables of a
   scratch database ``carepath_bench_nav`` (loaded with COPY, dropped afterwards), and for every family ONE
   query applying the same hard filters and ordering by distance, LIMIT 5, for the service types of the first
   step of the family's plan (``service`` filtered by array overlaps and age bounds, a LATERAL minimum
   haversine over ``location`` by its ``service_id`` index, ``service_area`` boxes in an EXISTS), timed
   client-side. Favourable to SQL: one step instead of the whole plan, no tiers, no scoring, no reasons, and
   service areas tested by their bounding box only (the engine tests the polygons). ``ratio`` is engine p95 /
   SQL p50. The SQL answers of the first ``--sql-verify`` families are compared with the same filters computed
   in Python (``sql_mismatches`` must be 0).
4. HTTP (``--http``; on when gunicorn is in the venv): gunicorn with ``--http-workers`` (2) sync workers
   serving ``carepath.wsgi`` on a free local port, on a throwaway SQLite database with the north-shore demo
   community (its own few dozen services, not the synthetic ones: this part measures the endpoint), then a
   bounded load loop: ``--http-clients`` threads with http.client (reconnecting: sync workers close each
   connection) POST the families as request JSON until ``--http-requests`` are done or ``--http-seconds``
   pass. The client runs on the same machine and shares its CPUs with gunicorn.

Targets: engine p95 under 20 ms at 100,000 services and under half the SQL p50 (ratio < 0.5); the endpoint
at 150 requests per second or more with no error. The last line is ``key=value`` figures (CONTRACTS.md,
section 2).
"""

from __future__ import annotations

import argparse
import gc
import http.client
import itertools
import json
import math
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from import_hsds import WORDS  # noqa: E402  (the import benchmark beside this file: its word list)

from carepath.directory import vocabulary  # noqa: E402
from carepath.directory.snapshot import ServiceFacts  # noqa: E402
from carepath.geo import Area, parse_area  # noqa: E402
from carepath.navigator import engine  # noqa: E402
from carepath.pathways.documents import template  # noqa: E402
from carepath.pathways.graph import SCREENING_TOOLS, Pathway  # noqa: E402

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
SCRATCH_DATABASE = "carepath_bench_nav"
API_PATH = "/api/v1/navigator/match"
EARTH_KM = 6371.0088
# Northern Ontario: towns the services and families cluster around (latitude, longitude).
BOX = (45.5, 47.5, -81.0, -78.0)  # south, north, west, east
TOWNS = [
    (46.31, -79.46),
    (46.49, -80.75),
    (46.80, -79.35),
    (45.60, -79.10),
    (46.70, -80.05),
    (45.95, -78.90),
    (46.05, -80.25),
    (47.10, -79.80),
    (45.80, -80.60),
    (47.35, -78.60),
    (46.20, -78.30),
    (45.70, -79.90),
]
OTHER_LANGUAGES = ["oj", "cr", "ar", "zh", "es", "pa", "tl", "so", "uk", "iu"]
# ISO 639-3/2 codes some directories use; the checker and the SQL parameters map them to ISO 639-1 themselves.
LONG_CODES = {"en": "eng", "fr": "fra", "oj": "oji", "cr": "crk", "ar": "ara", "zh": "zho", "es": "spa"}
SAME_LANGUAGE = {long: short for short, long in LONG_CODES.items()} | {"fre": "fr", "ojb": "oj", "cre": "cr"}
# (delivery codes, weight): in person only, in groups, virtual, home visits, phone lines, no delivery said.
DELIVERY_MIXES = [
    ((), 7),
    (("in-person",), 38),
    (("in-person", "group"), 8),
    (("group",), 5),
    (("in-person", "virtual"), 12),
    (("virtual",), 6),
    (("home-visit",), 6),
    (("home-visit", "in-person"), 4),
    (("phone",), 5),
    (("virtual", "phone"), 5),
    (("self-directed",), 2),
    (("in-person", "group", "virtual"), 2),
]
COST_MIXES = [
    ((), 15),
    (("free",), 55),
    (("sliding-scale",), 10),
    (("fee",), 8),
    (("fee", "sliding-scale"), 7),
    (("free", "fee"), 5),
]
AT_LOCATIONS = frozenset({"in-person", "group"})


# --- The synthetic community --------------------------------------------------------------------------------


def weighted(rng: random.Random, choices: Sequence[tuple[Any, int]]) -> Any:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


def near(rng: random.Random, lat: float, lon: float, spread: float) -> tuple[float, float]:
    south, north, west, east = BOX
    return (
        round(min(north, max(south, rng.gauss(lat, spread))), 5),
        round(min(east, max(west, rng.gauss(lon, spread * 1.4))), 5),
    )


def make_areas(count: int, rng: random.Random) -> tuple[list[Area], dict[int, dict[str, Any]]]:
    """``count`` service areas (irregular polygons, some in two parts, one with a hole), and their GeoJSON."""
    areas: list[Area] = []
    shapes: dict[int, dict[str, Any]] = {}

    def ring(lat: float, lon: float, radius: float, corners: int) -> list[list[float]]:
        points = []
        for k in range(corners):
            angle = 2 * math.pi * k / corners + rng.uniform(-0.2, 0.2)
            r = radius * rng.uniform(0.55, 1.0)
            points.append(
                [
                    round(lon + r * math.cos(angle) / math.cos(math.radians(lat)), 4),
                    round(lat + r * math.sin(angle), 4),
                ]
            )
        return [*points, points[0]]

    for number in range(count):
        lat, lon = TOWNS[number % len(TOWNS)]
        lat, lon = near(rng, lat, lon, 0.1)
        radius = rng.uniform(0.25, 0.7)
        outer = ring(lat, lon, radius, rng.randint(6, 12))
        shape: dict[str, Any]
        if number % 5 == 4:  # a district in two parts
            other = TOWNS[(number + 3) % len(TOWNS)]
            shape = {
                "type": "MultiPolygon",
                "coordinates": [[outer], [ring(other[0], other[1], radius / 2, 7)]],
            }
        elif number == 7:  # with a hole (a reserve served by its own services, say)
            hole = [
                [lon - 0.05, lat - 0.04],
                [lon - 0.05, lat + 0.04],
                [lon + 0.05, lat + 0.04],
                [lon + 0.05, lat - 0.04],
            ]
            shape = {"type": "Polygon", "coordinates": [outer, [*hole, hole[0]]]}
        else:
            shape = {"type": "Polygon", "coordinates": [outer]}
        area = parse_area(json.dumps(shape), "geojson")
        assert area is not None
        areas.append(area)
        shapes[id(area)] = shape
    return areas, shapes


def make_services(count: int, areas: list[Area], rng: random.Random) -> list[ServiceFacts]:
    vocab = vocabulary.load()
    types, tiers, concerns = vocab.codes("service-type"), vocab.codes("tier"), vocab.codes("concern")
    sectors, populations = vocab.codes("sector"), vocab.codes("population")
    out = []
    for number in range(count):
        low = rng.choice([None, 0, 0, 0, 0, 6, 12, 18, 24, 36, 48])
        high = rng.choice([None, 36, 47, 60, 71, 72, 83, 83, 144, 216])
        if low is not None and high is not None and high < low:
            high = low + 24
        spoken: set[str] = set()
        if rng.random() < 0.82:
            spoken.add("en")
        if rng.random() < 0.33:
            spoken.add("fr")
        for code in OTHER_LANGUAGES:
            if rng.random() < 0.015:
                spoken.add(code)
        spoken = spoken or {"fr"}
        if rng.random() < 0.05:
            spoken = {LONG_CODES.get(code, code) for code in spoken}
        delivery = frozenset(weighted(rng, DELIVERY_MIXES))
        served: tuple[Area, ...] = ()
        if rng.random() < 0.3:
            served = (rng.choice(areas),)
            if rng.random() < 0.1:
                served = tuple(dict.fromkeys([*served, rng.choice(areas)]))
            box = served[0].box
            centre = ((box[1] + box[3]) / 2, (box[0] + box[2]) / 2)
        else:
            centre = rng.choice(TOWNS)
        remote = bool(delivery) and not delivery & {"in-person", "group", "home-visit"}
        places = 0 if remote and rng.random() < 0.6 else rng.choices([1, 2, 3], weights=[70, 22, 8])[0]
        if places and rng.random() < 0.15:  # rural: anywhere in the region
            centre = (rng.uniform(BOX[0], BOX[1]), rng.uniform(BOX[2], BOX[3]))
        locations = tuple(near(rng, centre[0], centre[1], 0.12) for _ in range(places))
        kept: tuple[tuple[str, str], ...] = ()
        if rng.random() < 0.05:
            kept = ((rng.choice(populations), "only" if rng.random() < 0.4 else "focus"),)
        sector = rng.choice(sectors)
        if (
            any(code in ("first-nations", "inuit", "metis", "indigenous") for code, _ in kept)
            or rng.random() < 0.02
        ):
            sector = "indigenous-services"
        out.append(
            ServiceFacts(
                id=f"svc-{number:07d}",
                name=" ".join(rng.sample(WORDS, 3)).capitalize() + f" {number}",
                organization=f"Organization {number % max(1, count // 10)}",
                active=rng.random() < 0.97,
                min_months=None if low is None else float(low),
                max_months=None if high is None else float(high),
                languages=frozenset(spoken),
                interpretation=rng.random() < 0.1,
                delivery=delivery,
                service_types=frozenset(rng.sample(types, rng.choices([1, 2, 3], weights=[60, 32, 8])[0])),
                tiers=frozenset()
                if rng.random() < 0.1
                else frozenset(rng.sample(tiers, rng.choice([1, 1, 2]))),
                concerns=frozenset(
                    rng.sample(concerns, rng.choices([0, 1, 2, 3], weights=[20, 35, 30, 15])[0])
                ),
                sectors=frozenset({sector}),
                referral=frozenset(
                    rng.choice(
                        [
                            ["self-referral"],
                            ["professional-referral"],
                            ["self-referral", "professional-referral"],
                        ]
                    )
                ),
                cost=frozenset(weighted(rng, COST_MIXES)),
                populations=kept,
                wait_days=rng.choice([0, 3, 7, 14, 21, 30, 45, 60, 90, 120, 180, 270])
                if rng.random() < 0.85
                else None,
                locations=locations,
                areas=served,
            )
        )
    return out


def make_families(count: int, rng: random.Random) -> list[engine.Request]:
    vocab = vocabulary.load()
    concerns, deliveries = vocab.codes("concern"), vocab.codes("delivery")
    out = []
    for _ in range(count):
        age = rng.randint(0, 83)
        screening = []
        if rng.random() < 0.25:
            for tool in rng.sample(sorted(SCREENING_TOOLS), rng.choice([1, 1, 2])):
                bands, (low, high) = SCREENING_TOOLS[tool]
                if low <= age <= high:
                    screening.append((tool, rng.choice(bands)))
        draw = rng.random()
        if draw < 0.6:
            languages: tuple[str, ...] = ("en",)
        elif draw < 0.8:
            languages = ("fr", "en")
        elif draw < 0.88:
            languages = ("fr",)
        else:
            languages = (rng.choice(OTHER_LANGUAGES), "en")
        identity = (rng.choice(engine.INDIGENOUS_IDENTITIES),) if rng.random() < 0.06 else ()
        location = near(rng, *rng.choice(TOWNS), 0.2) if rng.random() < 0.85 else None
        urgency = weighted(rng, [("routine", 85), ("soon", 10), ("crisis", 5)])
        care = rng.random()
        out.append(
            engine.Request(
                age_months=age,
                languages=languages,
                language="fr" if languages[0] == "fr" else "en",
                community="north-shore",
                concerns=tuple(rng.sample(concerns, rng.choices([0, 1, 2, 3], weights=[30, 35, 25, 10])[0])),
                screening=tuple(screening),
                indigenous_identity=identity,
                delivery=tuple(rng.sample(deliveries, rng.choice([1, 2]))) if rng.random() < 0.35 else (),
                location=location,
                max_travel_km=float(rng.randint(25, 100)),
                cost=rng.choice([("free",), ("free", "sliding-scale")]) if rng.random() < 0.2 else (),
                populations=(rng.choice(["francophone", "newcomer", "young-parents"]),)
                if rng.random() < 0.15
                else (),
                urgency=urgency,
                in_care=care < 0.1,
                completing_care=0.1 <= care < 0.15,
            )
        )
    return out


def request_json(request: engine.Request) -> dict[str, Any]:
    """The API's request JSON (CONTRACTS.md section 3) for a family."""
    family: dict[str, Any] = {
        "languages": list(request.languages),
        "delivery": list(request.delivery),
        "max_travel_km": request.max_travel_km,
        "cost": list(request.cost),
        "populations": list(request.populations),
    }
    if request.location is not None:
        family["location"] = {"lat": request.location[0], "lon": request.location[1]}
    return {
        "community": request.community,
        "language": request.language,
        "child": {
            "age_months": request.age_months,
            "concerns": list(request.concerns),
            "screening": [{"tool": tool, "result": result} for tool, result in request.screening],
            "indigenous_identity": list(request.indigenous_identity),
        },
        "family": family,
        "situation": {
            "urgency": request.urgency,
            "in_care": request.in_care,
            "completing_care": request.completing_care,
        },
    }


# --- An independent checker of the hard rules ---------------------------------------------------------------


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


def in_ring(lon: float, lat: float, ring: Sequence[Sequence[float]]) -> bool:
    """Even-odd rule: a ray to the east crosses the ring's edges an odd number of times."""
    crossings = 0
    for (x1, y1), (x2, y2) in zip(ring, [*ring[1:], ring[0]], strict=True):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            crossings += 1
    return crossings % 2 == 1


def in_shape(shape: dict[str, Any], lat: float, lon: float) -> bool:
    polygons = [shape["coordinates"]] if shape["type"] == "Polygon" else shape["coordinates"]
    return any(
        in_ring(lon, lat, rings[0]) and not any(in_ring(lon, lat, hole) for hole in rings[1:])
        for rings in polygons
    )


def in_box(box: Sequence[float], lat: float, lon: float) -> bool:
    return box[0] <= lon <= box[2] and box[1] <= lat <= box[3]


def same_languages(codes: Iterable[str]) -> set[str]:
    return {SAME_LANGUAGE.get(code, code) for code in codes}


def broken_rules(
    service: ServiceFacts, request: engine.Request, shapes: dict[int, dict[str, Any]], *, bbox: bool = False
) -> list[int]:
    """The hard rules (1 to 7 of CONTRACTS.md section 3) the service breaks for this family.

    ``bbox``: test service areas by their bounding box only, as the SQL reference does.
    """
    broken = []
    if not service.active:
        broken.append(1)
    age = request.age_months
    if (service.min_months is not None and service.min_months > age) or (
        service.max_months is not None and service.max_months < age
    ):
        broken.append(2)
    if (
        not (same_languages(service.languages) & same_languages(request.languages))
        and not service.interpretation
    ):
        broken.append(3)
    populations = set(request.populations) | set(request.indigenous_identity)
    if request.indigenous_identity:
        populations.add("indigenous")
    if not {code for code, how in service.populations if how == "only"} <= populations:
        broken.append(4)
    if request.location is not None:
        lat, lon = request.location
        if service.areas:
            if bbox:
                inside = any(in_box(area.box, lat, lon) for area in service.areas)
            else:
                inside = any(in_shape(shapes[id(area)], lat, lon) for area in service.areas)
            if not inside:
                broken.append(5)
        at_locations_only = service.locations and (not service.delivery or service.delivery <= AT_LOCATIONS)
        if (
            at_locations_only
            and min(km(lat, lon, a, b) for a, b in service.locations) > request.max_travel_km + 1e-6
        ):
            broken.append(6)
    if request.cost and not service.cost & set(request.cost):
        broken.append(7)
    return broken


# --- Figures ------------------------------------------------------------------------------------------------


def percentiles(seconds: Sequence[float]) -> tuple[float, float, float]:
    p50, p95, p99 = np.percentile(np.asarray(seconds) * 1000, [50, 95, 99])
    return float(p50), float(p95), float(p99)


def rss_mb() -> float:
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- The engine ---------------------------------------------------------------------------------------------


def bench_engine(
    services: list[ServiceFacts],
    families: list[engine.Request],
    shapes: dict[int, dict[str, Any]],
    pathway: Pathway,
    cross_check: int,
) -> tuple[dict[str, Any], engine.Directory, list[engine.Plan]]:
    gc.collect()
    before = rss_mb()
    started = time.perf_counter()
    directory = engine.Directory(services)
    build_s = time.perf_counter() - started
    rss_delta = rss_mb() - before
    gc.collect()
    tracemalloc.start()
    traced = engine.Directory(services)
    held, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del traced
    gc.collect()
    print(
        f"directory of {directory.size} active services ({len(services)} in all), "
        f"{len(directory.loc_owner)} locations, {len(directory.areas)} distinct areas: "
        f"built in {build_s:.2f} s; "
        f"holds {held / 2**20:.1f} MB (tracemalloc, numpy included), peak {peak / 2**20:.1f} MB, "
        f"RSS +{rss_delta:.1f} MB",
        flush=True,
    )
    for request in families[:10]:  # warm-up, not timed
        engine.plan(pathway, directory, request)
    gc.freeze()  # as carepath/navigator/snapshots.py does after building a community's snapshot
    times, plans = [], []
    collections: list[float] = []  # full (generation 2) garbage collections while timing, in seconds

    def watch(phase: str, info: dict[str, int]) -> None:
        if info["generation"] == 2:
            collections.append(
                time.perf_counter() if phase == "start" else time.perf_counter() - collections.pop()
            )

    gc.callbacks.append(watch)
    try:
        for request in families:
            started = time.perf_counter()
            result = engine.plan(pathway, directory, request)
            times.append(time.perf_counter() - started)
            plans.append(result)
    finally:
        gc.callbacks.remove(watch)
    p50, p95, p99 = percentiles(times)
    violations: dict[int, int] = {}
    example = None
    no_reason = shown = empty = 0
    for request, result in zip(families, plans, strict=True):
        found = [m for step in result.steps for m in step.services]
        shown += len(found)
        empty += not found
        for match in found:
            for rule in broken_rules(match.facts, request, shapes):
                violations[rule] = violations.get(rule, 0) + 1
                example = example or (rule, match.facts.id, request)
        no_reason += sum(1 for m in result.recommendations() if not m.reasons)
    total = sum(violations.values())
    # Both ways, on every service: what the engine finds eligible is exactly what the checker finds.
    differ = 0
    for request in families[:cross_check]:
        mask = engine.eligible(directory, request).eligible
        differ += sum(
            1
            for i, s in enumerate(directory.services)
            if bool(mask[i]) != (not broken_rules(s, request, shapes))
        )
    print(
        f"engine.plan for {len(families)} families: p50 {p50:.2f} ms, p95 {p95:.2f} ms, p99 {p99:.2f} ms, "
        f"max {max(times) * 1000:.2f} ms ({len(collections)} full garbage collections while timing"
        + (f", longest {max(collections) * 1000:.0f} ms" if collections else "")
        + f"); {shown / len(families):.1f} services and "
        f"{sum(len(p.steps) for p in plans) / len(families):.1f} steps a plan, "
        f"{empty} plans without services",
        flush=True,
    )
    print(
        f"hard rules 1-7 checked on {shown} services shown: {total} violations"
        + (f" by rule {violations}; first: rule {example[0]}, {example[1]}, {example[2]}" if example else "")
        + f"; {no_reason} recommendations without a reason; eligibility of all {directory.size} services "
        f"for {min(cross_check, len(families))} families: {differ} differ from the checker",
        flush=True,
    )
    figures = {
        "build_s": round(build_s, 2),
        "build_mb": round(held / 2**20, 1),
        "build_peak_mb": round(peak / 2**20, 1),
        "p50_ms": round(p50, 2),
        "p95_ms": round(p95, 2),
        "p99_ms": round(p99, 2),
        "violations": total,
        "eligibility_mismatches": differ,
    }
    return figures, directory, plans


# --- The SQL reference --------------------------------------------------------------------------------------

SCHEMA = """
CREATE TABLE service (
    id text PRIMARY KEY,
    name text NOT NULL,
    active boolean NOT NULL,
    min_months double precision,
    max_months double precision,
    wait_days integer,
    interpretation boolean NOT NULL,
    in_person_only boolean NOT NULL,
    languages text[] NOT NULL,
    types text[] NOT NULL,
    costs text[] NOT NULL,
    only_populations text[] NOT NULL,
    area_ids integer[] NOT NULL
);
CREATE TABLE location (
    service_id text NOT NULL,
    lat double precision NOT NULL,
    lon double precision NOT NULL
);
CREATE TABLE service_area (
    id integer PRIMARY KEY,
    west double precision NOT NULL,
    south double precision NOT NULL,
    east double precision NOT NULL,
    north double precision NOT NULL
);
"""
INDEXES = """
ALTER TABLE location ADD FOREIGN KEY (service_id) REFERENCES service (id);
CREATE INDEX location_service ON location (service_id, lat, lon);
CREATE INDEX location_lat_lon ON location (lat, lon);
CREATE INDEX service_types ON service USING gin (types);
"""
HAVERSINE = (
    "2 * 6371.0088 * asin(least(1.0, sqrt(power(sin(radians(l.lat - %(lat)s) / 2), 2) "
    "+ cos(radians(%(lat)s)) "
    "* cos(radians(l.lat)) * power(sin(radians(l.lon - %(lon)s) / 2), 2))))"
)


def sql_for(request: engine.Request, types: Sequence[str]) -> tuple[str, dict[str, Any]]:
    """One plain query: the hard filters for a step's service types, nearest first, five services."""
    populations = set(request.populations) | set(request.indigenous_identity)
    if request.indigenous_identity:
        populations.add("indigenous")
    wanted = same_languages(request.languages)
    params: dict[str, Any] = {
        "types": list(types),
        "age": float(request.age_months),
        "languages": sorted(wanted | {long for long, short in SAME_LANGUAGE.items() if short in wanted}),
        "populations": sorted(populations),
    }
    where = [
        "s.active",
        "s.types && %(types)s::text[]",
        "(s.min_months IS NULL OR s.min_months <= %(age)s)",
        "(s.max_months IS NULL OR s.max_months >= %(age)s)",
        "(s.interpretation OR s.languages && %(languages)s::text[])",
        "s.only_populations <@ %(populations)s::text[]",
    ]
    if request.cost:
        where.append("s.costs && %(cost)s::text[]")
        params["cost"] = list(request.cost)
    if request.location is None:
        sql = (
            f"SELECT s.id, NULL::float8 AS km FROM service s WHERE {' AND '.join(where)} "
            "ORDER BY s.id LIMIT 5"
        )
        return sql, params
    params["lat"], params["lon"] = request.location
    params["max_km"] = request.max_travel_km
    where.append(
        "(s.area_ids = '{}' OR EXISTS (SELECT 1 FROM service_area a WHERE a.id = ANY (s.area_ids) "
        "AND %(lon)s BETWEEN a.west AND a.east AND %(lat)s BETWEEN a.south AND a.north))"
    )
    where.append("(NOT s.in_person_only OR d.km <= %(max_km)s)")
    sql = (
        f"SELECT s.id, d.km FROM service s LEFT JOIN LATERAL (SELECT min({HAVERSINE}) AS km FROM location l "
        f"WHERE l.service_id = s.id) d ON true WHERE {' AND '.join(where)} "
        "ORDER BY d.km NULLS LAST, s.id LIMIT 5"
    )
    return sql, params


def expected_sql(services: list[ServiceFacts], request: engine.Request, types: Sequence[str]) -> list[str]:
    """What the SQL reference should answer, computed here in Python (areas by bounding box, as in SQL)."""
    rows = []
    wanted = set(types)
    for service in services:
        if not service.service_types & wanted or broken_rules(service, request, {}, bbox=True):
            continue
        distance = math.inf
        if request.location is not None and service.locations:
            distance = min(km(*request.location, a, b) for a, b in service.locations)
        rows.append((distance, service.id))
    rows.sort()
    return [service_id for _, service_id in rows[:5]]


def bench_sql(
    url: str,
    services: list[ServiceFacts],
    families: list[engine.Request],
    plans: list[engine.Plan],
    pathway: Pathway,
    verify: int,
) -> dict[str, Any] | None:
    if not url.startswith(("postgres://", "postgresql://")):
        print(f"SQL reference skipped: {url.split(':', 1)[0]!r} is not a PostgreSQL URL (--database-url)")
        return None
    import psycopg
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    try:
        admin = psycopg.connect(url, autocommit=True, connect_timeout=5)
    except psycopg.Error as error:
        info = conninfo_to_dict(url)  # no password in the message
        where = f"{info.get('host', 'localhost')}:{info.get('port', 5432)}"
        print(
            f"SQL reference skipped: PostgreSQL at {where} is not reachable ({' '.join(str(error).split())})"
        )
        return None
    intake = pathway.by_key().get("intake-navigation")
    fallback = list(intake.service_types) if intake else ["navigation"]
    area_ids: dict[int, int] = {}
    for service in services:
        for area in service.areas:
            area_ids.setdefault(id(area), len(area_ids) + 1)
    boxes = {}
    for service in services:
        for area in service.areas:
            boxes[area_ids[id(area)]] = area.box
    try:
        with admin:
            admin.execute(f"DROP DATABASE IF EXISTS {SCRATCH_DATABASE}")
            admin.execute(f"CREATE DATABASE {SCRATCH_DATABASE}")
            with psycopg.connect(make_conninfo(url, dbname=SCRATCH_DATABASE), autocommit=True) as connection:
                version = connection.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
                started = time.perf_counter()
                connection.execute(SCHEMA)
                with connection.transaction(), connection.cursor() as cursor:
                    with cursor.copy("COPY service_area (id, west, south, east, north) FROM STDIN") as copy:
                        for number, box in sorted(boxes.items()):
                            copy.write_row((number, *box))
                    with cursor.copy(
                        "COPY service (id, name, active, min_months, max_months, wait_days, interpretation, "
                        "in_person_only, languages, types, costs, only_populations, area_ids) FROM STDIN"
                    ) as copy:
                        copy.set_types(
                            ["text", "text", "bool", "float8", "float8", "int4", "bool", "bool"]
                            + ["text[]"] * 4
                            + ["int4[]"]
                        )
                        for s in services:
                            copy.write_row(
                                (
                                    s.id,
                                    s.name,
                                    s.active,
                                    s.min_months,
                                    s.max_months,
                                    s.wait_days,
                                    s.interpretation,
                                    bool(s.locations) and (not s.delivery or s.delivery <= AT_LOCATIONS),
                                    sorted(s.languages),
                                    sorted(s.service_types),
                                    sorted(s.cost),
                                    sorted(code for code, how in s.populations if how == "only"),
                                    [area_ids[id(a)] for a in s.areas],
                                )
                            )
                    with cursor.copy("COPY location (service_id, lat, lon) FROM STDIN") as copy:
                        for s in services:
                            for lat, lon in s.locations:
                                copy.write_row((s.id, lat, lon))
                connection.execute(INDEXES)
                connection.execute("VACUUM ANALYZE")
                load_s = time.perf_counter() - started
                print(
                    f"PostgreSQL {version}: {len(services)} services loaded by COPY, indexed and analyzed in "
                    f"{load_s:.1f} s",
                    flush=True,
                )
                queries = []
                for result in plans:
                    first = result.steps[0].step.service_types if result.steps else ()
                    queries.append(sql_for(result.request, list(first) or fallback))
                for sql, params in queries[:10]:  # warm-up, not timed
                    connection.execute(sql, params).fetchall()
                times, answers = [], []
                for sql, params in queries:
                    started = time.perf_counter()
                    rows = connection.execute(sql, params).fetchall()
                    times.append(time.perf_counter() - started)
                    answers.append([row[0] for row in rows])
                shown = next((q for q in queries if "lat" in q[1]), queries[0])
                plan_text = connection.execute("EXPLAIN " + shown[0], shown[1]).fetchall()
        mismatches = 0
        for number in range(min(verify, len(families))):
            request, result = families[number], plans[number]
            types = list(result.steps[0].step.service_types) if result.steps else fallback
            expected = expected_sql(services, request, types)
            if expected != answers[number]:
                mismatches += 1
                if mismatches == 1:
                    print(
                        f"SQL answer differs for family {number}: {answers[number]} != {expected} ({request})"
                    )
    finally:
        with psycopg.connect(url, autocommit=True, connect_timeout=5) as again:
            again.execute(f"DROP DATABASE IF EXISTS {SCRATCH_DATABASE}")
    p50, p95, p99 = percentiles(times)
    print(
        f"SQL reference, one query a family ({len(queries)} families): p50 {p50:.2f} ms, p95 {p95:.2f} ms, "
        f"p99 {p99:.2f} ms; {sum(len(a) for a in answers) / len(answers):.1f} rows a query; "
        f"{min(verify, len(families))} answers checked against Python: {mismatches} mismatches",
        flush=True,
    )
    nodes = [line[0].split("  (cost=")[0].strip(" ->") for line in plan_text if "  (cost=" in line[0]]
    print("  PostgreSQL's plan for the first query with a location: " + " > ".join(nodes), flush=True)
    return {
        "sql_p50_ms": round(p50, 2),
        "sql_p95_ms": round(p95, 2),
        "sql_mismatches": mismatches,
    }


# --- HTTP ---------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def post(connection: http.client.HTTPConnection, body: bytes) -> tuple[int, bytes]:
    connection.request(
        "POST", API_PATH, body, {"Content-Type": "application/json", "Accept": "application/json"}
    )
    response = connection.getresponse()
    return response.status, response.read()


def bench_http(
    options: argparse.Namespace, gunicorn: Path, families: list[engine.Request]
) -> dict[str, Any] | None:
    folder = Path(tempfile.mkdtemp(prefix="carepath-bench-http-"))
    env = {
        **os.environ,
        "CAREPATH_DATA_DIR": str(folder),
        "DJANGO_SETTINGS_MODULE": "carepath.settings",
        "CAREPATH_NAVIGATOR_RATE": "100000/second",  # counted, as in production, but never reached
        "DEBUG": "false",
        "SECRET_KEY": "bench",
        "CAREPATH_HTTPS": "false",  # gunicorn speaks plain HTTP here; production redirects to HTTPS
        "ALLOWED_HOSTS": "127.0.0.1",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DATABASE_URL", None)  # the throwaway SQLite file in the data folder
    server: subprocess.Popen[bytes] | None = None
    log = (folder / "gunicorn.log").open("wb")
    try:
        started = time.perf_counter()
        for command in (
            ["migrate", "--verbosity", "0"],
            ["load-demo", "north-shore", "--verbosity", "0"],
        ):
            done = subprocess.run(
                [sys.executable, "-m", "carepath.cli", *command],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
            )
            if done.returncode:
                print(f"HTTP skipped: carepath {' '.join(command)} failed:\n{done.stdout}{done.stderr}")
                return None
        print(
            "HTTP: migrated a scratch SQLite database, loaded the north-shore demo in "
            f"{time.perf_counter() - started:.1f} s"
        )
        port = free_port()
        server = subprocess.Popen(
            [
                str(gunicorn),
                *("--workers", str(options.http_workers), "--bind", f"127.0.0.1:{port}"),
                *("--log-level", "warning", "--timeout", "60", "carepath.wsgi"),
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        bodies = [json.dumps(request_json(r)).encode() for r in families]
        deadline = time.perf_counter() + 60
        while True:  # up when one request answers 200
            if server.poll() is not None:
                print(
                    f"HTTP skipped: gunicorn exited ({server.returncode}):\n"
                    + (folder / "gunicorn.log").read_text()[-2000:]
                )
                return None
            try:
                probe = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                status, payload = post(probe, bodies[0])
                probe.close()
                if status == 200:
                    break
                print(f"HTTP skipped: the first request got {status}: {payload[:500]!r}")
                return None
            except OSError:
                if time.perf_counter() > deadline:
                    print("HTTP skipped: gunicorn did not answer within 60 s")
                    return None
                time.sleep(0.2)
        warm = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        shown = []
        for body in bodies[: 10 * options.http_workers]:  # every worker builds its snapshot before timing
            status, payload = post(warm, body)
            if status == 200:
                shown.append(len(json.loads(payload)["recommendations"]))
        warm.close()
        print(
            f"HTTP: gunicorn up on port {port}; {len(shown)} warm-up answers of 200 with "
            f"{sum(shown) / max(1, len(shown)):.1f} recommendations on average",
            flush=True,
        )

        counter = itertools.count()
        results: list[tuple[float, int]] = []
        lock = threading.Lock()
        limit, stop_at = options.http_requests, time.perf_counter() + options.http_seconds

        def client() -> None:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            mine = []
            while (number := next(counter)) < limit and time.perf_counter() < stop_at:
                begun = time.perf_counter()
                try:
                    status, _ = post(connection, bodies[number % len(bodies)])
                except (OSError, http.client.HTTPException):
                    status = 0
                    connection.close()
                mine.append((time.perf_counter() - begun, status))
            connection.close()
            with lock:
                results.extend(mine)

        threads = [threading.Thread(target=client) for _ in range(options.http_clients)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - started
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        log.close()
        shutil.rmtree(folder, ignore_errors=True)
    p50, p95, p99 = percentiles([t for t, _ in results])
    errors = sum(1 for _, status in results if status != 200)
    statuses: dict[int, int] = {}
    for _, status in results:
        statuses[status] = statuses.get(status, 0) + 1
    rps = len(results) / seconds
    print(
        f"HTTP POST {API_PATH}: {len(results)} requests from {options.http_clients} client threads "
        "to gunicorn "
        f"({options.http_workers} sync workers) in {seconds:.1f} s: {rps:.0f} requests/s; p50 {p50:.1f} ms, "
        f"p95 {p95:.1f} ms, p99 {p99:.1f} ms; statuses {statuses}",
        flush=True,
    )
    return {
        "http_rps": round(rps),
        "http_p50_ms": round(p50, 1),
        "http_p95_ms": round(p95, 1),
        "http_errors": errors,
    }


# --- Main ---------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--services", type=int, default=100_000)
    parser.add_argument("--families", type=int, default=1_000)
    parser.add_argument("--areas", type=int, default=20, help="shared service areas (default 20)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
        help=f"PostgreSQL server for the SQL reference (default: DATABASE_URL, else {DEFAULT_DATABASE_URL})",
    )
    parser.add_argument(
        "--cross-check",
        type=int,
        default=5,
        help="families for which every service's eligibility is compared with the checker (default 5)",
    )
    parser.add_argument("--no-sql", action="store_true", help="skip the SQL reference")
    parser.add_argument(
        "--sql-verify", type=int, default=20, help="SQL answers checked in Python (default 20)"
    )
    gunicorn = Path(sys.executable).parent / "gunicorn"
    parser.add_argument(
        "--http",
        action=argparse.BooleanOptionalAction,
        default=gunicorn.exists(),
        help="benchmark the HTTP endpoint under gunicorn (default: on when gunicorn is in the venv)",
    )
    parser.add_argument("--http-workers", type=int, default=2)
    parser.add_argument("--http-clients", type=int, default=8)
    parser.add_argument("--http-requests", type=int, default=2_000)
    parser.add_argument(
        "--http-seconds", type=float, default=120.0, help="stop the load loop after this long"
    )
    options = parser.parse_args()

    rng = random.Random(options.seed)
    pathway = Pathway.from_dict(template())
    started = time.perf_counter()
    before = rss_mb()
    areas, shapes = make_areas(options.areas, rng)
    services = make_services(options.services, areas, rng)
    families = make_families(options.families, rng)
    print(
        f"generated {len(services)} services ({sum(1 for s in services if s.areas)} with one of {len(areas)} "
        f"shared areas, {sum(len(s.locations) for s in services)} locations) and {len(families)} families "
        f"in {time.perf_counter() - started:.1f} s (RSS +{rss_mb() - before:.0f} MB)",
        flush=True,
    )
    figures: dict[str, Any] = {"services": options.services, "families": options.families}
    engine_figures, _directory, plans = bench_engine(services, families, shapes, pathway, options.cross_check)
    figures.update(engine_figures)

    sql = (
        None
        if options.no_sql
        else bench_sql(options.database_url, services, families, plans, pathway, options.sql_verify)
    )
    if sql is None:
        figures["sql"] = "skipped"
    else:
        figures.update(sql)
        figures["ratio"] = round(figures["p95_ms"] / sql["sql_p50_ms"], 3)

    found = None
    if not options.http:
        print("HTTP skipped (--no-http" + ("" if gunicorn.exists() else f"; no gunicorn at {gunicorn}") + ")")
    elif not gunicorn.exists():
        print(f"HTTP skipped: no gunicorn at {gunicorn}")
    else:
        found = bench_http(options, gunicorn, families)
    figures.update(found if found is not None else {"http": "skipped"})

    verdicts = [f"engine p95 {figures['p95_ms']} ms < 20 ms: {'yes' if figures['p95_ms'] < 20 else 'NO'}"]
    if "ratio" in figures:
        verdicts.append(f"ratio {figures['ratio']} < 0.5: {'yes' if figures['ratio'] < 0.5 else 'NO'}")
    if "http_rps" in figures:
        ok = figures["http_rps"] >= 150 and figures["http_errors"] == 0
        verdicts.append(
            f"HTTP {figures['http_rps']} requests/s >= 150 without errors: {'yes' if ok else 'NO'}"
        )
    verdicts.append(
        f"violations {figures['violations']} == 0: {'yes' if figures['violations'] == 0 else 'NO'}"
    )
    print("targets: " + "; ".join(verdicts))
    print("navigator " + " ".join(f"{key}={value}" for key, value in figures.items()))


if __name__ == "__main__":
    main()
