"""Benchmark: import a large HSDS data package, and on PostgreSQL compare with loading the same rows by COPY.

    python bench/import_hsds.py                         # 100,000 services on a scratch SQLite file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/carepath_bench python bench/import_hsds.py --services 100000

It writes a realistic directory (organizations, services, locations with addresses, languages, service areas,
carepath attributes, phones) as a tabular data package, imports it with ``import_hsds`` into a scratch
database (created and dropped here: on PostgreSQL the one DATABASE_URL names, ``carepath_bench`` when it names
``postgres``), then on PostgreSQL loads the same CSV files with ``COPY`` into scratch
tables as the reference: ``copy_seconds`` into tables shaped like Carepath's (same types and indexes, so the
same storage work) and ``copy_text_seconds`` into bare text tables. The last line is ``key=value`` figures
(CONTRACTS.md section 2): ``import_seconds``, ``reimport_seconds``, ``copy_seconds``, ``ratio`` (import over
COPY) and ``peak_mb`` (the process's peak resident memory, generation and COPY included) among them.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NAMESPACE = uuid.UUID("5f0c7c1e-2b8f-4f8e-8d7c-3a1e9b6d4c21")
TOWNS = [
    ("Maple Bay", 46.31, -79.46),
    ("Cedar Narrows", 46.80, -79.35),
    ("Loon River", 45.60, -79.10),
    ("Sainte-Hélène-du-Lac", 46.70, -80.05),
    ("Pine Ridge", 45.95, -78.90),
    ("Birch Point", 46.05, -80.25),
]
LANGUAGES = ["en"] * 12 + ["fr"] * 5 + ["oj", "cr", "ar", "es", "pa", "tl", "zh", "so"]
WORDS = [
    "family",
    "child",
    "parent",
    "early",
    "years",
    "support",
    "group",
    "clinic",
    "program",
    "centre",
    "speech",
    "play",
    "sleep",
    "feeding",
    "wellbeing",
    "outreach",
    "counselling",
    "home",
    "visiting",
    "learning",
]


def uid(kind: str, number: int) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{number}"))


def generate(folder: Path, services: int, seed: int = 7) -> int:
    """Write the data package; returns the number of rows written (all tables)."""
    from carepath.directory import vocabulary
    from carepath.directory.hsds.spec import tables
    from carepath.directory.hsds.writer import datapackage

    spec = tables("3.0")
    vocab = vocabulary.load()
    branch_terms = {
        b: [t.code for t in vocab.in_branch(b)]
        for b in ("service-type", "concern", "delivery", "tier", "sector", "referral", "cost", "population")
    }
    rng = random.Random(seed)
    names = [
        "organization",
        "service",
        "location",
        "address",
        "service_at_location",
        "language",
        "service_area",
        "phone",
        "attribute",
    ]
    handles = {name: (folder / spec[name].path).open("w", newline="", encoding="utf-8") for name in names}
    writers = {name: csv.DictWriter(handles[name], fieldnames=list(spec[name].fields)) for name in names}
    for writer in writers.values():
        writer.writeheader()
    rows = 0
    organizations = max(1, services // 10)
    for number in range(organizations):
        writers["organization"].writerow(
            {
                "id": uid("org", number),
                "name": f"Organization {number}",
                "description": "Services for young children and their families.",
            }
        )
        rows += 1
    locations = max(1, services // 2)
    for number in range(locations):
        town, lat, lon = TOWNS[number % len(TOWNS)]
        writers["location"].writerow(
            {
                "id": uid("loc", number),
                "location_type": "physical",
                "organization_id": uid("org", number % organizations),
                "name": f"{town} site {number}",
                "latitude": round(lat + rng.uniform(-0.3, 0.3), 5),
                "longitude": round(lon + rng.uniform(-0.3, 0.3), 5),
            }
        )
        writers["address"].writerow(
            {
                "id": uid("addr", number),
                "location_id": uid("loc", number),
                "address_1": f"{number} Main Street",
                "city": town,
                "state_province": "ON",
                "postal_code": "P1B 2C3",
                "country": "CA",
                "address_type": "physical",
            }
        )
        rows += 2
    attribute = 0
    for number in range(services):
        service_id = uid("svc", number)
        low = rng.choice([0, 0, 0, 0.5, 1, 1.5, 2, 3, 4])
        writers["service"].writerow(
            {
                "id": service_id,
                "organization_id": uid("org", number % organizations),
                "name": " ".join(rng.sample(WORDS, 3)).capitalize() + f" {number}",
                "description": "A service for families with young children. "
                + " ".join(rng.sample(WORDS, 8)),
                "status": "active" if rng.random() < 0.95 else "inactive",
                "minimum_age": low,
                "maximum_age": rng.choice([5, 6, 6, 6, 12, 18]),
                "email": f"intake{number}@example.org",
                "url": f"https://example.org/services/{number}",
                "application_process": "Call the intake line or ask your family doctor to refer you.",
            }
        )
        writers["service_at_location"].writerow(
            {
                "id": uid("sal", number),
                "service_id": service_id,
                "location_id": uid("loc", number % locations),
            }
        )
        writers["phone"].writerow(
            {"id": uid("phone", number), "service_id": service_id, "number": f"705-555-{number % 10000:04d}"}
        )
        rows += 3
        for index, code in enumerate(dict.fromkeys(rng.sample(LANGUAGES, rng.choice([1, 1, 2, 3])))):
            writers["language"].writerow(
                {"id": uid(f"lang{index}", number), "service_id": service_id, "code": code}
            )
            rows += 1
        if rng.random() < 0.4:
            town, lat, lon = rng.choice(TOWNS)
            ring = [
                [lon - 0.5, lat - 0.4],
                [lon + 0.5, lat - 0.4],
                [lon + 0.5, lat + 0.4],
                [lon - 0.5, lat + 0.4],
                [lon - 0.5, lat - 0.4],
            ]
            writers["service_area"].writerow(
                {
                    "id": uid("area", number),
                    "service_id": service_id,
                    "name": f"{town} area",
                    "extent_type": "geojson",
                    "extent": json.dumps({"type": "Polygon", "coordinates": [ring]}),
                }
            )
            rows += 1
        chosen = [
            (rng.choice(branch_terms[b]), None)
            for b in ("service-type", "concern", "delivery", "tier", "sector", "referral", "cost")
        ]
        if rng.random() < 0.15:
            chosen.append((rng.choice(branch_terms["population"]), rng.choice(["only", "focus"])))
        chosen.append(("wait-days", str(rng.choice([0, 7, 14, 30, 60, 90, 180]))))
        for code, value in chosen:
            writers["attribute"].writerow(
                {
                    "id": uid("attr", attribute),
                    "link_id": service_id,
                    "link_type": "service",
                    "link_entity": "service",
                    "taxonomy_term_id": vocabulary.term_id(code),
                    "value": value,
                }
            )
            attribute += 1
            rows += 1
    for handle in handles.values():
        handle.close()
    descriptor = datapackage(names, "3.0")
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return rows


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def copy_reference(folder: Path, url: str, *, shaped: bool) -> float:
    """Seconds to COPY the same CSV files into scratch tables (PostgreSQL only).

    ``shaped``: scratch tables are ``LIKE`` Carepath's own (same column types and indexes), so the reference
    does the same storage work as the import; otherwise they are plain text columns without indexes.
    """
    import psycopg

    from carepath.directory.hsds.spec import table_for_path
    from carepath.directory.models import HSDS_MODELS

    with psycopg.connect(url, autocommit=True) as connection:
        scratch = []
        for path in sorted(folder.glob("*.csv")):
            with path.open(encoding="utf-8") as handle:
                header = next(csv.reader(handle))
            table = f"bench_copy_{path.stem}"
            scratch.append(table)
            connection.execute(f"DROP TABLE IF EXISTS {table}")
            if shaped:
                real = HSDS_MODELS[table_for_path(path.name).name]._meta.db_table
                connection.execute(f"CREATE TABLE {table} (LIKE {real} INCLUDING ALL)")
            else:
                connection.execute(f"CREATE TABLE {table} ({', '.join(f'{c} text' for c in header)})")
        started = time.perf_counter()
        with connection.transaction():
            for path, table in zip(sorted(folder.glob("*.csv")), scratch, strict=True):
                with path.open(encoding="utf-8") as handle:
                    header = next(csv.reader(handle))
                columns = ", ".join(header)
                with (
                    path.open("rb") as source,
                    connection.cursor().copy(
                        f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, HEADER true)"
                    ) as copy,
                ):
                    while chunk := source.read(1 << 20):
                        copy.write(chunk)
        seconds = time.perf_counter() - started
        for table in scratch:
            connection.execute(f"DROP TABLE IF EXISTS {table}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--services", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    options = parser.parse_args()

    base_url = os.environ.get("DATABASE_URL", "")
    scratch = Path(tempfile.mkdtemp(prefix="carepath-bench-"))
    if base_url.startswith("postgres"):
        import psycopg

        server, name = base_url.rsplit("/", 1)
        name = name.split("?", 1)[0]
        name = "carepath_bench" if name in ("", "postgres") else name
        with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = f"{server}/{name}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carepath.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only")  # with DEBUG off (no query log) Carepath needs a key
    # 100,000 services make 200 MB of CSV: larger runs need more than the default upload limit (256 MB).
    os.environ.setdefault("CAREPATH_IMPORT_MAX_UNCOMPRESSED_BYTES", str(1 << 40))

    import django

    django.setup()
    from django.core.management import call_command

    from carepath.communities.imports import import_hsds

    call_command("migrate", verbosity=0)
    package = scratch / "package"
    package.mkdir()
    started = time.perf_counter()
    rows = generate(package, options.services, options.seed)
    generated = time.perf_counter() - started
    print(f"generated {options.services} services, {rows} rows in {generated:.1f} s", flush=True)

    started = time.perf_counter()
    result = import_hsds(path=package, community_slug="bench")
    seconds = time.perf_counter() - started
    if not result.ok:
        print("\n".join(str(p) for p in result.errors[:20]))
        raise SystemExit("the generated package did not import")
    figures = {
        "services": options.services,
        "rows": rows,
        "database": django.db.connection.vendor,
        "import_seconds": round(seconds, 2),
        "rows_per_s": round(rows / seconds),
        "peak_mb": round(peak_mb()),
    }
    started = time.perf_counter()
    again = import_hsds(path=package, community_slug="bench")
    figures["reimport_seconds"] = round(time.perf_counter() - started, 2)
    assert again.total("created") == 0 and again.total("updated") == 0, again.counts
    django.db.connections.close_all()
    if django.db.connection.vendor == "postgresql":
        copy_seconds = copy_reference(package, os.environ["DATABASE_URL"], shaped=True)
        figures["copy_seconds"] = round(copy_seconds, 2)
        figures["ratio"] = round(seconds / copy_seconds, 2)
        text_seconds = copy_reference(package, os.environ["DATABASE_URL"], shaped=False)
        figures["copy_text_seconds"] = round(text_seconds, 2)
        figures["text_ratio"] = round(seconds / text_seconds, 2)
        import psycopg

        with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
    figures["peak_mb"] = round(peak_mb())
    shutil.rmtree(scratch, ignore_errors=True)  # the package: 200 MB for 100,000 services
    print("import_hsds " + " ".join(f"{key}={value}" for key, value in figures.items()))


if __name__ == "__main__":
    main()
