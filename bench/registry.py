"""Benchmark: the registry's pure parts at the scale of a national registry.

    python bench/registry.py [--surveys 10000] [--practices 10000]

Scores every survey of a registry on the IPCHS instrument (39 questions, random answers with "not
applicable"), averages them (the registry average a results page compares with), and grades every practice
through the rubric with the Indigenous criteria. No database. The last line is ``key=value`` figures; there is
no target in the issue, the figures say what a page costs: one survey's scores and one grade are well under a
millisecond, and the average over the whole registry under a tenth of a second.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from carepath.practices import instruments, rubric, scoring


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--surveys", type=int, default=10_000)
    parser.add_argument("--practices", type=int, default=10_000)
    args = parser.parse_args()
    rng = random.Random(5)
    layout = instruments.layout(
        json.loads((instruments.SHIPPED / "ipchs-v1.json").read_text(encoding="utf-8"))
    )
    answers = [
        {q: rng.choice([None, 0, 1, 2, 3, 4, 5]) for q in layout.questions} for _ in range(args.surveys)
    ]
    start = time.perf_counter()
    scores = [scoring.score(layout, a) for a in answers]
    scored = time.perf_counter()
    scoring.average(layout, scores)
    averaged = time.perf_counter()
    grading = rubric.load()
    codes = [c.code for c in grading.criteria(True)]
    ratings = [{c: rng.choice(sorted(rubric.RANK)) for c in codes} for _ in range(args.practices)]
    graded_start = time.perf_counter()
    tiers = [rubric.grade(grading, r, indigenous=True).tier for r in ratings]
    graded = time.perf_counter()
    print(
        f"registry surveys={args.surveys} practices={args.practices} "
        f"score_us={(scored - start) / args.surveys * 1e6:.1f} average_ms={(averaged - scored) * 1000:.1f} "
        f"grade_us={(graded - graded_start) / args.practices * 1e6:.1f} "
        f"graded={sum(1 for t in tiers if t)}"
    )


if __name__ == "__main__":
    main()
