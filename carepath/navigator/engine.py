"""The navigator: a family's answers, a published pathway and a community's services in; a plan out.

Pure Python and numpy, no Django. Three parts:

1. ``Directory``: a community's active services as numpy columns, built once per directory version.
2. ``locate``: where the child is on the pathway (what to do now, what comes next) from the answers.
3. ``match``: the hard rules of CONTRACTS.md section 3 as whole-column masks, then a ranking a planner can
   explain, and reasons and cautions for each service (as codes; ``present.py`` puts them into words).

Every score is rounded to three decimals before sorting and ties are broken by name and id, so the same
answers always give the same plan.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from carepath.directory.languages import equivalents
from carepath.directory.snapshot import ServiceFacts
from carepath.pathways.graph import Pathway, Situation, Step, Transition, next_steps

EARTH_KM = 6371.0088
DEFAULT_TRAVEL_KM = 60.0
PER_STEP = 5  # services shown for each step of the plan
INDIGENOUS_IDENTITIES = ("first-nations", "inuit", "metis")
INDIGENOUS_POPULATIONS = frozenset({"first-nations", "inuit", "metis", "indigenous"})
IN_PERSON = frozenset({"in-person", "group"})
COMES_TO_YOU = frozenset({"home-visit", "virtual", "phone", "self-directed"})
TIER_RANK = {"promotion": 1, "prevention": 2, "early-intervention": 3, "treatment": 4, "specialized": 5}
COST_SCORE = {"free": 1.0, "sliding-scale": 0.7, "fee": 0.3}
# How much each part of the fit counts; the parts are each between 0 and 1, so the score is too.
WEIGHTS = {
    "concerns": 0.25,
    "tier": 0.10,
    "delivery": 0.15,
    "distance": 0.15,
    "wait": 0.10,
    "language": 0.10,
    "cost": 0.10,
    "culture": 0.05,
}
# Screening results that call for more than a watchful wait (the tools' own referral bands).
CALLS_FOR_ACTION = frozenset(
    {("asq-se-2", "above-cutoff"), ("asq-3", "below-cutoff"), ("m-chat-r", "high"), ("looksee", "concerns")}
)


@dataclass(frozen=True)
class Request:
    """A family's answers, already checked (``navigator.requests`` reads and checks the JSON)."""

    age_months: int
    languages: tuple[str, ...]
    language: str = "en"
    community: str | None = None
    concerns: tuple[str, ...] = ()
    screening: tuple[tuple[str, str], ...] = ()  # (tool, result)
    indigenous_identity: tuple[str, ...] = ()
    delivery: tuple[str, ...] = ()
    location: tuple[float, float] | None = None  # latitude, longitude
    max_travel_km: float = DEFAULT_TRAVEL_KM
    cost: tuple[str, ...] = ()
    populations: tuple[str, ...] = ()
    urgency: str = "routine"
    in_care: bool = False
    completing_care: bool = False

    @property
    def family_populations(self) -> frozenset[str]:
        out = set(self.populations) | set(self.indigenous_identity)
        if self.indigenous_identity:
            out.add("indigenous")
        return frozenset(out)

    @property
    def indigenous(self) -> bool:
        return bool(self.family_populations & INDIGENOUS_POPULATIONS)

    @property
    def need(self) -> int:
        """The least intensive tier (rank) that meets this child's need: stepped care starts there.

        A screening result that calls for action, urgency "soon" or being in care: early intervention (3);
        worries alone: prevention (2); otherwise promotion (1).
        """
        if self.in_care or self.completing_care or self.urgency != "routine":
            return TIER_RANK["early-intervention"]
        if any(result in CALLS_FOR_ACTION for result in self.screening):
            return TIER_RANK["early-intervention"]
        return TIER_RANK["prevention"] if self.concerns else TIER_RANK["promotion"]

    def situation(self) -> Situation:
        completing = self.completing_care
        return Situation(
            age_months=self.age_months,
            concerns=frozenset(self.concerns),
            screening=dict(self.screening),
            urgency=self.urgency,
            in_care=self.in_care or completing,  # finishing care means being in care
            completing_care=completing,
        )


# --- The directory as columns ----------------------------------------------------------------------------


