"""Benchmark: Carepath's web tier end to end at a province's size, on PostgreSQL.

    python bench/web.py                                  # 100,000 services
    python bench/web.py --services 20000 --requests 1000
    python bench/web.py --database-url postgresql://postgres@127.0.0.1:5432/postgres --keep

What it does, on a scratch database ``carepath_bench_web`` (created here, dropped afterwards unless ``--keep``):
1. migrates it, loads the north-shore demo (56 services and the published Ontario pathway), creates the community
   ``bench`` (the Ontario template published for it) and imports ``--services`` generated services into it with
   ``carepath import-hsds`` (the generator of ``bench/import_hsds.py``): import seconds and peak memory;
2. starts gunicorn as the README's production command does (``deploy/gunicorn.conf.py``), with ``--workers``
   (2) sync workers;
3. times the first match request of a fresh worker (``cold_ms``: the snapshot of 100,000 services is built on
   it), then each worker's resident memory once both have answered for both communities (``worker_rss_mb``);
4. a bounded load loop on ``POST /api/v1/navigator/match``: ``--clients`` (8) client threads send
   ``--requests`` (2,000) family situations of ``bench/navigator.py``, for ``bench`` and then for the demo
   community (``match_rps``, ``match_p50_ms``, ``match_p95_ms``, ``match_errors``; ``demo_rps``...). The client
   opens a socket per request and sends prepared bytes (sync workers close each connection), so it spends little
   of the two CPUs it shares with gunicorn;
5. pages, each ``--page-requests`` (30) times one after another: the community inventory page with and without
   a search, HSDS API lists (services, organizations, service_at_locations) at their first and last page, the
   navigator's question page (p95 and bytes);
6. a change: one service of ``bench`` edited through the database, then how long until the match endpoint
   answers from a snapshot that holds it (``change_served_s``) and the slowest match answered meanwhile
   (``change_max_ms``: a rebuild must never stall a request).

Targets (issue 13): cold build ≤ 2 s, worker RSS ≤ 250 MB, match ≥ 300 requests/s with p95 ≤ 30 ms and no error
(≥ 500 requests/s on the demo), inventory page p95 ≤ 150 ms, HSDS lists p95 ≤ 100 ms at the first and the last
page, navigator question page ≤ 100 ms and ≤ 150 KB. The last line is ``key=value`` figures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carepath.settings")

SCRATCH = "carepath_bench_web"
MATCH = "/api/v1/navigator/match"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else 0.0


def psql(url: str, sql: str) -> str:
    done = subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-tAc", sql], capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"psql failed: {done.stderr}")
    return done.stdout.strip()


def carepath(env: dict[str, str], *args: str) -> tuple[float, float]:
    """Run a carepath command; its wall seconds and peak resident memory (MB)."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "carepath.cli", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    assert child.stdout is not None
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"carepath {' '.join(args)} failed:\n{output.decode()[-3000:]}")
    return time.perf_counter() - started, usage.ru_maxrss / 1024


# --- HTTP with prepared bytes --------------------------------------------------------------------------------


def request_bytes(method: str, path: str, body: bytes = b"", accept: str = "application/json") -> bytes:
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: {accept}\r\nConnection: close\r\n"
    if body:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    return head.encode() + b"\r\n" + body


def exchange(port: int, prepared: bytes, timeout: float = 60) -> tuple[int, bytes, float]:
    """Send one request on a new connection; (status, body, seconds)."""
    started = time.perf_counter()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
            sock.sendall(prepared)
            chunks = []
            while chunk := sock.recv(262_144):
                chunks.append(chunk)
    except OSError:
        return 0, b"", time.perf_counter() - started
    seconds = time.perf_counter() - started
    raw = b"".join(chunks)
    head, _, body = raw.partition(b"\r\n\r\n")
    try:
        status = int(head.split(b" ", 2)[1])
    except (IndexError, ValueError):
        status = 0
    return status, body, seconds


def load(port: int, bodies: list[bytes], clients: int, total: int) -> dict[str, float]:
    prepared = [request_bytes("POST", MATCH, body) for body in bodies]
    results: list[tuple[int, float]] = []
    lock = threading.Lock()
    counter = iter(range(total))

    def client() -> None:
        mine = []
        for number in counter:
            status, _, seconds = exchange(port, prepared[number % len(prepared)])
            mine.append((status, seconds))
        with lock:
            results.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    times = [t * 1000 for _, t in results]
    return {
        "rps": round(len(results) / seconds),
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "errors": sum(1 for status, _ in results if status != 200),
    }


