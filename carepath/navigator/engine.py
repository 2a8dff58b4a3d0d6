"""The navigator: a family's answers, a published pathway and a community's services in; a plan out.

Pure Python and numpy, no Django. Four parts:

1. ``Directory``: a community's active services as numpy columns, built once per directory version.
2. ``locate``: where the child is on the pathway from the answers: the universal first steps, the help the
   pathway's transitions give for the family's worries and screening results, what comes next.
3. ``match``: the hard rules of CONTRACTS.md section 3 as whole-column masks, then, for each step, the services
   that do what the step is for, ranked as a planner can explain, each service once, with reasons and cautions
   (as codes; ``present.py`` puts them into words).
4. The plan's frame: *start here* (at most three first actions), why a step has no service and what still
   works, and the safety net every plan carries.

Every score is rounded to three decimals before sorting and ties are broken by name and id, so the same
answers always give the same plan.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from carepath.directory import vocabulary
from carepath.directory.snapshot import ServiceColumns, ServiceFacts
from carepath.languages import equivalents
from carepath.pathways.graph import Pathway, Situation, Step, Transition, next_steps

from .columns import IN_PERSON, INDIGENOUS_POPULATIONS, TIER_RANK, Columns

EARTH_KM = 6371.0088
DEFAULT_TRAVEL_KM = 60.0
PER_STEP = 5  # services shown for each step of the plan
START_HERE = 3  # first actions at the top of a plan
MAX_HELP = 4  # steps of help for the worries "now"; more come under "next"
SCHOOL_AGE = 72  # months: early-years services end with school entry; school-age services take over
INDIGENOUS_IDENTITIES = ("first-nations", "inuit", "metis")
COMES_TO_YOU = frozenset({"home-visit", "virtual", "phone", "self-directed"})
# How much each part of the fit counts; the parts are each between 0 and 1, so the score is too.
WEIGHTS = {
    "concerns": 0.25,
    "tier": 0.10,
    "delivery": 0.10,
    "distance": 0.15,
    "wait": 0.10,
    "language": 0.10,
    "cost": 0.10,
    "culture": 0.10,
}
# Screening results that call for more than a watchful wait (the tools' own referral bands).
CALLS_FOR_ACTION = frozenset(
    {("asq-se-2", "above-cutoff"), ("asq-3", "below-cutoff"), ("m-chat-r", "high"), ("looksee", "concerns")}
)
# Results worth watching, and what each tool looks at: a result worth watching is a worry about that.
WATCH = CALLS_FOR_ACTION | {("asq-se-2", "monitor"), ("asq-3", "monitor"), ("m-chat-r", "medium")}
SCREEN_CONCERNS = {
    "asq-se-2": "social-emotional",
    "asq-3": "development",
    "m-chat-r": "autism-signs",
    "looksee": "development",
}
# Service types listed only under steps that call for them (the vocabulary marks them).
EXCLUSIVE_TYPES = frozenset(t.key for t in vocabulary.load().in_branch("service-type") if t.exclusive)
# Kinds of step: the ones every family uses, and the ones a worry or a result leads to.
UNIVERSAL_KINDS = frozenset({"touchpoint", "screen"})
KEEP_EMPTY = frozenset({"first-steps", "for-worry", "screen-result", "crisis", "school-age", "leaving-care"})


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
    def worries(self) -> frozenset[str]:
        """The concerns named, and what a screening result worth watching is about."""
        implied = {SCREEN_CONCERNS[tool] for tool, result in self.screening if (tool, result) in WATCH}
        return frozenset(self.concerns) | implied

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
        return TIER_RANK["prevention"] if self.worries else TIER_RANK["promotion"]

    def situation(self) -> Situation:
        completing = self.completing_care
        return Situation(
            age_months=self.age_months,
            concerns=self.worries,  # a result worth watching is a worry about what the tool looks at
            screening=dict(self.screening),
            urgency=self.urgency,
            in_care=self.in_care or completing,  # finishing care means being in care
            completing_care=completing,
        )


# --- The directory as columns ----------------------------------------------------------------------------


class Directory(Columns):
    """A community's active services as numpy columns (``columns.Columns``), asked about by many families."""

    def __init__(self, services: Iterable[ServiceFacts] | ServiceColumns) -> None:
        if not isinstance(services, ServiceColumns):
            services = ServiceColumns.of(s for s in services if s.active)
        super().__init__(services)

    def distances(self, lat: float, lon: float) -> np.ndarray:
        """Kilometres from the point to each service's nearest location (infinity where it has none): the nearest
        has the greatest dot product with the point; the distance comes from their chord (exact to the metre)."""
        out = np.full(self.size, math.inf)
        if self.loc_starts is None:
            return out
        p, q = math.radians(lat), math.radians(lon)
        point = np.array([math.cos(p) * math.cos(q), math.cos(p) * math.sin(q), math.sin(p)])
        nearest = np.maximum.reduceat(point @ self.loc_xyz, self.loc_starts)
        chord = np.sqrt(np.maximum(2.0 - 2.0 * nearest, 0.0))
        out[self.loc_services] = 2 * EARTH_KM * np.arcsin(np.minimum(chord / 2, 1.0))
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
    # first-steps, for-worry, screen-result, screening, crisis, after-step, in-care, leaving-care,
    # while-waiting, school-age
    why: str
    via: Transition | None = None
    after: str | None = None  # the step this one follows
    services: list[Match] = field(default_factory=list)
    also: list[Match] = field(default_factory=list)  # services listed at an earlier step that fit here too
    empty: str | None = None  # why no service is listed, when none is: see ``Directory.why_empty``
    worries: tuple[str, ...] = ()  # the family's worries that led here