class Directory:
    """A community's active services as numpy columns, asked about by many families."""

    def __init__(self, services: Iterable[ServiceFacts]) -> None:
        self.services: list[ServiceFacts] = sorted(
            (s for s in services if s.active), key=lambda s: (s.name.casefold(), s.id)
        )
        self.size = len(self.services)
        self.index = {s.id: i for i, s in enumerate(self.services)}
        self.min_months = np.array(
            [-math.inf if s.min_months is None else s.min_months for s in self.services], dtype=np.float64
        )
        self.max_months = np.array(
            [math.inf if s.max_months is None else s.max_months for s in self.services], dtype=np.float64
        )
        self.wait = np.array(
            [math.nan if s.wait_days is None else s.wait_days for s in self.services], dtype=np.float64
        )
        self.interpretation = np.array([s.interpretation for s in self.services], dtype=bool)
        self.cost_score = np.array(
            [max((COST_SCORE.get(c, 0.5) for c in s.cost), default=0.5) for s in self.services]
        )
        self.tier_rank = np.array(
            [min((TIER_RANK[t] for t in s.tiers if t in TIER_RANK), default=0) for s in self.services],
            dtype=np.int8,
        )
        # Offered only where the family has to go: in person or in groups, or at locations with no delivery said.
        self.at_locations_only = np.array(
            [bool(s.locations) and (not s.delivery or s.delivery <= IN_PERSON) for s in self.services],
            dtype=bool,
        )
        self.indigenous_led = np.array([s.indigenous_led for s in self.services], dtype=bool)
        members: dict[tuple[str, str], list[int]] = {}
        for i, s in enumerate(self.services):
            for kind, values in (
                ("type", s.service_types),
                ("concern", s.concerns),
                ("tier", s.tiers),
                ("language", s.languages),
                ("delivery", s.delivery),
                ("cost", s.cost),
            ):
                for value in values:
                    members.setdefault((kind, value), []).append(i)
            for population, how in s.populations:
                members.setdefault((how, population), []).append(i)  # ("only", code) or ("focus", code)
        self.masks = {key: self._mask(ids) for key, ids in members.items()}
        self.no_concerns = np.array([not s.concerns for s in self.services], dtype=bool)
        self.untiered = self.tier_rank == 0
        # Locations, flattened and grouped by service, for one vectorized distance per request.
        owners, lats, lons = [], [], []
        for i, s in enumerate(self.services):
            for lat, lon in s.locations:
                owners.append(i)
                lats.append(lat)
                lons.append(lon)
        self.loc_owner = np.array(owners, dtype=np.int64)
        self.loc_lat = np.radians(np.array(lats, dtype=np.float64))
        self.loc_lon = np.radians(np.array(lons, dtype=np.float64))
        self.loc_starts = (
            np.flatnonzero(np.r_[True, self.loc_owner[1:] != self.loc_owner[:-1]]) if owners else None
        )
        self.loc_services = self.loc_owner[self.loc_starts] if owners else np.zeros(0, dtype=np.int64)
        # Service areas, each distinct one once: most services share a few catchments (a district, a nation).
        area_members: dict[Any, list[int]] = {}
        for i, s in enumerate(self.services):
            for area in s.areas:
                area_members.setdefault(area, []).append(i)
        self.areas = list(area_members)
        self.area_members = [np.array(area_members[a], dtype=np.int64) for a in self.areas]
        self.area_boxes = np.array([a.box for a in self.areas], dtype=np.float64).reshape(-1, 4)
        self.has_area = np.array([bool(s.areas) for s in self.services], dtype=bool)

    def _mask(self, ids: Sequence[int]) -> np.ndarray:
        mask = np.zeros(self.size, dtype=bool)
        mask[np.asarray(ids, dtype=np.int64)] = True
        return mask

    def any_of(self, kind: str, values: Iterable[str]) -> np.ndarray:
        out = np.zeros(self.size, dtype=bool)
        for value in values:
            found = self.masks.get((kind, value))
            if found is not None:
                out |= found
        return out

    def distances(self, lat: float, lon: float) -> np.ndarray:
        """Kilometres from the point to each service's nearest location (infinity where it has none)."""
        out = np.full(self.size, math.inf)
        if self.loc_starts is None:
            return out
        p, q = math.radians(lat), math.radians(lon)
        a = (
            np.sin((self.loc_lat - p) / 2) ** 2
            + math.cos(p) * np.cos(self.loc_lat) * np.sin((self.loc_lon - q) / 2) ** 2
        )
        km = 2 * EARTH_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))
        out[self.loc_services] = np.minimum.reduceat(km, self.loc_starts)
        return out

    def in_areas(self, lat: float, lon: float) -> np.ndarray:
        """Services with a service area that holds the point."""
        out = np.zeros(self.size, dtype=bool)
        if not self.areas:
            return out
        boxes = self.area_boxes
        candidates = np.flatnonzero(
            (boxes[:, 0] <= lon) & (lon <= boxes[:, 2]) & (boxes[:, 1] <= lat) & (lat <= boxes[:, 3])
        )
        for k in candidates:
            if self.areas[k].contains(lat, lon):
                out[self.area_members[k]] = True
        return out


