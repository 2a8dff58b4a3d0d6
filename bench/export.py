"""Benchmark: download a whole community's inventory through the streaming exports, with time and peak memory.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/export.py --services 10000
    python bench/export.py --services 10000         # on a scratch SQLite file

It generates N services with ``bench/import_hsds.py``'s ``generate()`` into a data package, imports it with
``carepath import-hsds PATH --community bench`` (into the database ``jobs_bench`` on PostgreSQL, created and
dropped here), then downloads the community's export through the web view (``StreamingHttpResponse``), each
format in a fresh process so that its peak memory (``ru_maxrss``) is its own: ``ndjson`` (one service per line),
``json`` (a list) and ``zip`` (the CSV data package). ``--one-piece`` adds the export that builds the whole file
in memory (``export_bytes``), for comparison. ``baseline_mb`` is a process that has only answered one small
request. The last line is ``key=value`` figures (CONTRACTS.md section 2).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

DATABASE = "jobs_bench"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(fmt: str) -> dict[str, float]:
    """In this process: download one format (or only set up, for ``baseline``); time, bytes and peak memory."""
    import django

    django.setup()
    from django.test import Client

    from carepath.communities.exports import export_bytes
    from carepath.communities.models import Community

    client = Client()
    assert client.get("/en/").status_code == 200
    if fmt == "baseline":
        return {"peak_mb": round(peak_mb())}
    started = time.perf_counter()
    size = 0
    if fmt == "one-piece":
        size = len(export_bytes(community=Community.objects.get(slug="bench"), fmt="json"))
    else:
        path, query = {
            "ndjson": ("export.json", "?format=ndjson"),
            "json": ("export.json", ""),
            "zip": ("export.zip", ""),
        }[fmt]
        response = client.get(f"/en/communities/bench/{path}{query}")
        assert response.status_code == 200, response.status_code
        for chunk in response.streaming_content:
            size += len(chunk)
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "mb": round(size / 1024 / 1024, 1),
        "peak_mb": round(peak_mb()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--services", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--one-piece", action="store_true", help="also time the export built whole in memory")
    parser.add_argument(
        "--formats", default="ndjson,json,zip", help="which downloads to time (comma-separated)"
    )
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # the child process: one format
    options = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carepath.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only")  # with DEBUG off (no query log) Carepath needs a key
    os.environ["CAREPATH_HTTPS"] = "false"  # the test client speaks plain HTTP
    if options.measure:
        print(json.dumps(measure(options.measure)))
        return

    base_url = os.environ.get("DATABASE_URL", "")
    scratch = Path(tempfile.mkdtemp(prefix="carepath-bench-export-"))
    server = ""
    if base_url.startswith("postgres"):
        import psycopg

        server = base_url.rsplit("/", 1)[0]
        with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
            connection.execute(f"CREATE DATABASE {DATABASE}")
        os.environ["DATABASE_URL"] = f"{server}/{DATABASE}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'bench.sqlite3'}"
    cli = [sys.executable, "-m", "carepath.cli"]
    try:
        subprocess.run([*cli, "migrate", "-v0"], check=True, cwd=ROOT)
        import django

        django.setup()
        from import_hsds import generate

        package = scratch / "package"
        package.mkdir()
        rows = generate(package, options.services, options.seed)
        started = time.perf_counter()
        subprocess.run(
            [*cli, "import-hsds", str(package), "--community", "bench"],
            check=True,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
        imported = time.perf_counter() - started
        print(
            f"generated and imported {options.services} services ({rows} rows) in {imported:.1f} s",
            flush=True,
        )
        figures: dict[str, object] = {
            "services": options.services,
            "database": "postgresql" if server else "sqlite",
        }
        formats = ["baseline", *options.formats.split(",")] + (["one-piece"] if options.one_piece else [])
        for fmt in formats:
            child = subprocess.run(
                [sys.executable, __file__, "--measure", fmt],
                check=True,
                cwd=ROOT,
                capture_output=True,
                text=True,
            )
            result = json.loads(child.stdout.strip().splitlines()[-1])
            name = fmt.replace("-", "_")
            for key, value in result.items():
                figures[f"{name}_{key}"] = value
            print(f"{fmt}: {result}", flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        if server:
            import psycopg

            django_connections_closed = "django" in sys.modules
            if django_connections_closed:
                from django.db import connections

                connections.close_all()
            with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
                connection.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
    print("export " + " ".join(f"{key}={value}" for key, value in figures.items()))


if __name__ == "__main__":
    main()
