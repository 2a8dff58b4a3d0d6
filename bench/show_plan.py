"""Print the plans of some vignettes compactly (a development aid): python bench/show_plan.py v18 v19"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    from tests.navigator import vignette_suite as suite

    with suite.scratch_demo():
        for v in suite.load():
            if not any(v["id"].startswith(p) for p in sys.argv[1:]):
                continue
            answer = suite.run(v)
            print(f"== {v['id']}: {v['note']}")
            print("   must:", v.get("must"), "| not:", v.get("must_not"), "| first:", v.get("start_here_any"))
            print("   START:", [(a["action"], suite._key_of(a["service"])) for a in answer["start_here"]])
            for step in answer["steps"]:
                print(f"   {step['when']:4} {step['key']}: {step['why']}")
                for s in step["services"]:
                    print(f"        - {suite._key_of(s['id'])} {s['score']}")
                for s in step.get("also", []):
                    print(f"        ~ {suite._key_of(s['id'])}")
                if step.get("empty"):
                    print(f"        ! {step['empty']['code']}")
            print("   for you:", [suite._key_of(f["id"]) for f in answer.get("for_you", [])])
            print("   notices:", [n["code"] for n in answer["notices"]])
            print(
                "   fallbacks:",
                [suite._key_of(f["id"]) if "id" in f else f["name"] for f in answer["fallbacks"]],
            )
            print(
                "   safety:", [suite._key_of(f["id"]) if "id" in f else f["name"] for f in answer["safety"]]
            )
            print("   problems:", suite.judge(v, answer))


if __name__ == "__main__":
    main()
