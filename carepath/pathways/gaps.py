"""The gap report: for each step of a pathway, which of the community's services fit it, and where it is thin.

Pure Python. Services are bits of an integer per property (type, tier, language, delivery, place...), so a step
is answered with a few integer operations and ``int.bit_count`` whatever the size of the inventory.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from carepath.directory.snapshot import ServiceFacts
from carepath.geo import km

from .graph import MAX_MONTHS, Pathway, Step

AGE_BANDS = ((0, 11), (12, 35), (36, 59), (60, MAX_MONTHS))
DELIVERY = ("in-person", "virtual", "home-visit")
TRAVEL_KM = 60.0
IN_PERSON_ONLY = frozenset({"in-person", "group"})


@dataclass(frozen=True)
class Place:
    key: str
    name: str
    latitude: float
    longitude: float


@dataclass
class StepGaps:
    step: str
    services: int
    by_age: dict[str, int | None]  # "0-11": count, or None when the step does not serve those ages
    by_language: dict[str, int]  # "en", "fr", and each other language present
    by_delivery: dict[str, int]
    by_place: dict[str, int]
    indigenous_led: int
    wait_known: int
    over_target: int
    flags: list[str] = field(default_factory=list)  # no-service, no-french, no-indigenous, waits-over-target
    mask: int = 0  # the services that fit, as bits of the inventory (``Inventory.ids`` lists them)


class Inventory:
    """The community's services as bitsets, built once, asked about many steps."""

    def __init__(self, services: Sequence[ServiceFacts], places: Sequence[Place] = ()) -> None:
        self.services = [s for s in services if s.active]
        self.places = list(places)
        self.all = (1 << len(self.services)) - 1
        self.by: dict[tuple[str, str], int] = {}
        self._starts: list[int] = [0] * (MAX_MONTHS + 1)  # services whose minimum age <= m months
        self._ends: list[int] = [0] * (MAX_MONTHS + 1)  # services whose maximum age >= m months
        self.waits: list[tuple[int, int]] = []  # (wait days, bit)
        self.place_masks: dict[str, int] = {}
        for index, service in enumerate(self.services):
            bit = 1 << index
            for kind, values in (
                ("type", service.service_types),
                ("tier", service.tiers),
                ("language", service.languages),
                ("delivery", service.delivery),
            ):
                for value in values:
                    self.by[(kind, value)] = self.by.get((kind, value), 0) | bit
            if not service.tiers:
                self.by[("untiered", "")] = self.by.get(("untiered", ""), 0) | bit
            if service.indigenous_led:
                self.by[("indigenous", "")] = self.by.get(("indigenous", ""), 0) | bit
            low = 0 if service.min_months is None else max(0, math.ceil(service.min_months - 1e-9))
            high = (
                MAX_MONTHS
                if service.max_months is None
                else min(MAX_MONTHS, math.floor(service.max_months + 1e-9))
            )
            if low <= MAX_MONTHS:
                self._starts[low] |= bit
            if high >= 0:
                self._ends[high] |= bit
            if service.wait_days is not None:
                self.waits.append((service.wait_days, bit))
        for month in range(1, MAX_MONTHS + 1):
            self._starts[month] |= self._starts[month - 1]
        for month in range(MAX_MONTHS - 1, -1, -1):
            self._ends[month] |= self._ends[month + 1]
        self.waits.sort()
        self.known_wait = 0
        for _, bit in self.waits:
            self.known_wait |= bit
        # Services waiting longer than each distinct wait: suffix unions, looked up by bisection.
        by_wait: dict[int, int] = {}
        for wait, bit in self.waits:
            by_wait[wait] = by_wait.get(wait, 0) | bit
        self._wait_values = sorted(by_wait)
        self._longer = [0] * (len(self._wait_values) + 1)
        for index in range(len(self._wait_values) - 1, -1, -1):
            self._longer[index] = self._longer[index + 1] | by_wait[self._wait_values[index]]
        for place in self.places:
            self.place_masks[place.key] = self._reachable_from(place)
        self.other_languages = sorted({code for (kind, code) in self.by if kind == "language"} - {"en", "fr"})

    def _reachable_from(self, place: Place) -> int:
        mask = 0
        for index, service in enumerate(self.services):
            if service.areas and not any(
                area.contains(place.latitude, place.longitude) for area in service.areas
            ):
                continue
            if (
                service.delivery
                and service.delivery <= IN_PERSON_ONLY
                and service.locations
                and not any(
                    km(place.latitude, place.longitude, lat, lon) <= TRAVEL_KM
                    for lat, lon in service.locations
                )
            ):
                continue
            mask |= 1 << index
        return mask

    def any_of(self, kind: str, values: Iterable[str]) -> int:
        mask = 0
        for value in values:
            mask |= self.by.get((kind, value), 0)
        return mask

    def ages(self, low: int, high: int) -> int:
        """Services taking some child between ``low`` and ``high`` months."""
        low, high = max(0, low), min(MAX_MONTHS, high)
        return self._starts[high] & self._ends[low] if low <= high else 0

    def waiting_over(self, days: int) -> int:
        """Services whose typical wait is longer than ``days``."""
        return self._longer[bisect.bisect_right(self._wait_values, days)]

    def ids(self, mask: int) -> list[str]:
        out = []
        while mask:
            low = mask & -mask
            out.append(self.services[low.bit_length() - 1].id)
            mask ^= low
        return out


