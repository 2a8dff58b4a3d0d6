"""Backups that restore: dump a loaded PostgreSQL database, restore it into another, and check the copy serves.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/backup_restore.py [--services 10000]

With the README's own commands (README, "Production", "Backups"): loads a scratch database (``--source``,
created here) the way production is set up (``carepath migrate``, the demo community and
registry, and with ``--services N`` a generated directory of N services imported by ``carepath import-hsds``),
dumps it with ``pg_dump -Fc``, restores the dump into a second scratch database (``--target``) with
``pg_restore``, then checks the copy: the same tables with the same number of rows, sequences at the same
values (so new rows take new ids), ``carepath check`` passes on it, ``/healthz`` answers, and a navigator match
answers exactly what the original answers. Both databases are dropped at the end unless ``--keep``. The last
line is ``key=value`` figures (CONTRACTS.md section 2).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MATCH = {
    "community": "north-shore",
    "language": "en",
    "child": {
        "age_months": 18,
        "concerns": ["social-emotional"],
        "screening": [{"tool": "asq-se-2", "result": "above-cutoff"}],
    },
    "family": {"languages": ["fr", "en"], "location": {"lat": 46.31, "lon": -79.46}},
}
# Run in a process on the database DATABASE_URL names: the health check and a navigator match, as JSON.
SERVE = f"""
import json, django
django.setup()
from django.test import Client
client = Client()
health = client.get("/healthz")
match = client.post("/api/v1/navigator/match", {json.dumps(MATCH)!r}, content_type="application/json")
print(json.dumps({{"health": health.status_code, "match": match.status_code, "plan": match.json()}}))
"""


def carepath(url: str, *args: str) -> str:
    """``carepath ARGS`` on the database at ``url``, as an operator runs it; its output."""
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "true", "DJANGO_SETTINGS_MODULE": "carepath.settings"}
    done = subprocess.run(
        [sys.executable, "-m", "carepath.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"carepath {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def served(url: str) -> dict:
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "true", "DJANGO_SETTINGS_MODULE": "carepath.settings"}
    done = subprocess.run(
        [sys.executable, "-c", SERVE], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(f"serving from {url} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def counts(url: str) -> tuple[dict[str, int], dict[str, int]]:
    """Rows per table and the value of each sequence, in the public schema."""
    with psycopg.connect(url) as connection:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        rows = {name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in tables}
        sequences = dict(
            connection.execute(
                "SELECT sequencename, coalesce(last_value, 0) FROM pg_sequences WHERE schemaname = 'public'"
            ).fetchall()
        )
    return rows, sequences


def recreate(server: str, *names: str, drop_only: bool = False) -> None:
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        for name in names:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            if not drop_only:
                connection.execute(f'CREATE DATABASE "{name}"')


def load(url: str, services: int, scratch: Path) -> None:
    carepath(url, "migrate", "--no-input", "-v0")
    carepath(url, "load-demo", "north-shore", "--with-users", "-v0")
    carepath(url, "load-registry", "--demo", "--with-users", "-v0")
    if services:
        from bench.import_hsds import generate

        package = scratch / "package"
        package.mkdir()
        generate(package, services)
        carepath(url, "import-hsds", str(package), "--community", "province", "--name", "Province")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--services", type=int, default=0, help="a generated directory of this many services too"
    )
    parser.add_argument("--source", default="carepath_backup_src")
    parser.add_argument("--target", default="carepath_backup_dst")
    parser.add_argument("--jobs", type=int, default=2, help="pg_restore --jobs")
    parser.add_argument("--keep", action="store_true", help="keep both databases")
    options = parser.parse_args()
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        raise SystemExit(
            "Set DATABASE_URL to a PostgreSQL server, e.g. postgres://postgres@127.0.0.1:5432/postgres"
        )
    server = base.rsplit("/", 1)[0]
    source, target = f"{server}/{options.source}", f"{server}/{options.target}"
    recreate(server, options.source, options.target)
    try:
        with tempfile.TemporaryDirectory(prefix="carepath-backup-") as folder:
            scratch = Path(folder)
            started = time.perf_counter()
            load(source, options.services, scratch)
            print(f"loaded {options.source} in {time.perf_counter() - started:.1f} s", flush=True)

            dump = scratch / "carepath.dump"
            started = time.perf_counter()
            subprocess.run(["pg_dump", "-Fc", "--no-owner", "-f", str(dump), "-d", source], check=True)
            dump_seconds = time.perf_counter() - started
            started = time.perf_counter()
            subprocess.run(
                [
                    "pg_restore",
                    "--no-owner",
                    "--exit-on-error",
                    f"--jobs={options.jobs}",
                    "-d",
                    target,
                    str(dump),
                ],
                check=True,
            )
            restore_seconds = time.perf_counter() - started
            dump_bytes = dump.stat().st_size

        rows, sequences = counts(source)
        copied_rows, copied_sequences = counts(target)
        for name in sorted(set(rows) | set(copied_rows)):
            if rows.get(name) != copied_rows.get(name):
                print(f"DIFFERS {name}: {rows.get(name)} rows, restored {copied_rows.get(name)}")
        carepath(target, "check", "--fail-level", "WARNING")
        original, copy = served(source), served(target)
        tables_equal = rows == copied_rows
        print(
            f"backup tables={len(rows)} rows={sum(rows.values())} dump_seconds={dump_seconds:.2f} "
            f"dump_bytes={dump_bytes} dump_mb={dump_bytes / 1e6:.1f} restore_seconds={restore_seconds:.2f} "
            f"tables_equal={str(tables_equal).lower()} sequences_equal={str(sequences == copied_sequences).lower()} "
            f"check=ok healthz={copy['health']} match={copy['match']} "
            f"match_equal={str(original == copy).lower()} services_in_plan={len(copy['plan'].get('recommendations', []))}"
        )
        if not tables_equal or original != copy:
            raise SystemExit(1)
    finally:
        if not options.keep:
            recreate(server, options.source, options.target, drop_only=True)


if __name__ == "__main__":
    main()