def page(port: int, path: str, times: int, accept: str = "text/html") -> tuple[float, int, int]:
    """p95 ms, bytes and status of a page asked ``times`` times in a row."""
    seen, size, status = [], 0, 0
    for _ in range(times):
        status, body, seconds = exchange(port, request_bytes("GET", path, accept=accept))
        seen.append(seconds * 1000)
        size = len(body)
    return round(percentile(seen, 0.95), 1), size, status


def worker_rss_mb(master: int) -> list[float]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    sizes = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(round(int(line.split()[1]) / 1024))
    return sizes


def families(count: int, community: str) -> list[bytes]:
    import navigator as nav  # bench/navigator.py: the same family situations as the engine benchmark

    rng = random.Random(11)
    out = []
    for family in nav.make_families(count, rng):
        body = nav.request_json(family)
        body["community"] = community
        out.append(json.dumps(body).encode())
    return out


def rename(env: dict[str, str], service: str, name: str) -> None:
    """Rename a service as a facilitator's edit would: through the model, so the change is signalled."""
    code = (
        "from carepath.directory.models import Service; "
        f"s = Service.objects.get(pk={service!r}); s.name_en = {name!r}; s.save()"
    )
    carepath(env, "shell", "-c", code)


def environment(url: str, folder: Path) -> dict[str, str]:
    """Production's settings on the scratch database, plain HTTP, no limit reached."""
    return {
        **os.environ,
        "DATABASE_URL": url,
        "CAREPATH_DATA_DIR": str(folder),
        "DEBUG": "false",
        "SECRET_KEY": "bench",
        "CAREPATH_HTTPS": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "CAREPATH_NAVIGATOR_RATE": "1000000/second",
        "CAREPATH_IMPORT_MAX_UNCOMPRESSED_BYTES": str(8 << 30),  # a province's largest data packages
        "PYTHONPATH": str(ROOT),
    }


def gunicorn(env: dict[str, str], port: int, workers: int, folder: Path) -> subprocess.Popen[bytes]:
    """gunicorn serving Carepath on the port, once it answers its health check."""
    log = (folder / "gunicorn.log").open("wb")
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            *("-c", "deploy/gunicorn.conf.py"),  # the README's production command
            *("--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--timeout", "120"),
            "carepath.wsgi",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    for _ in range(600):
        if exchange(port, request_bytes("GET", "/healthz"))[0] == 200:
            return server
        time.sleep(0.1)
    server.kill()
    raise SystemExit(
        "gunicorn did not answer within a minute:\n" + (folder / "gunicorn.log").read_text()[-2000:]
    )


def time_change(env: dict[str, str], port: int, bodies: list[bytes]) -> tuple[float | str, int]:
    """Rename a service the first family with a recommendation is offered (its name gets a suffix, so it keeps
    its place among equals), then ask until the answer carries the new name: seconds until then, and the slowest
    answer meanwhile (ms)."""
    for body in bodies:
        _, answer, _ = exchange(port, request_bytes("POST", MATCH, body))
        offered = json.loads(answer)["recommendations"]
        if offered:
            break
    else:
        return "none", 0
    marker = f"renamed {time.time_ns()}"
    changed = time.perf_counter()
    rename(env, str(offered[0]["id"]), f"{offered[0]['name']} ({marker})")
    slowest, served = 0.0, None
    while time.perf_counter() - changed < 120:
        status, answer, seconds = exchange(port, request_bytes("POST", MATCH, body))
        slowest = max(slowest, seconds)
        if marker.encode() in answer or status != 200:
            served = time.perf_counter() - changed
            break
        time.sleep(0.02)
    print(
        f"a renamed service served after {served} s; slowest answer meanwhile {slowest * 1000:.0f} ms",
        flush=True,
    )
    return (round(served, 2) if served is not None else "none"), round(slowest * 1000)


# --- Main -----------------------------------------------------------------------------------------------------


def arguments(description: str, services: int) -> argparse.ArgumentParser:
    """The options both web benchmarks take; each adds its own."""
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--services", type=int, default=services)
    parser.add_argument("--requests", type=int, default=2_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the scratch database (and reuse it next time)"
    )
    return parser