def _fits(step: Step, situation: Situation) -> bool:
    return step.age.contains(situation.age_months) and (not step.crisis_only or situation.urgency == "crisis")


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


class _Steps:
    """The plan's steps in order, each once."""

    def __init__(self) -> None:
        self.items: list[PlanStep] = []
        self.keys: set[str] = set()

    def add(
        self,
        step: Step,
        when: str,
        why: str,
        via: Transition | None = None,
        after: Step | None = None,
        worries: Iterable[str] = (),
    ) -> None:
        if step.key not in self.keys:
            self.keys.add(step.key)
            self.items.append(
                PlanStep(step, when, why, via, after.key if after else None, worries=tuple(worries))
            )

    def now(self) -> list[Step]:
        return [p.step for p in self.items if p.when == "now"]


def locate(pathway: Pathway, request: Request) -> list[PlanStep]:
    """The steps of the plan, "now" first, from the kinds and stages of the pathway's steps and the transitions
    that apply to the answers (one function per situation below)."""
    situation = request.situation()
    fitting = [s for s in pathway.steps if _fits(s, situation)]
    steps = _Steps()
    if any(s.kind == "crisis" for s in fitting):  # crisis steps only fit when the urgency is crisis
        _crisis(pathway, fitting, situation, steps)
    elif situation.completing_care:
        _leaving_care(pathway, fitting, situation, steps)
    elif situation.in_care:
        _in_care(pathway, fitting, request, steps)
    else:
        _to_care(pathway, fitting, request, steps)
    if not steps.items:  # a pathway without the kinds above: its entry steps
        for step in fitting:
            if step.entry:
                steps.add(step, "now", "first-steps")
    return steps.items


def _crisis(pathway: Pathway, fitting: list[Step], situation: Situation, steps: _Steps) -> None:
    """Help now, then where the crisis team hands over."""
    crisis = [s for s in fitting if s.kind == "crisis"]
    for step in crisis:
        steps.add(step, "now", "crisis")
    for source, target, transition in _targets(pathway, crisis, situation):
        if target.kind != "crisis":
            steps.add(target, "next", "after-step", transition, source)


def _leaving_care(pathway: Pathway, fitting: list[Step], situation: Situation, steps: _Steps) -> None:
    """The out-of-care steps the care steps lead to (stepping down, school); any out-of-care step otherwise."""
    for _source, target, transition in _targets(pathway, _care_steps(fitting), situation):
        if target.stage == "out-of-care":
            steps.add(target, "now", "leaving-care", transition)
    if not steps.items:
        for step in fitting:
            if step.stage == "out-of-care":
                steps.add(step, "now", "leaving-care")


def _in_care(pathway: Pathway, fitting: list[Step], request: Request, steps: _Steps) -> None:
    """In care already: the hand-over where a transition says so (near 6); the help the worries lead to
    besides (a parents' group while a child is in therapy); what keeps care together; then support while
    waiting and the way out."""
    situation = request.situation()
    care = _care_steps(fitting)
    for _source, target, transition in _targets(pathway, care, situation):
        if target.stage == "out-of-care" and not transition.otherwise:
            steps.add(target, "now", "in-care", transition)
    starts = [s for s in fitting if s.entry and s.kind == "touchpoint"]
    _help_for_worries(pathway, starts, request, steps)
    for step in care:
        if step.kind == "coordinate":
            steps.add(step, "now", "in-care")
    for step in fitting:  # waits between services are the rule (4 to 6 months): what helps meanwhile
        if step.kind == "wait-support":
            steps.add(step, "next", "while-waiting")
    leaving = Situation(**{**situation.__dict__, "completing_care": True})
    for _source, target, transition in _targets(pathway, care, leaving):
        if target.stage == "out-of-care":
            steps.add(target, "next", "leaving-care", transition)


