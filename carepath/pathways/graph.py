"""Care pathways as plain data: steps in three stages joined by transitions with structured criteria.

This module imports no Django. It reads and writes the pathway JSON (``schema/pathway.schema.json``),
evaluates criteria for a situation, and compiles criteria to FHIRPath. ``checks.py`` validates a pathway;
``diff.py`` says what changed between two versions.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from carepath import links as weblinks

FORMAT = "carepath-pathway/1"
STAGES = ("to-care", "through-care", "out-of-care")
KINDS = (
    "touchpoint",
    "screen",
    "assess",
    "refer",
    "intervene",
    "wait-support",
    "consult",
    "coordinate",
    "transition",
    "monitor",
    "crisis",
)
URGENCIES = ("routine", "soon", "crisis")
MAX_MONTHS = 83
# Screening tools: result bands and the ages (months) they are made for (reference/early-years-ontario.md).
SCREENING_TOOLS: dict[str, tuple[tuple[str, ...], tuple[int, int]]] = {
    "asq-se-2": (("above-cutoff", "monitor", "ok"), (1, 72)),
    "asq-3": (("below-cutoff", "monitor", "on-track"), (1, 66)),
    "m-chat-r": (("low", "medium", "high"), (16, 30)),
    "looksee": (("concerns", "no-concerns"), (1, 72)),
}
# Branches of the carepath vocabulary that step fields draw their codes from.
STEP_BRANCHES = {"service_types": "service-type", "tiers": "tier", "concerns": "concern", "sectors": "sector"}

Text = dict[str, str]


def in_language(text: Mapping[str, str], language: str, fallback: str = "") -> str:
    """A bilingual text in ``language``, else in English, else in French, else ``fallback``."""
    return text.get(language) or text.get("en") or text.get("fr") or fallback


@dataclass(frozen=True)
class AgeRange:
    min: int = 0
    max: int = MAX_MONTHS

    def contains(self, months: int) -> bool:
        return self.min <= months <= self.max

    def intersect(self, other: AgeRange) -> AgeRange | None:
        low, high = max(self.min, other.min), min(self.max, other.max)
        return AgeRange(low, high) if low <= high else None

    def to_dict(self) -> dict[str, int]:
        return {"min": self.min, "max": self.max}


@dataclass(frozen=True)
class Criteria:
    """When a transition applies. Every field left empty means "any"."""

    age: AgeRange | None = None
    concerns_any: tuple[str, ...] = ()
    concerns_all: tuple[str, ...] = ()
    screening_tool: str | None = None
    screening_results: tuple[str, ...] = ()
    urgency: tuple[str, ...] = ()
    in_care: bool | None = None
    completing_care: bool | None = None

    @property
    def empty(self) -> bool:
        return self == Criteria()

    def holds(self, situation: Situation) -> bool:
        if self.age is not None and not self.age.contains(situation.age_months):
            return False
        if self.concerns_any and not set(self.concerns_any) & situation.concerns:
            return False
        if self.concerns_all and not set(self.concerns_all) <= situation.concerns:
            return False
        if (
            self.screening_tool is not None
            and situation.screening.get(self.screening_tool) not in self.screening_results
        ):
            return False
        if self.urgency and situation.urgency not in self.urgency:
            return False
        if self.in_care is not None and situation.in_care != self.in_care:
            return False
        return self.completing_care is None or situation.completing_care == self.completing_care

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.age is not None:
            out["age_months"] = self.age.to_dict()
        if self.concerns_any:
            out["concerns_any"] = list(self.concerns_any)
        if self.concerns_all:
            out["concerns_all"] = list(self.concerns_all)
        if self.screening_tool is not None:
            out["screening"] = {"tool": self.screening_tool, "results": list(self.screening_results)}
        if self.urgency:
            out["urgency"] = list(self.urgency)
        if self.in_care is not None:
            out["in_care"] = self.in_care
        if self.completing_care is not None:
            out["completing_care"] = self.completing_care
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Criteria:
        age = data.get("age_months")
        screening = data.get("screening") or {}
        return cls(
            age=AgeRange(age.get("min", 0), age.get("max", MAX_MONTHS)) if age is not None else None,
            concerns_any=tuple(data.get("concerns_any", ())),
            concerns_all=tuple(data.get("concerns_all", ())),
            screening_tool=screening.get("tool"),
            screening_results=tuple(screening.get("results", ())),
            urgency=tuple(data.get("urgency", ())),
            in_care=data.get("in_care"),
            completing_care=data.get("completing_care"),
        )


@dataclass(frozen=True)
class Situation:
    """Where a child and family are: what the criteria are read against."""

    age_months: int
    concerns: frozenset[str] = frozenset()
    screening: Mapping[str, str] = field(default_factory=dict)
    urgency: str = "routine"
    in_care: bool = False
    completing_care: bool = False


@dataclass
class Transition:
    to: str
    criteria: Criteria = field(default_factory=Criteria)
    otherwise: bool = False
    label: Text = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"to": self.to}
        if self.otherwise:
            out["otherwise"] = True
        if self.label:
            out["label"] = dict(self.label)
        if not self.criteria.empty:
            out["criteria"] = self.criteria.to_dict()
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Transition:
        return cls(
            to=data["to"],
            criteria=Criteria.from_dict(data.get("criteria") or {}),
            otherwise=bool(data.get("otherwise", False)),
            label=dict(data.get("label") or {}),
        )


@dataclass
class Link:
    url: str
    title: Text
    kind: str = "resource"


def unsafe_links(document: Any) -> list[tuple[str, str]]:
    """Every step link of a pathway document that is not an http(s) address, as (JSON path, message); the
    document may be malformed in any other way (the schema says how)."""
    found: list[tuple[str, str]] = []
    steps = document.get("steps") if isinstance(document, Mapping) else None
    for index, step in enumerate(steps if isinstance(steps, list) else []):
        items = step.get("links") if isinstance(step, Mapping) else None
        for position, item in enumerate(items if isinstance(items, list) else []):
            url = item.get("url") if isinstance(item, Mapping) else None
            if isinstance(url, str) and not weblinks.is_safe(url):
                found.append(
                    (
                        f"steps/{index}/links/{position}/url",
                        f"{url[:80]!r} is not a web address: a link must start with http:// or https://",
                    )
                )
    return found


class UnsafeLinkError(ValueError):
    """A pathway document with links that are not web addresses; ``problems`` are "path: message"."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = [f"{path}: {message}" for path, message in problems]
        super().__init__("; ".join(self.problems))