# --- Where the child is on the pathway ---------------------------------------------------------------------


@dataclass
class PlanStep:
    step: Step
    when: str  # "now" or "next"
    why: str  # first-steps, crisis, screen-result, after-step, in-care, leaving-care, while-waiting
    via: Transition | None = None
    after: str | None = None  # the step this one follows, for "after-step"
    services: list[Match] = field(default_factory=list)


def _fits(step: Step, situation: Situation) -> bool:
    return step.age.contains(situation.age_months) and (
        step.kind != "crisis" or situation.urgency == "crisis"
    )


def _targets(
    pathway: Pathway, steps: Iterable[Step], situation: Situation
) -> list[tuple[Step, Step, Transition]]:
    """(from, to, transition) for each transition out of ``steps`` that applies, in pathway order."""
    by_key = pathway.by_key()
    out = []
    for step in steps:
        for transition in next_steps(pathway, step, situation):
            target = by_key.get(transition.to)
            if target is not None and _fits(target, situation):
                out.append((step, target, transition))
    return out


def locate(pathway: Pathway, request: Request) -> list[PlanStep]:
    """The steps of the plan, "now" first, from the kinds and stages of the pathway's steps.

    - Crisis: the crisis steps come first, always.
    - Completing care: the out-of-care steps that the care steps lead to (stepping down, school).
    - In care: the hand-over where it applies (near 6), else what keeps care together; then the way out.
    - Screened: what the screen step leads to for the results given (intake, watchful waiting, back to
      universal services), then what follows it.
    - Not screened yet: the touchpoints and screening, then what the worries lead to.
    Support while waiting is added by ``plan`` when the services for a step wait longer than its target.
    """
    situation = request.situation()
    plan: list[PlanStep] = []
    seen: set[str] = set()

    def add(
        step: Step, when: str, why: str, via: Transition | None = None, after: Step | None = None
    ) -> None:
        if step.key not in seen:
            seen.add(step.key)
            plan.append(PlanStep(step, when, why, via, after.key if after else None))

    fitting = [s for s in pathway.steps if _fits(s, situation)]
    crisis = [s for s in fitting if s.kind == "crisis"]
    if crisis:  # only fits when the urgency is crisis: help now, then where the crisis team hands over
        for step in crisis:
            add(step, "now", "crisis")
        _follow(pathway, crisis, situation, add)
        return plan
    care_steps = [s for s in fitting if s.stage == "through-care" and s.kind != "crisis"]
    if situation.completing_care:
        for _source, target, transition in _targets(pathway, care_steps, situation):
            if target.stage == "out-of-care":
                add(target, "now", "leaving-care", transition)
        if not any(p.when == "now" and p.why == "leaving-care" for p in plan):
            for step in fitting:
                if step.stage == "out-of-care":
                    add(step, "now", "leaving-care")
    elif situation.in_care:
        for _source, target, transition in _targets(pathway, care_steps, situation):
            if target.stage == "out-of-care":
                add(target, "now", "in-care", transition)
        if not any(p.why == "in-care" for p in plan):
            for step in care_steps:
                if step.kind in ("coordinate", "monitor"):
                    add(step, "now", "in-care")
        leaving = Situation(**{**situation.__dict__, "completing_care": True})
        for _source, target, transition in _targets(pathway, care_steps, leaving):
            if target.stage == "out-of-care":
                add(target, "next", "leaving-care", transition)
    elif situation.screening:
        screens = [s for s in fitting if s.kind == "screen"]
        now = _targets(pathway, screens, situation)
        for source, target, transition in now:
            if target.kind != "screen":
                add(target, "now", "screen-result", transition, source)
        _follow(pathway, [p.step for p in plan if p.when == "now"], situation, add)
    else:
        entries = [s for s in fitting if s.entry and s.kind in ("touchpoint", "screen")] or [
            s for s in fitting if s.entry
        ]
        for step in entries:
            add(step, "now", "first-steps")
        for source, target, transition in _targets(pathway, entries, situation):
            if target.kind == "screen":
                add(target, "now", "first-steps", transition, source)
        # Screening results are not known yet, so only what the worries themselves lead to comes next.
        starts = [p.step for p in plan if p.when == "now" and p.why == "first-steps"]
        for source, target, transition in _targets(pathway, starts, situation):
            if transition.otherwise or target.stage == "out-of-care":
                continue
            if source.kind == "screen" and transition.criteria.screening_tool is not None:
                continue
            add(target, "next", "after-step", transition, source)
    if not plan:  # a pathway without the kinds above: its entry steps
        for step in fitting:
            if step.entry:
                add(step, "now", "first-steps")
    return plan


