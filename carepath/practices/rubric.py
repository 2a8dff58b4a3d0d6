"""Grading criteria and the rubric that turns agreed ratings into a tier. Pure functions, no Django.

The criteria and the rubric are data (``data/grading.json``): the Canadian Best Practices Portal criteria,
the Aboriginal Ways Tried and True criteria (for Indigenous practices only) and the leading-practice
criteria, and for each tier (promising, good, best) the requirements it adds to the tier below. A
requirement names criteria, the rating they must reach and how many of them must (all when no count).
Tiers are cumulative: a practice is good only if it is also promising.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

SOURCE = Path(__file__).parent / "data" / "grading.json"
MET, PARTLY, NOT_MET, UNKNOWN = "met", "partly", "not-met", "unknown"
RANK = {MET: 2, PARTLY: 1, NOT_MET: 0, UNKNOWN: 0}
TIERS = ("promising", "good", "best")


@dataclass(frozen=True)
class Criterion:
    code: str
    framework: str
    title: dict[str, str]
    guidance: dict[str, str]


@dataclass(frozen=True)
class Framework:
    code: str
    applies: str  # "all", or "indigenous" for Indigenous practices only
    title: dict[str, str]
    source: dict[str, str]
    url: str
    criteria: tuple[Criterion, ...]


@dataclass(frozen=True)
class Requirement:
    code: str
    label: dict[str, str]
    criteria: tuple[str, ...]
    at_least: str
    count: int | None  # None: all of them
    applies: str


@dataclass(frozen=True)
class Tier:
    code: str
    title: dict[str, str]
    meaning: dict[str, str]
    requirements: tuple[Requirement, ...]


@dataclass(frozen=True)
class Grading:
    version: int
    ratings: dict[str, dict[str, dict[str, str]]]  # code -> {"label": {...}, "meaning": {...}}
    frameworks: tuple[Framework, ...]
    tiers: tuple[Tier, ...]

    def criteria(self, indigenous: bool) -> list[Criterion]:
        """The criteria a practice is graded on (the AWTT ones only when it is Indigenous)."""
        return [
            c
            for f in self.frameworks
            if f.applies == "all" or (indigenous and f.applies == "indigenous")
            for c in f.criteria
        ]

    @property
    def codes(self) -> set[str]:
        return {c.code for f in self.frameworks for c in f.criteria}


def parse(document: dict[str, Any]) -> Grading:
    frameworks = tuple(
        Framework(
            code=f["code"],
            applies=f["applies"],
            title=f["title"],
            source=f["source"],
            url=f["url"],
            criteria=tuple(Criterion(c["code"], f["code"], c["title"], c["guidance"]) for c in f["criteria"]),
        )
        for f in document["frameworks"]
    )
    tiers = tuple(
        Tier(
            code=t["code"],
            title=t["title"],
            meaning=t["meaning"],
            requirements=tuple(
                Requirement(
                    code=r["code"],
                    label=r["label"],
                    criteria=tuple(r["criteria"]),
                    at_least=r["at_least"],
                    count=r.get("count"),
                    applies=r["applies"],
                )
                for r in t["requirements"]
            ),
        )
        for t in document["tiers"]
    )
    ratings = {r["code"]: {"label": r["label"], "meaning": r["meaning"]} for r in document["ratings"]}
    grading = Grading(document["version"], ratings, frameworks, tiers)
    unknown = {c for t in tiers for r in t.requirements for c in r.criteria} - grading.codes
    if unknown or tuple(t.code for t in tiers) != TIERS or set(ratings) != set(RANK):
        raise ValueError(f"grading data is inconsistent: {sorted(unknown)} {[t.code for t in tiers]}")
    return grading


@cache
def load() -> Grading:
    return parse(json.loads(SOURCE.read_text(encoding="utf-8")))


def agreed(ratings: Sequence[str]) -> str | None:
    """The reviewers' common rating of one criterion, or None when they differ or nobody rated it."""
    distinct = set(ratings)
    return distinct.pop() if len(distinct) == 1 else None


@dataclass(frozen=True)
class Check:
    requirement: Requirement
    met: bool
    ratings: tuple[tuple[str, str], ...]  # (criterion, rating) for each of its criteria


@dataclass(frozen=True)
class TierResult:
    tier: Tier
    earned: bool
    checks: tuple[Check, ...]


@dataclass(frozen=True)
class Result:
    tier: str | None
    tiers: tuple[TierResult, ...]


def _reaches(rating: str | None, at_least: str) -> bool:
    return rating is not None and RANK.get(rating, 0) >= RANK[at_least]


def grade(grading: Grading, ratings: Mapping[str, str], *, indigenous: bool) -> Result:
    """The tier the agreed ratings earn, with every requirement of every tier checked.

    A criterion that was not rated counts as not met; one whose framework does not apply to the practice
    is left out of the requirement (so Indigenous knowledge can stand in for study evidence only where the
    Aboriginal Ways Tried and True criteria apply).
    """
    applicable = {c.code for c in grading.criteria(indigenous)}
    results = []
    earned: str | None = None
    below = True
    for tier in grading.tiers:
        checks = []
        for requirement in tier.requirements:
            if requirement.applies == "indigenous" and not indigenous:
                continue
            given = tuple((c, ratings.get(c, NOT_MET)) for c in requirement.criteria if c in applicable)
            reached = sum(1 for _, rating in given if _reaches(rating, requirement.at_least))
            needed = len(given) if requirement.count is None else requirement.count
            checks.append(Check(requirement, bool(given) and reached >= needed, given))
        ok = below and all(check.met for check in checks)
        results.append(TierResult(tier, ok, tuple(checks)))
        if ok:
            earned = tier.code
        below = ok
    return Result(earned, tuple(results))
