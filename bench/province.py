"""Benchmark: a province on one machine: 1,000,000 services in 300 communities, on PostgreSQL.

    python bench/province.py                                   # 1,000,000 services, 300 communities
    python bench/province.py --services 200000 --communities 60
    python bench/province.py --database-url postgresql://postgres@127.0.0.1:5432/postgres --keep

On a scratch database ``carepath_bench_province`` (dropped afterwards unless ``--keep``):
1. ``--communities`` communities, created as ``carepath create-community`` does (the Ontario template
   published), of Zipf-like sizes adding up to ``--services``: most small (some hundreds of services), a few
   large (the largest about a sixth of the whole). Each gets its own generated data package (the generator of
   ``bench/import_hsds.py``), imported with ``import_hsds`` one after another in one process: the total import
   time, the slowest community, services per second and the process's peak memory;
2. gunicorn with ``--workers`` (2) sync workers; every community asked once through every worker, then each
   worker's resident memory (``worker_rss_mb``: all the communities' snapshots held at once);
3. the match endpoint under ``--clients`` (8) client threads, ``--requests`` (2,000) families spread over all the
   communities (``match_rps``, ``p50``, ``p95``, ``errors``);
4. a change: one service renamed in the largest community and then in a small one; how long until the match
   endpoint answers with the new name (``change_large_s``, ``change_small_s``), and the slowest answer while the
   large one was rebuilt (``change_max_ms``).
The last line is ``key=value`` figures.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import web  # noqa: E402 - bench/web.py: the HTTP client, the load loop, the families

SCRATCH = "carepath_bench_province"

# Run in a child process (its own peak memory, the settings of the scratch database): create the communities
# and import each one's package; prints one JSON line.
IMPORTER = """
import json, resource, sys, time
import django
django.setup()
from carepath.communities.imports import import_hsds
from carepath.communities.services import get_or_create_community
from carepath.pathways.services import publish_template
plan = json.loads(sys.argv[1])
started, slowest = time.perf_counter(), 0.0
for slug, folder in plan:
    community = get_or_create_community(slug=slug, name=slug.replace("-", " ").title())
    publish_template(community=community)
    begun = time.perf_counter()
    result = import_hsds(path=__import__("pathlib").Path(folder), community_slug=slug)
    if not result.ok:
        raise SystemExit(f"{slug}: {[str(p) for p in result.errors[:5]]}")
    slowest = max(slowest, time.perf_counter() - begun)
print(json.dumps({"seconds": time.perf_counter() - started, "slowest": slowest,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def sizes(total: int, count: int) -> list[int]:
    weights = [1 / (rank + 1) for rank in range(count)]
    scale = total / sum(weights)
    out = [max(50, round(w * scale)) for w in weights]
    out[0] += total - sum(out)
    return out


def main() -> None:
    parser = web.arguments(__doc__ or "", 1_000_000)
    parser.add_argument("--communities", type=int, default=300)
    options = parser.parse_args()
    admin, url, reuse = web.scratch(options.database_url, SCRATCH, options.keep)
    folder = Path(tempfile.mkdtemp(prefix="carepath-bench-province-"))
    env = {**web.environment(url, folder)}
    slugs = [f"region-{number:03d}" for number in range(options.communities)]
    figures: dict[str, Any] = {"services": options.services, "communities": options.communities}
    server = None
    try:
        if not reuse:
            web.psql(admin, f"DROP DATABASE IF EXISTS {SCRATCH}")
            web.psql(admin, f"CREATE DATABASE {SCRATCH}")
            web.carepath(env, "migrate", "--no-input", "-v0")
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carepath.settings")
            import import_hsds  # bench/import_hsds.py: the generator

            plan = []
            started = time.perf_counter()
            for slug, count in zip(slugs, sizes(options.services, options.communities), strict=True):
                package = folder / slug
                package.mkdir()
                # Each community's records get ids of their own: the generator names them in its NAMESPACE.
                import_hsds.NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, f"carepath-bench/{slug}")
                import_hsds.generate(package, count, seed=len(plan))
                plan.append((slug, str(package)))
            print(
                f"generated {options.services} services in {time.perf_counter() - started:.0f} s", flush=True
            )
            child = subprocess.run(
                [sys.executable, "-c", IMPORTER, json.dumps(plan)],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
            )
            if child.returncode:
                raise SystemExit(f"the import failed:\n{child.stdout[-2000:]}{child.stderr[-3000:]}")
            done = json.loads(child.stdout.strip().splitlines()[-1])
            figures.update(
                import_s=round(done["seconds"]),
                import_services_per_s=round(options.services / done["seconds"]),
                import_slowest_s=round(done["slowest"], 1),
                import_peak_mb=round(done["peak_mb"]),
            )
            print(f"imported: {done}", flush=True)
            for slug in slugs:
                shutil.rmtree(folder / slug, ignore_errors=True)
        else:
            web.carepath(
                env, "migrate", "--no-input", "-v0"
            )  # a kept database, brought up to this code's schema

        port = 19_000 + os.getpid() % 1000
        server = web.gunicorn(env, port, options.workers, folder)
        bodies = {slug: web.families(20, slug) for slug in slugs}
        started = time.perf_counter()
        first = [body for slug in slugs for body in bodies[slug][:2]]
        web.load(port, first, options.workers * 2, len(first) * options.workers)
        figures["every_community_once_s"] = round(time.perf_counter() - started, 1)
        figures["worker_rss_mb"] = max(web.worker_rss_mb(server.pid))
        print(f"workers' memory with every community held: {web.worker_rss_mb(server.pid)} MB", flush=True)

        mixed = [body for number in range(20) for slug in slugs for body in bodies[slug][number : number + 1]]
        random.Random(5).shuffle(mixed)
        result = web.load(port, mixed, options.clients, options.requests)
        figures.update({f"match_{key}": value for key, value in result.items()})
        print(f"match across communities: {result}", flush=True)

        for name, slug in (("large", slugs[0]), ("small", slugs[-1])):
            served, slowest = web.time_change(env, port, bodies[slug])
            figures[f"change_{name}_s"] = served
            if name == "large":
                figures["change_max_ms"] = slowest
    finally:
        if server is not None:
            server.terminate()
            server.wait(20)
        shutil.rmtree(folder, ignore_errors=True)
        if not options.keep:
            web.psql(admin, f"DROP DATABASE IF EXISTS {SCRATCH}")
    print(" ".join(f"{key}={value}" for key, value in figures.items()))


if __name__ == "__main__":
    main()