@dataclass
class Step:
    key: str
    stage: str
    kind: str
    title: Text
    text: Text = field(default_factory=dict)
    entry: bool = False
    service_types: list[str] = field(default_factory=list)
    tiers: list[str] = field(default_factory=list)
    concerns: list[str] = field(default_factory=list)
    sectors: list[str] = field(default_factory=list)
    age: AgeRange = field(default_factory=AgeRange)
    target_days: int | None = None
    links: list[Link] = field(default_factory=list)
    transitions: list[Transition] = field(default_factory=list)

    @property
    def final(self) -> bool:
        return not self.transitions

    @property
    def crisis_only(self) -> bool:
        """A crisis step takes families in a crisis only, at every age it is for (the navigator and the
        checks both read it so)."""
        return self.kind == "crisis"

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "stage": self.stage,
            "kind": self.kind,
            "entry": self.entry,
            "title": dict(self.title),
            "text": dict(self.text),
            "service_types": list(self.service_types),
            "tiers": list(self.tiers),
            "concerns": list(self.concerns),
            "sectors": list(self.sectors),
            "age_months": self.age.to_dict(),
            "target_days": self.target_days,
            "links": [{"url": link.url, "title": dict(link.title), "kind": link.kind} for link in self.links],
            "transitions": [transition.to_dict() for transition in self.transitions],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Step:
        age = data.get("age_months") or {}
        return cls(
            key=data["key"],
            stage=data["stage"],
            kind=data["kind"],
            title=dict(data["title"]),
            text=dict(data.get("text") or {}),
            entry=bool(data.get("entry", False)),
            service_types=list(data.get("service_types", [])),
            tiers=list(data.get("tiers", [])),
            concerns=list(data.get("concerns", [])),
            sectors=list(data.get("sectors", [])),
            age=AgeRange(age.get("min", 0), age.get("max", MAX_MONTHS)),
            target_days=data.get("target_days"),
            links=[
                Link(item["url"], dict(item["title"]), item.get("kind", "resource"))
                for item in data.get("links", [])
            ],
            transitions=[Transition.from_dict(item) for item in data.get("transitions", [])],
        )


