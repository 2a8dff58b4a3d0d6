"""Benchmark: validate a 500-step pathway and build its gap report against a 10,000-service inventory; draw
the diagram of the Ontario template and of a 60-step pathway.

    python bench/pathways.py [--steps 500] [--services 10000] [--diagram-steps 60] [--repeat 5]

Pure Python (no database): the checks, the gap report and the diagram take plain data. The last line is
``key=value`` figures; the target is under 200 ms for each (the page caches a drawing per content and
language, so only the first reader of a new version waits for it).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from carepath.directory import vocabulary
from carepath.directory.snapshot import ServiceFacts
from carepath.geo import parse_area
from carepath.pathways import checks, diagram, documents, gaps
from carepath.pathways.graph import SCREENING_TOOLS, STAGES, Pathway

PLACES = [
    gaps.Place(f"place-{i}", f"Place {i}", 46.31 + 0.4 * (i % 3), -79.46 + 0.5 * (i // 3)) for i in range(6)
]


def make_pathway(size: int, rng: random.Random) -> Pathway:
    vocab = vocabulary.load()
    types = vocab.codes("service-type")
    tiers = vocab.codes("tier")
    concerns = vocab.codes("concern")
    steps = []
    for index in range(size):
        stage = STAGES[min(2, index * 3 // size)]
        final = index >= size - 3
        low = rng.choice([0, 0, 6, 12, 18, 24, 36])
        step = {
            "key": f"step-{index}",
            "stage": "out-of-care" if final else stage,
            "kind": rng.choice(["touchpoint", "screen", "assess", "intervene", "coordinate", "monitor"]),
            "entry": index < 3,
            "title": {"en": f"Step {index}", "fr": f"Étape {index}"},
            "service_types": rng.sample(types, 2),
            "tiers": rng.sample(tiers, 1),
            "age_months": {"min": 0 if index < 3 or final else low, "max": 83},
            "target_days": rng.choice([None, 14, 30, 60, 90]),
            "transitions": [],
        }
        if not final:
            for _ in range(rng.randint(1, 3)):
                target = min(size - 1, index + rng.randint(1, 8))
                tool, (bands, (tlow, thigh)) = rng.choice(list(SCREENING_TOOLS.items()))
                criteria = rng.choice(
                    [
                        {
                            "age_months": {"min": max(low, tlow), "max": thigh},
                            "screening": {"tool": tool, "results": [bands[0]]},
                        },
                        {"urgency": [rng.choice(["routine", "soon", "crisis"])]},
                        {"concerns_any": rng.sample(concerns, 2)},
                        {"age_months": {"min": low, "max": 83}, "completing_care": True},
                    ]
                )
                step["transitions"].append({"to": f"step-{target}", "criteria": criteria})
            step["transitions"].append({"to": f"step-{min(size - 1, index + 1)}", "otherwise": True})
        steps.append(step)
    return Pathway.from_dict(
        {"format": "carepath-pathway/1", "title": {"en": "Bench", "fr": "Banc"}, "steps": steps}
    )


def make_services(count: int, rng: random.Random) -> list[ServiceFacts]:
    vocab = vocabulary.load()
    types, tiers = vocab.codes("service-type"), vocab.codes("tier")
    deliveries = vocab.codes("delivery")
    languages = ["en"] * 10 + ["fr"] * 4 + ["oj", "cr", "ar", "es"]
    out = []
    for index in range(count):
        lat, lon = 46.31 + rng.uniform(-1, 1), -79.46 + rng.uniform(-1, 1)
        areas = ()
        if rng.random() < 0.4:
            ring = [
                [lon - 0.6, lat - 0.5],
                [lon + 0.6, lat - 0.5],
                [lon + 0.6, lat + 0.5],
                [lon - 0.6, lat + 0.5],
                [lon - 0.6, lat - 0.5],
            ]
            areas = (parse_area(json.dumps({"type": "Polygon", "coordinates": [ring]}), "geojson"),)
        low = rng.choice([0, 0, 6, 18, 24, 36, 48])
        out.append(
            ServiceFacts(
                id=f"s{index}",
                name=f"Service {index}",
                min_months=float(low),
                max_months=float(rng.choice([36, 72, 216])),
                languages=frozenset(rng.sample(languages, rng.choice([1, 1, 2]))),
                delivery=frozenset(rng.sample(deliveries, rng.choice([1, 2]))),
                service_types=frozenset(rng.sample(types, rng.choice([1, 2]))),
                tiers=frozenset(rng.sample(tiers, 1)),
                sectors=frozenset({"indigenous-services"}) if rng.random() < 0.05 else frozenset(),
                wait_days=rng.choice([None, 0, 14, 30, 60, 120, 180]),
                locations=((lat, lon),),
                areas=areas,
            )
        )
    return out


def timed(function, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--steps", type=int, default=500)
    parser.add_argument("--services", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--diagram-steps", type=int, default=60)
    parser.add_argument("--seed", type=int, default=3)
    options = parser.parse_args()
    rng = random.Random(options.seed)
    pathway = make_pathway(options.steps, rng)
    services = make_services(options.services, rng)
    vocab = vocabulary.load()
    check_ms, findings = timed(lambda: checks.check(pathway, vocab), options.repeat)
    gaps_ms, rows = timed(lambda: gaps.report(pathway, services, PLACES), options.repeat)
    names = {stage: stage for stage in STAGES}
    drawn = make_pathway(options.diagram_steps, rng)
    template = Pathway.from_dict(documents.template())
    diagram_ms, _svg = timed(
        lambda: diagram.svg(drawn, "en", title="T", description="D", stage_names=names), options.repeat
    )
    template_ms, _svg = timed(
        lambda: diagram.svg(template, "en", title="T", description="D", stage_names=names), options.repeat
    )
    errors = sum(1 for f in findings if f.is_error)  # type: ignore[union-attr]
    print(
        f"checked {options.steps} steps: {errors} errors, {len(findings) - errors} warnings; "  # type: ignore[arg-type]
        f"gap report of {len(rows)} steps over {len(services)} services"
    )  # type: ignore[arg-type]
    print(
        f"pathways steps={options.steps} services={options.services} validate_ms={check_ms:.1f} "
        f"gap_report_ms={gaps_ms:.1f} diagram_steps={options.diagram_steps} diagram_ms={diagram_ms:.1f} "
        f"template_diagram_ms={template_ms:.1f} target_ms=200"
    )


if __name__ == "__main__":
    main()