def _care_steps(fitting: list[Step]) -> list[Step]:
    return [s for s in fitting if s.stage == "through-care" and s.kind != "crisis"]


def _to_care(pathway: Pathway, fitting: list[Step], request: Request, steps: _Steps) -> None:
    """The universal first steps, the help the transitions out of them give for the worries and screening
    results, then screening (when not done yet) and support while waiting."""
    situation = request.situation()
    starts = [s for s in fitting if s.entry and s.kind == "touchpoint"] or [
        s for s in fitting if s.entry and s.kind != "crisis"
    ]
    for step in starts:
        steps.add(step, "now", "first-steps")
    reached = _targets(pathway, starts, situation)
    for (
        source,
        target,
        transition,
    ) in reached:  # a universal step some answers lead to (every newborn's visit)
        if target.kind == "touchpoint" and not transition.otherwise:
            steps.add(target, "now", "first-steps", transition, source)
    screens = [s for s in fitting if s.kind == "screen"]
    _help_for_worries(pathway, steps.now() + (screens if situation.screening else []), request, steps)
    if not situation.screening:
        for source, target, transition in reached:
            if target.kind == "screen":
                steps.add(target, "next", "screening", transition, source)
    for source, target, transition in _targets(
        pathway, [p.step for p in steps.items if p.why != "first-steps"], situation
    ):
        if target.kind == "wait-support" and not transition.otherwise:
            steps.add(target, "next", "while-waiting", transition, source)


def _help_for_worries(pathway: Pathway, sources: list[Step], request: Request, steps: _Steps) -> None:
    """The steps the transitions out of ``sources`` lead to for this family's answers (their worries, a
    screening result, the urgency, the child's age), the least intensive first; a transition with no criteria
    or an "otherwise" one is the way for everyone else, not help for these answers."""
    situation = request.situation()
    found: dict[str, tuple[Step, Step, Transition]] = {}
    for source, target, transition in _targets(pathway, sources, situation):
        if transition.otherwise or transition.criteria.empty or target.kind in UNIVERSAL_KINDS:
            continue
        known = found.get(target.key)
        if known is None or (transition.criteria.screening_tool and not known[2].criteria.screening_tool):
            found[target.key] = (source, target, transition)  # a screening result says most
    named = _named(request)
    ordered = sorted(
        found.values(),
        key=lambda item: (
            not item[2].criteria.screening_tool,
            _first_worry(item[1], named),
            _breadth(item[1]),
            _lightest(item[1]),
        ),
    )
    helps = 0
    for source, target, transition in ordered:
        why = _why_help(target, transition, request)
        when = "next" if why == "coming-up" or helps >= MAX_HELP else "now"
        helps += when == "now"
        steps.add(target, when, why, transition, source, _worries_named(transition, request))


def _lightest(step: Step) -> int:
    """Stepped care: the least intensive help first."""
    return min((TIER_RANK.get(t, 9) for t in step.tiers), default=9)


def _why_help(target: Step, transition: Transition, request: Request) -> str:
    criteria = transition.criteria
    if criteria.screening_tool:
        return "screen-result"
    if criteria.concerns_any or criteria.concerns_all:
        return "for-worry"
    if target.stage == "out-of-care":  # reached by age: school is near, or here
        return "school-age" if request.age_months >= SCHOOL_AGE else "coming-up"
    return "for-worry"


def _worries_named(transition: Transition, request: Request) -> tuple[str, ...]:
    named = set(transition.criteria.concerns_any) | set(transition.criteria.concerns_all)
    return tuple(c for c in _named(request) if c in named)


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
    culture: bool = False  # made for the family's own culture or community

    @property
    def id(self) -> str:
        return self.facts.id


@dataclass
class Family:
    """What a request makes of the directory: each hard rule as a mask, and the columns ranking needs."""

    request: Request
    rules: dict[str, np.ndarray]  # rule name -> services that pass it (CONTRACTS.md section 3, rules 2 to 7)
    eligible: np.ndarray  # all of them
    distance: np.ndarray | None
    # The services offered in each of the family's languages, most preferred first.
    spoken: tuple[np.ndarray, ...]
    delivery_fit: np.ndarray
    culture: np.ndarray