def _follow(pathway: Pathway, steps: list[Step], situation: Situation, add: Any) -> None:
    for source, target, transition in _targets(pathway, steps, situation):
        if target.kind != "crisis":
            add(target, "next", "after-step", transition, source)


# --- Matching services ---------------------------------------------------------------------------------


@dataclass
class Match:
    facts: ServiceFacts
    index: int  # position in the directory (sorted by name and id)
    score: float
    distance_km: float | None
    reasons: list[tuple[str, dict[str, Any]]]
    cautions: list[tuple[str, dict[str, Any]]]
    step: str

    @property
    def id(self) -> str:
        return self.facts.id


@dataclass
class Family:
    """What a request makes of the directory: the hard rules as one mask, and the columns ranking needs."""

    request: Request
    eligible: np.ndarray
    distance: np.ndarray | None
    language_score: np.ndarray
    delivery_fit: np.ndarray
    culture: np.ndarray


def eligible(directory: Directory, request: Request) -> Family:
    """The services that satisfy hard rules 1 to 7 of CONTRACTS.md section 3 for this family."""
    d = directory
    age = request.age_months
    ok = (d.min_months <= age) & (d.max_months >= age)  # rule 2 (rule 1: the directory holds active ones)
    language_score = np.zeros(d.size)
    for position, code in enumerate(request.languages):  # most preferred first
        found = d.any_of("language", equivalents(code))
        if found.any():
            language_score = np.where(
                found & (language_score == 0), 1.0 - 0.2 * min(position, 3), language_score
            )
    ok &= (language_score > 0) | d.interpretation  # rule 3
    language_score = np.where(language_score == 0, 0.3, language_score)  # through an interpreter
    populations = request.family_populations
    for (kind, code), mask in d.masks.items():
        if kind == "only" and code not in populations:
            ok &= ~mask  # rule 4
    distance = None
    if request.location is not None:
        lat, lon = request.location
        ok &= ~d.has_area | d.in_areas(lat, lon)  # rule 5
        distance = d.distances(lat, lon)
        ok &= ~d.at_locations_only | (distance <= request.max_travel_km)  # rule 6
    if request.cost:
        ok &= d.any_of("cost", request.cost)  # rule 7
    delivery_fit = d.any_of("delivery", request.delivery) if request.delivery else np.ones(d.size, dtype=bool)
    culture = np.zeros(d.size, dtype=bool)
    if request.indigenous:
        culture |= d.indigenous_led
    for code in populations:
        culture |= d.any_of("focus", [code]) | d.any_of("only", [code])
    return Family(request, ok, distance, language_score, delivery_fit, culture)


def _step_mask(directory: Directory, step: Step) -> np.ndarray:
    d = directory
    fits = np.ones(d.size, dtype=bool)
    if step.service_types:
        fits &= d.any_of("type", step.service_types)
    if step.tiers:  # a service that does not say its tier is not ruled out by it
        fits &= d.any_of("tier", step.tiers) | d.untiered
    return fits


