"""Check: a change to how the navigator's copy of a community is built changes no answer.

    DATABASE_URL=postgresql://... python bench/same_plans.py dump before.jsonl --community bench --families 300
    (change the code)
    DATABASE_URL=postgresql://... python bench/same_plans.py dump after.jsonl --community bench --families 300
    python bench/same_plans.py compare before.jsonl after.jsonl

``dump`` builds the community's copy as a worker does (``snapshots.build``) and writes, one JSON line each:
every service's facts in the directory's order, a digest of every column and mask the engine reads, and the
answer of ``POST /api/v1/navigator/match`` (``queries.plan_json``) for ``--families`` families of
``bench/navigator.py`` (``--seed``). ``compare`` says which lines differ and exits 1 when any does.
``--root`` runs the dump with another checkout's code (the code before the change, say).
"""

from __future__ import annotations

import argparse
import hashlib
import inspect
import json
import os
import random
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent


def digest(value: Any) -> str:
    import numpy as np

    if isinstance(value, np.ndarray):
        raw = f"{value.dtype}{value.shape}".encode() + np.ascontiguousarray(value).tobytes()
    else:
        raw = repr(value).encode()
    return hashlib.sha256(raw).hexdigest()[:16]


def columns(directory: Any) -> dict[str, str]:
    """A digest of each column and mask the engine reads (numpy arrays by dtype, shape and bytes)."""
    out = {}
    for name in (
        "size",
        "min_months",
        "max_months",
        "wait",
        "interpretation",
        "cost_score",
        "tier_rank",
        "at_locations_only",
        "indigenous_led",
        "focused",
        "only_for",
        "no_concerns",
        "phone_or_video",
        "untiered",
        "loc_owner",
        "loc_xyz",
        "loc_starts",
        "loc_services",
        "area_boxes",
        "has_area",
    ):
        out[name] = digest(getattr(directory, name))
    out["index"] = digest(sorted(directory.index.items()))
    out["areas"] = digest([(area.box, area.polygons) for area in directory.areas])
    out["area_members"] = digest([digest(members) for members in directory.area_members])
    out["masks"] = digest(sorted((key, digest(mask)) for key, mask in directory.masks.items()))
    return out


def dump(out: Path, community_slug: str, count: int, seed: int) -> None:
    import django

    django.setup()
    import navigator as nav  # bench/navigator.py: its families
    from django.utils import translation

    from carepath.communities.models import Community
    from carepath.navigator import queries, snapshots

    community = Community.objects.get(slug=community_slug)
    snapshot = snapshots.build(community.pk)
    directory = snapshot.directory
    snapshots._keep(community.pk, snapshot)
    with out.open("w") as file:
        for i in range(directory.size):
            facts = asdict(directory.services[i])
            facts = {
                key: sorted(value) if isinstance(value, frozenset) else value for key, value in facts.items()
            }
            file.write(json.dumps({"service": i, "facts": facts}, sort_keys=True, default=repr) + "\n")
        for name, value in columns(directory).items():
            file.write(json.dumps({"column": name, "digest": value}) + "\n")
        for number, request in enumerate(nav.make_families(count, random.Random(seed))):
            request = request.__class__(**{**request.__dict__, "community": community_slug})
            with translation.override(request.language):
                if "tokens" in inspect.signature(queries.plan_json).parameters:  # the code of later versions
                    answer = queries.plan_json(community, None, request)
                else:
                    answer = queries.plan_json(community, request)
            file.write(json.dumps({"family": number, "plan": answer}, sort_keys=True, default=repr) + "\n")
    print(f"{out}: {directory.size} services, {count} plans, code of {Path(snapshots.__file__).parents[2]}")


def compare(before: Path, after: Path) -> int:
    a, b = before.read_text().splitlines(), after.read_text().splitlines()
    different = [number for number, (x, y) in enumerate(zip(a, b, strict=False)) if x != y]
    if len(a) != len(b):
        print(f"{before} has {len(a)} lines, {after} {len(b)}")
    for number in different[:10]:
        print(f"line {number + 1} differs:\n  {a[number][:300]}\n  {b[number][:300]}")
    print(f"{len(different)} of {min(len(a), len(b))} lines differ")
    return 1 if different or len(a) != len(b) else 0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    dumping = commands.add_parser("dump")
    dumping.add_argument("out", type=Path)
    dumping.add_argument("--community", default="bench")
    dumping.add_argument("--families", type=int, default=300)
    dumping.add_argument("--seed", type=int, default=11)
    dumping.add_argument(
        "--root", type=Path, default=BENCH.parent, help="the checkout whose code builds the copy"
    )
    comparing = commands.add_parser("compare")
    comparing.add_argument("before", type=Path)
    comparing.add_argument("after", type=Path)
    options = parser.parse_args()
    if options.command == "compare":
        raise SystemExit(compare(options.before, options.after))
    sys.path[:0] = [str(options.root.resolve()), str(BENCH)]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carepath.settings")
    os.environ.setdefault("DEBUG", "true")
    dump(options.out, options.community, options.families, options.seed)


if __name__ == "__main__":
    main()