def eligible(directory: Directory, request: Request) -> Family:
    """The services that satisfy hard rules 1 to 7 of CONTRACTS.md section 3 for this family."""
    d = directory
    age = request.age_months
    rules = {"age": (d.min_months <= age) & (d.max_months >= age)}  # rule 2 (rule 1: only active ones held)
    spoken = tuple(d.any_of("language", equivalents(code)) for code in request.languages)  # preferred first
    rules["language"] = d.interpretation.copy()  # rule 3
    for found in spoken:
        rules["language"] |= found
    populations = request.family_populations
    rules["population"] = ~d.any_of("only", [c for c in d.only_for if c not in populations])  # rule 4
    distance = None
    if request.location is not None:
        lat, lon = request.location
        rules["area"] = ~d.has_area | d.in_areas(lat, lon)  # rule 5
        distance = d.distances(lat, lon)
        rules["distance"] = ~d.at_locations_only | (distance <= request.max_travel_km)  # rule 6
    if request.cost:
        rules["cost"] = d.any_of("cost", request.cost)  # rule 7
    ok = np.ones(d.size, dtype=bool)
    for mask in rules.values():
        ok &= mask
    delivery_fit = d.any_of("delivery", request.delivery) if request.delivery else np.ones(d.size, dtype=bool)
    culture = np.zeros(d.size, dtype=bool)
    if request.indigenous:
        culture |= d.indigenous_led
    for code in populations:
        culture |= d.any_of("focus", [code]) | d.any_of("only", [code])
    return Family(request, rules, ok, distance, spoken, delivery_fit, culture)


def step_services(
    directory: Directory,
    step: Step,
    worries: frozenset[str] = frozenset(),
    populations: frozenset[str] = frozenset(),
) -> np.ndarray:
    """The services that do what a step is for, whoever asks: one of its types, within its tiers, no type it
    does not call for that is only listed where called for (unless it is made for one of the family's
    ``populations``: a kin caregivers' program of the children's aid society), and, where the step names the concerns it is for,
    about the family's worries among them (about any of them, when the family named none; services that name
    no concern at all are not ruled out by it)."""
    d = directory
    fits = np.ones(d.size, dtype=bool)
    if step.service_types:
        fits &= d.any_of("type", step.service_types)
    if step.tiers:  # a service that does not say its tier is not ruled out by it
        fits &= d.any_of("tier", step.tiers) | d.untiered
    others = d.any_of("type", EXCLUSIVE_TYPES - set(step.service_types))
    fits &= ~others | d.any_of("only", populations) | d.any_of("focus", populations)
    if step.concerns:
        relevant = (worries & set(step.concerns)) or set(step.concerns)
        fits &= d.any_of("concern", relevant) | d.no_concerns
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
    worries = request.worries
    if worries:
        # The share of the family's worries a service helps with: one that helps with all of them first.
        helped = [d.masks[key][candidates] for key in (("concern", c) for c in worries) if key in d.masks]
        matched = np.sum(helped, axis=0, initial=0.0) / len(worries)
        parts["concerns"] = np.where(
            matched > 0, 0.6 + 0.4 * matched, np.where(d.no_concerns[candidates], 0.5, 0.3)
        )
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
    # In the family's most preferred language: best; in another of theirs: less; through an interpreter: least.
    language = np.full(len(candidates), 0.3)
    for position in reversed(range(len(family.spoken))):
        language = np.where(family.spoken[position][candidates], 1.0 - 0.2 * min(position, 3), language)
    parts["language"] = language
    parts["cost"] = d.cost_score[candidates]
    # Made for the family's own culture or community: best; for everyone: neutral; for another group: least.
    parts["culture"] = np.where(family.culture[candidates], 1.0, np.where(d.focused[candidates], 0.0, 0.5))
    total = sum(WEIGHTS[name] * value for name, value in parts.items())
    parts["total"] = np.round(np.asarray(total, dtype=np.float64), 3)
    return parts


class Ranked(Sequence[tuple[int, float]]):
    """Services (directory indices) with their scores, best first; read lazily: plans look at the first few."""

    def __init__(self, indices: np.ndarray, totals: np.ndarray) -> None:
        self.indices, self.totals = indices, totals

    def __len__(self) -> int:
        return len(self.indices)

    def __getitem__(self, item: Any) -> Any:
        if isinstance(item, slice):
            return [(int(i), float(t)) for i, t in zip(self.indices[item], self.totals[item], strict=True)]
        return int(self.indices[item]), float(self.totals[item])