def needed_tier(step: Step, request: Request) -> int:
    """The tier rank to start from at this step: the step's lightest tier, or the child's need if higher."""
    ranks = [TIER_RANK[t] for t in step.tiers if t in TIER_RANK]
    if not ranks:
        return request.need
    return min(max(min(ranks), request.need), max(ranks))


def scores(directory: Directory, family: Family, step: Step, candidates: np.ndarray) -> dict[str, np.ndarray]:
    """Each part of the fit (0 to 1) for the candidate services (indices), and the weighted total."""
    d, request = directory, family.request
    parts: dict[str, np.ndarray] = {}
    if request.concerns:
        matched = d.any_of("concern", request.concerns)[candidates]
        parts["concerns"] = np.where(matched, 1.0, np.where(d.no_concerns[candidates], 0.5, 0.3))
    else:
        parts["concerns"] = np.ones(len(candidates))
    need = needed_tier(step, request)
    rank = d.tier_rank[candidates].astype(np.float64)
    # Stepped care: the least intensive tier that meets the need scores best; lighter ones do not meet it.
    parts["tier"] = np.where(
        rank == 0, 0.5, np.where(rank < need, 0.4, np.clip(1.0 - 0.25 * (rank - need), 0.0, 1.0))
    )
    parts["delivery"] = family.delivery_fit[candidates].astype(np.float64)
    if family.distance is not None:
        km = family.distance[candidates]
        reach = max(request.max_travel_km, 1.0)
        near = np.where(np.isfinite(km), 1.0 - np.minimum(km, reach) / reach, 0.5)
        parts["distance"] = np.where(d.at_locations_only[candidates], near, np.maximum(near, 0.8))
    else:
        parts["distance"] = np.full(len(candidates), 0.5)
    wait = d.wait[candidates]
    if step.target_days:
        on_time = np.where(wait <= step.target_days, 1.0, step.target_days / np.maximum(wait, 1.0))
    else:
        on_time = 1.0 - np.minimum(wait, 180.0) / 180.0 * 0.5
    parts["wait"] = np.where(np.isnan(wait), 0.5, on_time)
    parts["language"] = family.language_score[candidates]
    parts["cost"] = d.cost_score[candidates]
    parts["culture"] = family.culture[candidates].astype(np.float64)
    total = sum(WEIGHTS[name] * value for name, value in parts.items())
    parts["total"] = np.round(np.asarray(total, dtype=np.float64), 3)
    return parts


def match_step(directory: Directory, family: Family, step: Step, limit: int = PER_STEP) -> list[Match]:
    """The best services for a step, best first, with reasons and cautions."""
    candidates = np.flatnonzero(family.eligible & _step_mask(directory, step))
    if not len(candidates):
        return []
    parts = scores(directory, family, step, candidates)
    # Highest score first; equal scores by name and id (the directory is sorted that way).
    order = np.lexsort((candidates, -parts["total"]))[:limit]
    out = []
    for k in order:
        i = int(candidates[k])
        facts = directory.services[i]
        distance = None
        if family.distance is not None and math.isfinite(family.distance[i]):
            distance = round(float(family.distance[i]), 1)
        reasons, cautions = explain(facts, family, step, distance)
        out.append(Match(facts, i, float(parts["total"][k]), distance, reasons, cautions, step.key))
    return out