@dataclass
class Pathway:
    title: Text
    steps: list[Step]
    description: Text = field(default_factory=dict)
    id: str | None = None
    version: int | None = None
    status: str | None = None
    community: str | None = None
    source: str | None = None

    def step(self, key: str) -> Step | None:
        return next((step for step in self.steps if step.key == key), None)

    def by_key(self) -> dict[str, Step]:
        return {step.key: step for step in self.steps}

    def entries(self) -> list[Step]:
        return [step for step in self.steps if step.entry]

    def edges(self) -> Iterator[tuple[Step, Transition]]:
        for step in self.steps:
            for transition in step.transitions:
                yield step, transition

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"format": FORMAT}
        for name in ("id", "version", "status", "community"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        out["title"] = dict(self.title)
        out["description"] = dict(self.description)
        if self.source is not None:
            out["source"] = self.source
        out["steps"] = [step.to_dict() for step in self.steps]
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Pathway:
        """A pathway from its JSON document; raises ``UnsafeLinkError`` when a step links to anything but http(s)."""
        unsafe = unsafe_links(data)
        if unsafe:
            raise UnsafeLinkError(unsafe)
        return cls(
            title=dict(data["title"]),
            description=dict(data.get("description") or {}),
            steps=[Step.from_dict(item) for item in data["steps"]],
            id=data.get("id"),
            version=data.get("version"),
            status=data.get("status"),
            community=data.get("community"),
            source=data.get("source"),
        )


def next_steps(pathway: Pathway, step: Step, situation: Situation) -> list[Transition]:
    """The transitions out of ``step`` that apply: those whose criteria hold, else the "otherwise" one."""
    holding = [t for t in step.transitions if not t.otherwise and t.criteria.holds(situation)]
    if holding:
        return holding
    return [t for t in step.transitions if t.otherwise]


# --- FHIRPath ------------------------------------------------------------------------------------------------


def _quoted(values: Iterable[str]) -> str:
    return " | ".join(f"'{value}'" for value in values)


def fhirpath(criteria: Criteria) -> str:
    """The criteria as a FHIRPath boolean expression over these environment variables:

    ``%ageMonths`` (integer), ``%concerns`` (strings), ``%screening`` (strings ``tool:result``),
    ``%urgency`` (string), ``%inCare`` and ``%completingCare`` (booleans). Empty criteria: ``true``.
    """
    parts: list[str] = []
    if criteria.age is not None:
        parts.append(f"%ageMonths >= {criteria.age.min} and %ageMonths <= {criteria.age.max}")
    if criteria.concerns_any:
        parts.append(f"%concerns.intersect({_quoted(criteria.concerns_any)}).exists()")
    if criteria.concerns_all:
        parts.append(f"({_quoted(criteria.concerns_all)}).subsetOf(%concerns)")
    if criteria.screening_tool is not None:
        results = (f"{criteria.screening_tool}:{result}" for result in criteria.screening_results)
        parts.append(f"%screening.intersect({_quoted(results)}).exists()")
    if criteria.urgency:
        parts.append(f"%urgency in ({_quoted(criteria.urgency)})")
    if criteria.in_care is not None:
        parts.append(f"%inCare = {str(criteria.in_care).lower()}")
    if criteria.completing_care is not None:
        parts.append(f"%completingCare = {str(criteria.completing_care).lower()}")
    return " and ".join(f"({part})" for part in parts) if parts else "true"


def fhirpath_environment(situation: Situation) -> dict[str, Any]:
    """The variables ``fhirpath`` expressions read, for a situation."""
    return {
        "ageMonths": situation.age_months,
        "concerns": sorted(situation.concerns),
        "screening": sorted(f"{tool}:{result}" for tool, result in situation.screening.items()),
        "urgency": situation.urgency,
        "inCare": situation.in_care,
        "completingCare": situation.completing_care,
    }