def ranked(directory: Directory, family: Family, step: Step, mask: np.ndarray) -> Ranked:
    """(directory index, score) of the services in ``mask``, best first; equal scores by name and id."""
    candidates = np.flatnonzero(mask)
    if not len(candidates):
        return Ranked(candidates, np.zeros(0))
    parts = scores(directory, family, step, candidates)
    # The least intrusive help first: a service of a type listed only where called for (child welfare, say)
    # comes after the others the step lists.
    intrusive = directory.any_of("type", EXCLUSIVE_TYPES - set(step.service_types) | _called_exclusive(step))
    order = np.lexsort((candidates, -parts["total"], intrusive[candidates]))
    return Ranked(candidates[order], parts["total"][order])


def _called_exclusive(step: Step) -> set[str]:
    """The exclusive types a step calls for besides others (child welfare beside navigation): listed last.
    A step that calls only for exclusive types (crisis, school) ranks its services by fit alone."""
    called = set(step.service_types) & EXCLUSIVE_TYPES
    return called if set(step.service_types) - EXCLUSIVE_TYPES else set()


def match_step(directory: Directory, family: Family, step: Step, limit: int = PER_STEP) -> list[Match]:
    """The best services for a step, best first, with reasons and cautions."""
    return listing(directory, family, step, limit)[0]


def listing(
    directory: Directory,
    family: Family,
    step: Step,
    limit: int = PER_STEP,
    shown: set[int] | None = None,
) -> tuple[list[Match], list[Match]]:
    """The best services for a step, best first, with reasons and cautions; services already ``shown`` at an
    earlier step are not listed again but returned apart, when they would have been among the best here."""
    shown = shown if shown is not None else set()
    mask = family.eligible & step_services(
        directory, step, family.request.worries, family.request.family_populations
    )
    if family.request.need == TIER_RANK["promotion"]:  # no worry: everyday services, not help for needs
        mask &= (directory.tier_rank <= TIER_RANK["prevention"]) | directory.untiered
    new: list[Match] = []
    also: list[Match] = []
    for position, (i, score) in enumerate(ranked(directory, family, step, mask)):
        if len(new) >= limit:
            break
        found = _match(directory, family, step, i, score)
        if i in shown:
            if position < limit:
                also.append(found)
        else:
            new.append(found)
    return new, also


def _match(directory: Directory, family: Family, step: Step, i: int, score: float) -> Match:
    facts = directory.services[i]
    distance = None
    if family.distance is not None and math.isfinite(family.distance[i]):
        distance = round(float(family.distance[i]), 1)
    reasons, cautions = explain(facts, family, step, distance)
    return Match(facts, i, score, distance, reasons, cautions, step.key, bool(family.culture[i]))


# --- Why each service: one function per kind of reason -----------------------------------------------------

Said = list[tuple[str, dict[str, Any]]]


@dataclass(frozen=True)
class Why:
    """What the reason functions read."""

    facts: ServiceFacts
    request: Request
    step: Step
    distance: float | None


def _what_it_does(w: Why) -> tuple[Said, Said]:
    if w.step.kind == "crisis":
        return [("crisis", {})], []
    worries = [c for c in sorted(w.request.worries) if c in w.facts.concerns]
    if worries:
        return [("concerns", {"concerns": worries})], []
    types = [t for t in w.step.service_types if t in w.facts.service_types] or sorted(w.facts.service_types)
    return [("type", {"types": types[:2]})], []


def _how_intensive(w: Why) -> tuple[Said, Said]:
    if w.request.urgency == "crisis":  # no "light start" in a crisis
        return [], []
    ranks = [TIER_RANK[t] for t in w.facts.tiers if t in TIER_RANK]
    if ranks and min(ranks) == needed_tier(w.step, w.request) and len(w.step.tiers) > 1:
        return [("least-intensive", {})], []
    return [], []


def _language(w: Why) -> tuple[Said, Said]:
    shared = [code for code in w.request.languages if equivalents(code) & w.facts.languages]
    if shared:
        return [("language", {"languages": shared[:2]})], []
    return [], [("interpretation", {})]