def step_gaps(step: Step, inventory: Inventory) -> StepGaps:
    fits = inventory.all & inventory.ages(step.age.min, step.age.max)
    if step.service_types:
        fits &= inventory.any_of("type", step.service_types)
    if step.tiers:  # a service that does not say its tier is not ruled out by it
        fits &= inventory.any_of("tier", step.tiers) | inventory.by.get(("untiered", ""), 0)
    by_age: dict[str, int | None] = {}
    for low, high in AGE_BANDS:
        lo, hi = max(low, step.age.min), min(high, step.age.max)
        by_age[f"{low}-{high}"] = (fits & inventory.ages(lo, hi)).bit_count() if lo <= hi else None
    by_language = {
        "en": (fits & inventory.any_of("language", ["en"])).bit_count(),
        "fr": (fits & inventory.any_of("language", ["fr"])).bit_count(),
    }
    for code in inventory.other_languages:
        count = (fits & inventory.any_of("language", [code])).bit_count()
        if count:
            by_language[code] = count
    delivery = {
        "in-person": ("in-person", "group"),
        "virtual": ("virtual", "phone"),
        "home-visit": ("home-visit",),
    }
    by_delivery = {
        name: (fits & inventory.any_of("delivery", codes)).bit_count() for name, codes in delivery.items()
    }
    by_place = {key: (fits & mask).bit_count() for key, mask in inventory.place_masks.items()}
    indigenous = (fits & inventory.by.get(("indigenous", ""), 0)).bit_count()
    known = fits & inventory.known_wait
    over = (
        (known & inventory.waiting_over(step.target_days)).bit_count() if step.target_days is not None else 0
    )
    count = fits.bit_count()
    flags = []
    if not count:
        flags.append("no-service")
    else:
        if not by_language["fr"]:
            flags.append("no-french")
        if not indigenous:
            flags.append("no-indigenous")
        if step.target_days is not None and known and over == known.bit_count():
            flags.append("waits-over-target")
        if any(value == 0 for value in by_place.values()):
            flags.append("place-without-service")
    return StepGaps(
        step.key,
        count,
        by_age,
        by_language,
        by_delivery,
        by_place,
        indigenous,
        known.bit_count(),
        over,
        flags,
        fits,
    )


def report(
    pathway: Pathway, services: Sequence[ServiceFacts], places: Sequence[Place] = ()
) -> list[StepGaps]:
    inventory = Inventory(services, places)
    return [step_gaps(step, inventory) for step in pathway.steps]