def scratch(database_url: str, name: str, keep: bool) -> tuple[str, str, bool]:
    """The server's maintenance database, the scratch database's URL, and whether a kept one is reused."""
    base = urlsplit(database_url)
    if not base.scheme.startswith("postgres"):
        raise SystemExit(f"{sys.argv[0]} measures PostgreSQL: give --database-url postgresql://...")
    admin = urlunsplit(base._replace(path="/postgres"))
    reuse = keep and psql(admin, f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"
    return admin, urlunsplit(base._replace(path=f"/{name}")), reuse


def main() -> None:
    parser = arguments(__doc__ or "", 100_000)
    parser.add_argument("--page-requests", type=int, default=30)
    options = parser.parse_args()
    admin, url, reuse = scratch(options.database_url, SCRATCH, options.keep)
    folder = Path(tempfile.mkdtemp(prefix="carepath-bench-web-"))
    env = environment(url, folder)
    figures: dict[str, Any] = {"services": options.services}
    server = None
    try:
        if not reuse:
            psql(admin, f"DROP DATABASE IF EXISTS {SCRATCH}")
            psql(admin, f"CREATE DATABASE {SCRATCH}")
            carepath(env, "migrate", "--no-input", "-v0")
            carepath(env, "load-demo", "north-shore", "-v0")
            carepath(env, "create-community", "bench", "--name", "Bench community")
            import import_hsds  # bench/import_hsds.py: the generator

            package = folder / "package"
            package.mkdir()
            import_hsds.generate(package, options.services)
            seconds, peak = carepath(env, "import-hsds", str(package), "--community", "bench")
            figures.update(import_s=round(seconds, 1), import_peak_mb=round(peak))
            print(f"imported {options.services} services in {seconds:.1f} s, peak {peak:.0f} MB", flush=True)
        else:
            carepath(env, "migrate", "--no-input", "-v0")  # a kept database, brought up to this code's schema

        port = 18_000 + os.getpid() % 1000
        server = gunicorn(env, port, options.workers, folder)
        bench_bodies = families(500, "bench")
        demo_bodies = families(500, "north-shore")
        status, _, seconds = exchange(port, request_bytes("POST", MATCH, bench_bodies[0]))
        figures["cold_ms"] = round(seconds * 1000)
        print(f"first match on a fresh worker: {status} in {seconds * 1000:.0f} ms", flush=True)
        load(
            port, bench_bodies[:40] + demo_bodies[:40], options.workers * 2, 80
        )  # every worker, both communities
        rss = worker_rss_mb(server.pid)
        figures["worker_rss_mb"] = max(rss)
        print(f"workers' resident memory: {rss} MB", flush=True)

        for name, bodies in (("match", bench_bodies), ("demo", demo_bodies)):
            result = load(port, bodies, options.clients, options.requests)
            figures.update({f"{name}_{key}": value for key, value in result.items()})
            print(f"{name}: {result}", flush=True)

        last = {}
        for kind in ("services", "organizations", "service_at_locations"):
            _, body, _ = exchange(port, request_bytes("GET", f"/api/hsds/{kind}?per_page=50"))
            last[kind] = json.loads(body)["total_pages"]
        pages = {
            "inventory": "/en/communities/bench/",
            "inventory_search": "/fr/communities/bench/?q=orthophonie",
            "question": "/en/communities/bench/navigator/",
            **{f"hsds_{kind}_first": f"/api/hsds/{kind}?per_page=50" for kind in last},
            **{
                f"hsds_{kind}_last": f"/api/hsds/{kind}?per_page=50&page={pages}"
                for kind, pages in last.items()
            },
        }
        for name, path in pages.items():
            p95, size, status = page(
                port, path, options.page_requests, "application/json" if "api" in path else "text/html"
            )
            figures[f"{name}_p95_ms"] = p95
            if name == "question":
                figures["question_kb"] = round(size / 1024)
            print(f"{path}: {status}, p95 {p95} ms, {size / 1024:.0f} KB", flush=True)

        served, slowest = time_change(env, port, bench_bodies)
        figures.update(change_served_s=served, change_max_ms=slowest)
    finally:
        if server is not None:
            server.terminate()
            server.wait(20)
        shutil.rmtree(folder, ignore_errors=True)
        if not options.keep:
            psql(admin, f"DROP DATABASE IF EXISTS {SCRATCH}")
    print(" ".join(f"{key}={value}" for key, value in figures.items()))


if __name__ == "__main__":
    main()