def _format(w: Why) -> tuple[Said, Said]:
    if not w.request.delivery:
        return [], []
    preferred = [code for code in w.request.delivery if code in w.facts.delivery]
    if preferred:
        return [("delivery", {"delivery": preferred})], []
    return [], [("delivery-other", {"delivery": sorted(w.facts.delivery)})]


def _distance(w: Why) -> tuple[Said, Said]:
    facts, request, distance = w.facts, w.request, w.distance
    reasons: Said = []
    cautions: Said = []
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
    return reasons, cautions


def _wait(w: Why) -> tuple[Said, Said]:
    days, target = w.facts.wait_days, w.step.target_days
    if days is None:
        return [], []
    if target is not None and days > target:
        return [], [("wait-long", {"days": days})]
    if w.step.kind == "crisis":
        return [], []
    return [("wait-ok", {"days": days})], []


def _cost(w: Why) -> tuple[Said, Said]:
    cost = w.facts.cost
    if "free" in cost:
        return [("free", {})], []
    if "sliding-scale" in cost:
        return [("sliding-scale", {})], []
    if "fee" in cost:
        return [], [("fee", {})]
    return [], []


def _for_whom(w: Why) -> tuple[Said, Said]:
    facts, request = w.facts, w.request
    reasons: Said = []
    if request.indigenous and facts.indigenous_led:
        reasons.append(("indigenous-led", {}))
    focus = sorted(code for code, _ in facts.populations if code in request.family_populations)
    if focus and not (request.indigenous and facts.indigenous_led and set(focus) <= INDIGENOUS_POPULATIONS):
        reasons.append(("population", {"populations": focus}))
    return reasons, []


def _how_to_start(w: Why) -> tuple[Said, Said]:
    referral = w.facts.referral
    if "professional-referral" in referral and "self-referral" not in referral:
        return [], [("referral-needed", {})]
    if "self-referral" in referral:
        return [("self-referral", {})], []
    return [], []


REASONS = (
    _what_it_does,
    _how_intensive,
    _language,
    _format,
    _distance,
    _wait,
    _cost,
    _for_whom,
    _how_to_start,
)


def explain(facts: ServiceFacts, family: Family, step: Step, distance: float | None) -> tuple[Said, Said]:
    """Why a service was chosen and what to watch for, as (code, parameters) pairs."""
    reasons: Said = []
    cautions: Said = []
    why = Why(facts, family.request, step, distance)
    for kind in REASONS:
        said, watch = kind(why)
        reasons += said
        cautions += watch
    return reasons, cautions


# --- The plan ----------------------------------------------------------------------------------------------


@dataclass
class Action:
    """One of the first things to do: ``call`` a service, ``ask`` a doctor for a referral to it, ``visit`` it."""

    kind: str
    match: Match
    step: str