def explain(
    facts: ServiceFacts, family: Family, step: Step, distance: float | None
) -> tuple[list[tuple[str, dict[str, Any]]], list[tuple[str, dict[str, Any]]]]:
    """Why a service was chosen and what to watch for, as (code, parameters) pairs."""
    request = family.request
    reasons: list[tuple[str, dict[str, Any]]] = []
    cautions: list[tuple[str, dict[str, Any]]] = []
    types = [t for t in step.service_types if t in facts.service_types] or sorted(facts.service_types)
    reasons.append(("crisis" if step.kind == "crisis" else "type", {"types": types}))
    concerns = [c for c in request.concerns if c in facts.concerns]
    if concerns:
        reasons.append(("concerns", {"concerns": concerns}))
    ranks = [TIER_RANK[t] for t in facts.tiers if t in TIER_RANK]
    if ranks and min(ranks) == needed_tier(step, request) and len(step.tiers) > 1:
        reasons.append(("least-intensive", {}))
    shared = [code for code in request.languages if equivalents(code) & facts.languages]
    if shared:
        reasons.append(("language", {"languages": shared[:2]}))
    else:
        cautions.append(("interpretation", {}))
    if request.delivery:
        preferred = [code for code in request.delivery if code in facts.delivery]
        if preferred:
            reasons.append(("delivery", {"delivery": preferred}))
        else:
            cautions.append(("delivery-other", {"delivery": sorted(facts.delivery)}))
    comes = sorted(facts.delivery & COMES_TO_YOU)
    if distance is not None:
        if distance <= min(25.0, request.max_travel_km / 2):
            reasons.append(("near", {"km": distance}))
        elif not comes:
            cautions.append(("far", {"km": distance}))
    elif request.location is None and facts.locations and (not facts.delivery or facts.delivery <= IN_PERSON):
        cautions.append(("check-place", {}))
    if request.location is not None and comes and (distance is None or distance > 25.0):
        reasons.append(("comes-to-you", {"delivery": comes}))
    if request.location is None and facts.areas:
        cautions.append(("check-area", {}))
    if facts.wait_days is not None:
        if step.target_days is not None and facts.wait_days > step.target_days:
            cautions.append(("wait-long", {"days": facts.wait_days, "target": step.target_days}))
        elif step.target_days is not None:
            reasons.append(("wait-ok", {"days": facts.wait_days, "target": step.target_days}))
    if "free" in facts.cost:
        reasons.append(("free", {}))
    elif "fee" in facts.cost and "sliding-scale" not in facts.cost:
        cautions.append(("fee", {}))
    if request.indigenous and facts.indigenous_led:
        reasons.append(("indigenous-led", {}))
    focus = sorted(code for code, _ in facts.populations if code in request.family_populations)
    if focus and not (request.indigenous and facts.indigenous_led and set(focus) <= INDIGENOUS_POPULATIONS):
        reasons.append(("population", {"populations": focus}))
    if "professional-referral" in facts.referral and "self-referral" not in facts.referral:
        cautions.append(("referral-needed", {}))
    elif "self-referral" in facts.referral:
        reasons.append(("self-referral", {}))
    return reasons, cautions


# --- The plan ----------------------------------------------------------------------------------------------


@dataclass
class Plan:
    request: Request
    pathway: Pathway
    steps: list[PlanStep]

    def recommendations(self) -> list[Match]:
        """Every recommended service once, at its best step: crisis services first when urgent, then by score."""
        best: dict[str, tuple[int, Match]] = {}
        for position, plan_step in enumerate(self.steps):
            for found in plan_step.services:
                if found.id not in best or found.score > best[found.id][1].score:
                    best[found.id] = (position, found)
        crisis_first = self.request.urgency == "crisis"
        return [
            item
            for _, item in sorted(
                best.values(),
                key=lambda pair: (
                    not (crisis_first and self.steps[pair[0]].step.kind == "crisis"),
                    -pair[1].score,
                    pair[1].index,
                ),
            )
        ]


def plan(pathway: Pathway, directory: Directory, request: Request, per_step: int = PER_STEP) -> Plan:
    family = eligible(directory, request)
    steps = locate(pathway, request)
    for plan_step in steps:
        plan_step.services = match_step(directory, family, plan_step.step, per_step)
    _add_wait_support(pathway, directory, family, steps, per_step)
    return Plan(request, pathway, steps)


def _add_wait_support(
    pathway: Pathway, directory: Directory, family: Family, steps: list[PlanStep], per_step: int
) -> None:
    """Support while waiting, when the services of a step typically wait longer than the step's target."""
    if any(p.step.kind == "wait-support" for p in steps):
        return
    long_wait = next(
        (
            p
            for p in steps
            if p.step.target_days is not None
            and p.services
            and all(
                m.facts.wait_days is not None and m.facts.wait_days > p.step.target_days for m in p.services
            )
        ),
        None,
    )
    if long_wait is None:
        return
    situation = family.request.situation()
    for step in pathway.steps:
        if step.kind == "wait-support" and _fits(step, situation):
            found = PlanStep(step, "next", "while-waiting", after=long_wait.step.key)
            found.services = match_step(directory, family, step, per_step)
            steps.append(found)
            return
