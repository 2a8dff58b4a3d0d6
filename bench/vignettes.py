"""The navigator's vignette suite: the pass rate and every failure, on a scratch copy of the demo community.

    python bench/vignettes.py            # every vignette of tests/navigator/vignettes.yaml
    python bench/vignettes.py v18 v19    # those whose id starts so

Runs on a throwaway SQLite database (migrated, the demo community loaded). The last line is ``key=value``
figures (CONTRACTS.md, section 2).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    from tests.navigator import vignette_suite

    prefixes = sys.argv[1:]
    with vignette_suite.scratch_demo():
        vignettes = [
            v for v in vignette_suite.load() if not prefixes or any(v["id"].startswith(p) for p in prefixes)
        ]
        failed = 0
        times = []
        for vignette in vignettes:
            started = time.perf_counter()
            answer = vignette_suite.run(vignette)
            times.append((time.perf_counter() - started) * 1000)
            problems = vignette_suite.judge(vignette, answer)
            if problems:
                failed += 1
                print(f"FAIL {vignette['id']}: {'; '.join(problems)}")
        passed = len(vignettes) - failed
        rate = passed / len(vignettes) if vignettes else 0.0
        print(
            f"vignettes total={len(vignettes)} passed={passed} failed={failed} pass_rate={rate:.2f} "
            f"plan_ms_max={max(times, default=0):.1f}"
        )


if __name__ == "__main__":
    main()