@dataclass
class Plan:
    request: Request
    pathway: Pathway
    steps: list[PlanStep]
    start_here: list[Action] = field(default_factory=list)
    notices: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    fallbacks: list[Match] = field(default_factory=list)
    safety: list[Match] = field(default_factory=list)
    for_you: list[Match] = field(default_factory=list)  # made for the family's culture or community
    harm: bool = False  # a parent's own wellbeing is a worry: say what to do now if they think of harm
    unsafe_home: bool = False  # trauma or family stress: say what to do if someone at home hurts them

    def recommendations(self) -> list[Match]:
        """Every recommended service once, at its step: crisis services first when urgent, then by score."""
        best: list[tuple[int, Match]] = [
            (position, found) for position, item in enumerate(self.steps) for found in item.services
        ]
        crisis_first = self.request.urgency == "crisis"
        return [
            item
            for _, item in sorted(
                best,
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
    shown: set[int] = set()
    _match_steps(directory, family, steps, per_step, shown)
    for_you = made_for(directory, family, shown)
    shown.update(m.index for m in for_you)
    _add_wait_support(pathway, directory, family, steps, per_step, shown)
    # A step on the way (what keeps care together, what comes after) with nothing for this family is left
    # out; the universal steps and the help for the family's own worries stay, saying why they are empty.
    steps = [p for p in steps if p.services or p.also or p.why in KEEP_EMPTY]
    result = Plan(request, pathway, steps, for_you=for_you)
    result.notices = notices(directory, family, steps)
    result.start_here = start_here(result)
    result.safety = safety(directory, family)
    result.fallbacks = fallbacks(directory, family, shown | {m.index for m in result.safety})
    result.harm = "caregiver-wellbeing" in request.concerns
    result.unsafe_home = bool({"trauma", "family-stress"} & set(request.concerns))
    return result


def _match_steps(
    directory: Directory, family: Family, steps: list[PlanStep], per_step: int, shown: set[int]
) -> None:
    for plan_step in steps:
        plan_step.services, plan_step.also = listing(directory, family, plan_step.step, per_step, shown)
        shown.update(m.index for m in plan_step.services)
        if not plan_step.services and not plan_step.also:
            plan_step.empty = why_empty(directory, family, plan_step.step)


def _add_wait_support(
    pathway: Pathway,
    directory: Directory,
    family: Family,
    steps: list[PlanStep],
    per_step: int,
    shown: set[int],
) -> None:
    """Support while waiting, when the best service for a step typically waits longer than the step's target."""
    if any(p.step.kind == "wait-support" for p in steps):
        return
    long_wait = next(
        (
            p
            for p in steps
            if p.step.target_days is not None
            and p.services
            and p.services[0].facts.wait_days is not None
            and p.services[0].facts.wait_days > p.step.target_days
        ),
        None,
    )
    if long_wait is None:
        return
    situation = family.request.situation()
    for step in pathway.steps:
        if step.kind == "wait-support" and _fits(step, situation):
            found = PlanStep(step, "next", "while-waiting", after=long_wait.step.key)
            _match_steps(directory, family, [found], per_step, shown)
            steps.append(found)
            return


def why_empty(directory: Directory, family: Family, step: Step) -> str:
    """Why a step lists no service for this family: the first hard rule that leaves none (``none-here`` when
    the community lists no service that does what the step is for at all)."""
    left = step_services(directory, step, family.request.worries, family.request.family_populations)
    if not left.any():
        return "none-here"
    for rule in ("age", "population", "area", "distance", "language", "cost"):
        if rule in family.rules:
            left = left & family.rules[rule]
            if not left.any():
                return rule
    return "none-here"


def start_here(result: Plan) -> list[Action]:
    """At most three first actions, in the order to take them. In a crisis, the crisis services. Otherwise
    the help for the worries (the step for a screening result first, then the one for the first worry named,
    the step made for that worry before a broad one, the least intensive first): a service the family can
    contact themselves (else a doctor's referral to it); and the universal first step (one made for the
    family's culture or community first), third at the latest."""
    crisis = [m for p in result.steps if p.why == "crisis" for m in p.services]
    if crisis:
        # Lines a family can call or that come to them first; a place to go to (an emergency department) says so.
        crisis.sort(key=lambda m: not (m.facts.delivery & COMES_TO_YOU))
        first = [Action("call" if m.facts.delivery & COMES_TO_YOU else "go", m, m.step) for m in crisis[:2]]
        after = [_first_action(p) for p in result.steps if p.why != "crisis" and p.services]
        return _unique(first + after)
    named = _named(result.request)
    soon = result.request.urgency == "soon"
    helps = sorted(
        (
            p
            for p in result.steps
            if p.when == "now" and p.why not in ("first-steps", "crisis") and p.services
        ),
        key=lambda p: (
            p.why != "screen-result",
            _soonest(p) if soon else 0,  # it cannot wait: the quickest help first
            _first_worry(p.step, named),
            _breadth(p.step),
            _lightest(p.step),
        ),
    )
    calls = [_first_action(p) for p in helps]
    calls[1:1] = [Action("call", m, "") for m in result.for_you[:1]]
    visits = sorted(
        (
            Action("visit", p.services[0], p.step.key)
            for p in result.steps
            if p.why == "first-steps" and p.services
        ),
        key=lambda a: not a.match.culture,
    )
    actions = _unique(calls[:2] + visits[:1] + calls[2:] + visits[1:]) if calls else _unique(visits)
    if any(code == "outside-area" for code, _ in result.notices):  # far away: only what reaches them
        actions = [a for a in actions if a.match.facts.delivery & COMES_TO_YOU]
    return actions


def _named(request: Request) -> list[str]:
    """The worries in the order the family named them, then what screening results are about."""
    return list(request.concerns) + sorted(request.worries - set(request.concerns))


def _first_worry(step: Step, named: list[str]) -> int:
    """The position of the first worry the family named that a step is for (the first named matters most)."""
    serves = set(step.concerns)
    return next((i for i, c in enumerate(named) if c in serves), len(named))


def _breadth(step: Step) -> int:
    """How many worries a step is for: the step made for the worry before a broad one."""
    return len(step.concerns) or 99


def _soonest(plan_step: PlanStep) -> float:
    waits = [m.facts.wait_days for m in plan_step.services if m.facts.wait_days is not None]
    return min(waits, default=math.inf)


def _first_action(plan_step: PlanStep) -> Action:
    """Call the best service the family can contact themselves, one without a fee first (public programs
    before private ones) and one not made for another group of families first; else ask a doctor for a
    referral to the best one."""
    yourself = [
        m
        for m in plan_step.services
        if "self-referral" in m.facts.referral or "professional-referral" not in m.facts.referral
    ]
    affordable = [m for m in yourself if not (m.facts.cost and m.facts.cost <= {"fee"})] or yourself
    theirs = [m for m in affordable if m.culture or not m.facts.populations] or affordable
    if theirs:
        return Action("call", theirs[0], plan_step.step.key)
    return Action("ask", plan_step.services[0], plan_step.step.key)


def _unique(actions: list[Action]) -> list[Action]:
    out: list[Action] = []
    for action in actions:
        if all(a.match.id != action.match.id for a in out):
            out.append(action)
    return out[:START_HERE]


def made_for(directory: Directory, family: Family, shown: set[int], limit: int = 3) -> list[Match]:
    """Services made for the family's own culture or community (``only`` or ``focus`` on one of their
    populations) that the plan's steps did not list: for their worries (or naming none), or for every family
    when they named no worry; crisis services are in the safety net."""
    d, request = directory, family.request
    populations = request.family_populations
    if not populations:
        return []
    mask = family.eligible & (d.any_of("only", populations) | d.any_of("focus", populations))
    mask &= ~d.any_of("type", EXCLUSIVE_TYPES) | d.any_of("only", populations)
    mask &= ~d.any_of("type", ["crisis-support"])
    # A program only for the family's group is theirs whatever the worry; one open to all, for their worries.
    made_only = d.any_of("only", populations)
    if request.worries:
        mask &= d.any_of("concern", request.worries) | d.no_concerns | made_only
    else:
        mask &= (d.tier_rank <= TIER_RANK["prevention"]) | d.untiered
    everyday = Step("for-you", "to-care", "touchpoint", {})
    out = []
    for i, score in ranked(d, family, everyday, mask):
        if i not in shown:
            out.append(_match(d, family, everyday, i, score))
        if len(out) == limit:
            break
    return out


def notices(directory: Directory, family: Family, steps: list[PlanStep]) -> list[tuple[str, dict[str, Any]]]:
    """What the family should know about the plan as a whole: outside the community's area, school age, no
    service in their language, help that is missing for them."""
    request = family.request
    out: list[tuple[str, dict[str, Any]]] = []
    if (
        request.location is not None
        and directory.has_area.any()
        and not (family.rules["area"] & directory.has_area).any()
    ):
        out.append(("outside-area", {}))
    if request.age_months >= SCHOOL_AGE:
        out.append(("school-age", {}))
    if request.in_care and not request.completing_care:
        out.append(("in-care", {}))
    spoken = np.zeros(directory.size, dtype=bool)
    for code in request.languages:
        spoken |= directory.any_of("language", equivalents(code))
    if not (spoken & family.rules["age"]).any():
        out.append(("no-service-in-language", {"languages": list(request.languages[:2])}))
    return out


def safety(directory: Directory, family: Family) -> list[Match]:
    """The community's crisis lines for this family (by phone first), for every plan."""
    lines = family.eligible & directory.any_of("type", ["crisis-support"])
    crisis = Step("safety", "through-care", "crisis", {}, tiers=["crisis"])
    by_phone = directory.any_of("delivery", ["phone"])
    best = [
        (i, score)
        for mask in (lines & by_phone, lines & ~by_phone)
        for i, score in ranked(directory, family, crisis, mask)[:2]
    ]
    return [_match(directory, family, crisis, i, score) for i, score in best[:2]]


def fallbacks(directory: Directory, family: Family, shown: set[int]) -> list[Match]:
    """Services that still help whatever the plan lacks: intake and navigation lines the family can reach by
    phone or video, for this child's age, not already in the plan."""
    d = directory
    mask = (
        family.eligible
        & d.phone_or_video
        & d.any_of("type", ["navigation"])
        & ~d.any_of("type", EXCLUSIVE_TYPES)
    )
    line = Step("fallback", "to-care", "refer", {}, service_types=["navigation"])
    out = []
    for i, score in ranked(d, family, line, mask):
        if i not in shown:
            out.append(_match(d, family, line, i, score))
        if len(out) == 2:
            break
    return out
