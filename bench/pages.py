"""Benchmark: the list pages at scale, the community inventory page and the HSDS API lists, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/pages.py
    ... bench/pages.py --services 100000 --requests 40 --fresh

Fills a PostgreSQL database named ``pages_bench`` (``--database``; on the server of ``DATABASE_URL``) with
``--services`` generated services (``import_hsds.generate``), imported by ``carepath import-hsds PATH --community
bench``, then the same package with the names and descriptions of its services and organizations in French
(``--language fr``); a database already holding that many is used again (``--fresh`` builds it anew: about two
minutes for 100,000).
Then asks each page ``--requests`` times through ``django.test.Client`` (DEBUG off, after a few warm-up
requests) and prints, for each, its p50 and p95 in milliseconds; the last line is ``key=value`` figures
(targets: inventory pages p95 <= 150 ms, HSDS lists p95 <= 100 ms at the first and the last page). The pages
and their query strings are in ``pages()``; the inventory is asked by a visitor, and once by a facilitator.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

DATABASE = "pages_bench"
COMMUNITY = "bench"
PER_PAGE = 50  # the HSDS API's default page size
INVENTORY_PAGE = 20  # communities.views.PAGE_SIZE


FRENCH = {
    "family": "famille",
    "child": "enfant",
    "parent": "parents",
    "early": "précoce",
    "years": "années",
    "support": "soutien",
    "group": "groupe",
    "clinic": "clinique",
    "program": "programme",
    "centre": "centre",
    "speech": "orthophonie",
    "play": "jeu",
    "sleep": "sommeil",
    "feeding": "alimentation",
    "wellbeing": "bien-être",
    "outreach": "proximité",
    "counselling": "consultation",
    "home": "domicile",
    "visiting": "visites",
    "learning": "apprentissage",
    "A service for families with young children.": "Un service pour les familles de jeunes enfants.",
    "Services for young children and their families.": "Services pour les jeunes enfants et leurs familles.",
    "Organization": "Organisme",
}


def in_french(text: str) -> str:
    for english in sorted(FRENCH, key=len, reverse=True):
        if " " in english or english[0].isupper():
            text = text.replace(english, FRENCH[english])
    words = [FRENCH.get(word.lower(), word) for word in text.split(" ")]
    french = " ".join(words)
    return french[:1].upper() + french[1:]


def french_package(english: Path, french: Path) -> None:
    """The same package with the names and descriptions of services and organizations in French."""
    import csv
    import shutil

    shutil.copytree(english, french)
    for table in ("services", "organizations"):
        with (english / f"{table}.csv").open(encoding="utf-8", newline="") as source:
            rows = list(csv.DictReader(source))
        for row in rows:
            row["name"] = in_french(row["name"])
            row["description"] = in_french(row["description"])
        with (french / f"{table}.csv").open("w", encoding="utf-8", newline="") as target:
            writer = csv.DictWriter(target, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)


def prepare(server: str, database: str, services: int, fresh: bool) -> None:
    """The database with ``services`` services in the community ``bench``, in English and French, migrated."""
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
        if exists and fresh:
            connection.execute(f'DROP DATABASE "{database}"')
        if not exists or fresh:
            connection.execute(f'CREATE DATABASE "{database}"')
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from carepath.communities.models import InventoryEntry
    from carepath.directory.models import Service

    held = InventoryEntry.objects.filter(community__slug=COMMUNITY).count()
    if held and held != services:
        raise SystemExit(f"{database} holds {held} services, not {services}: run with --fresh")
    french = Service.objects.filter(name_fr__isnull=False).exists()
    if held and french:
        print(f"{database}: {held} services already there", flush=True)
        return
    from import_hsds import generate

    with tempfile.TemporaryDirectory(prefix="carepath-pages-") as folder:
        packages = {"en": Path(folder) / "en", "fr": Path(folder) / "fr"}
        packages["en"].mkdir()
        started = time.perf_counter()
        rows = generate(packages["en"], services)
        print(
            f"generated {services} services, {rows} rows in {time.perf_counter() - started:.1f} s", flush=True
        )
        french_package(packages["en"], packages["fr"])
        for language in ("en", "fr") if not held else ("fr",):
            started = time.perf_counter()
            call_command(
                "import-hsds", packages[language], community=COMMUNITY, language=language, verbosity=0
            )
            print(f"imported ({language}) in {time.perf_counter() - started:.1f} s", flush=True)
    django.db.connection.cursor().execute("VACUUM ANALYZE")


def timed(client: object, url: str, requests: int) -> tuple[float, float]:
    """p50 and p95 in milliseconds of ``requests`` answers to ``url`` (after 3 warm-up requests)."""
    times = []
    for number in range(requests + 3):
        started = time.perf_counter()
        response = client.get(url)  # type: ignore[attr-defined]
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        if number >= 3:
            times.append(elapsed)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95


def pages(services: int) -> dict[str, str]:
    """The URLs timed, by the name of their figure."""
    import math

    from carepath.communities.hsds_api.records import public_organizations
    from carepath.directory.models import ServiceAtLocation

    organizations = public_organizations(COMMUNITY).count()
    sals = ServiceAtLocation.objects.count()
    inventory = f"/en/communities/{COMMUNITY}/"
    last = math.ceil(services / INVENTORY_PAGE)
    return {
        "inventory": inventory,
        "inventory_last": f"{inventory}?page={last}",
        "inventory_q": f"{inventory}?q=speech+clinic",  # about a quarter of the services: more than 1,000
        "inventory_q_few": f"{inventory}?q=4480",  # a dozen: ranked
        "inventory_q_fr": f"/fr/communities/{COMMUNITY}/?q=orthophoniste",  # "orthophonie", by its stem
        "inventory_q_stem": f"{inventory}?q=counseling",  # "counselling", by its stem
        "inventory_q_misspelt": f"{inventory}?q=speach",  # nothing by full text: names by trigrams
        "inventory_q_age": f"{inventory}?q=play&age_months=18",
        "inventory_facilitator": inventory,  # signed in: unpublished services too
        "services": "/api/hsds/services",
        "services_last": f"/api/hsds/services?page={math.ceil(services / PER_PAGE)}",
        "services_search": "/api/hsds/services?search=speech",
        "organizations": "/api/hsds/organizations",
        "organizations_last": f"/api/hsds/organizations?page={math.ceil(organizations / PER_PAGE)}",
        "service_at_locations": "/api/hsds/service_at_locations",
        "service_at_locations_last": f"/api/hsds/service_at_locations?page={math.ceil(sals / PER_PAGE)}",
        "services_community_last": (
            f"/api/hsds/services?community={COMMUNITY}&page={math.ceil(services / PER_PAGE)}"
        ),
    }


def bench_facilitator() -> object:
    """A facilitator of the bench community (made once), who sees its unpublished services too."""
    from carepath.accounts.models import User
    from carepath.accounts.services import set_membership
    from carepath.communities.models import Community

    user = User.objects.filter(username="bench-facilitator").first()
    if user is None:
        user = User.objects.create_user(username="bench-facilitator", email="bench@example.org")
        set_membership(user=user, community=Community.objects.get(slug=COMMUNITY), role="facilitator")
    return user


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--services", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--fresh", action="store_true", help="drop and build the database anew")
    parser.add_argument("--only", default="", help="time only the figures whose name starts so")
    parser.add_argument("--database", default=DATABASE, help=f"the database's name (default {DATABASE})")
    options = parser.parse_args()

    base_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if not base_url.startswith("postgres"):
        raise SystemExit("bench/pages.py measures PostgreSQL: set DATABASE_URL to a postgres:// server")
    server = base_url.rsplit("/", 1)[0]
    os.environ["DATABASE_URL"] = f"{server}/{options.database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carepath.settings")
    os.environ["DEBUG"] = "false"  # no query log, templates as in production
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("CAREPATH_HTTPS", "false")  # the test client speaks plain HTTP

    prepare(server, options.database, options.services, options.fresh)
    logging.disable(logging.WARNING)  # django-axes says each sign-in
    from django.test import Client

    visitor, facilitator = Client(), Client()
    facilitator.force_login(bench_facilitator())
    figures: dict[str, object] = {"services": options.services, "requests": options.requests}
    for name, url in pages(options.services).items():
        if not name.startswith(options.only):
            continue
        p50, p95 = timed(facilitator if name.endswith("_facilitator") else visitor, url, options.requests)
        print(f"{name:28} {url:60} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms", flush=True)
        figures[f"{name}_p95_ms"] = round(p95, 1)
    print("pages " + " ".join(f"{key}={value}" for key, value in figures.items()))


if __name__ == "__main__":
    main()
