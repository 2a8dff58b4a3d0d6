"""Plans an experienced intake worker would hand to the family (issue 11, item 10): every vignette of
``vignettes.yaml``, written before the engine ran them, against the demo community."""

from __future__ import annotations

import pytest

from . import vignette_suite

VIGNETTES = vignette_suite.load()


def test_the_suite_is_broad_enough():
    assert len(VIGNETTES) == 63
    assert len({v["id"] for v in VIGNETTES}) == len(VIGNETTES)


@pytest.mark.django_db
def test_every_vignette_gets_the_plan_an_intake_worker_expects(demo):
    failures = {}
    for vignette in VIGNETTES:
        problems = vignette_suite.judge(vignette, vignette_suite.run(vignette))
        if problems:
            failures[vignette["id"]] = problems
    assert not failures, "\n".join(f"{key}: {'; '.join(value)}" for key, value in failures.items())
