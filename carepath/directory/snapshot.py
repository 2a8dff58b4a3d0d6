"""What the pathway checks and the navigator need to know of each service, as plain frozen data."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, overload

import numpy as np

from carepath.geo import Area


@dataclass(frozen=True, slots=True)  # slots: a directory holds 100,000 of them
class ServiceFacts:
    id: str
    name: str
    name_fr: str = ""
    organization: str = ""
    organization_fr: str = ""
    active: bool = True
    min_months: float | None = None  # HSDS ages are years; here months (1.5 years = 18.0)
    max_months: float | None = None
    languages: frozenset[str] = frozenset()
    interpretation: bool = False
    delivery: frozenset[str] = frozenset()
    service_types: frozenset[str] = frozenset()
    tiers: frozenset[str] = frozenset()
    concerns: frozenset[str] = frozenset()
    sectors: frozenset[str] = frozenset()
    referral: frozenset[str] = frozenset()
    cost: frozenset[str] = frozenset()
    populations: tuple[tuple[str, str], ...] = ()  # (population code, "only" or "focus")
    wait_days: int | None = None
    locations: tuple[tuple[float, float], ...] = ()  # (latitude, longitude)
    areas: tuple[Area, ...] = field(default=())

    def fits_age(self, low: float, high: float) -> bool:
        """Whether the service takes children of some age in [low, high] months."""
        return (self.min_months is None or self.min_months <= high) and (
            self.max_months is None or self.max_months >= low
        )

    @property
    def indigenous_led(self) -> bool:
        return "indigenous-services" in self.sectors or any(
            code in ("first-nations", "inuit", "metis", "indigenous") for code, _ in self.populations
        )


# The fields whose values repeat across services (a few hundred sets of terms among 100,000 services): kept as
# each service's code into the distinct values.
SHARED = (
    "languages",
    "delivery",
    "service_types",
    "tiers",
    "concerns",
    "sectors",
    "referral",
    "cost",
    "populations",
    "areas",
)
NO_LOCATIONS = np.zeros(0, dtype=np.int64)


@dataclass
class ServiceColumns:
    """The facts of many active services as columns, position ``i`` being one service: what a directory of
    100,000 services is built from without making 100,000 objects (``facts(i)`` makes one when asked).

    ``codes[field][i]`` is service ``i``'s value of a ``SHARED`` field as its place in ``values[field]`` (each
    distinct value once); locations are flat: ``loc_owner`` (ascending), ``loc_lat``, ``loc_lon``."""

    id: list[str]
    name: list[str]
    name_fr: list[str]
    organization: list[str]
    organization_fr: list[str]
    min_months: list[float | None]
    max_months: list[float | None]
    interpretation: list[bool]
    wait_days: list[int | None]
    codes: dict[str, np.ndarray]
    values: dict[str, list[Any]]
    loc_owner: np.ndarray = field(default_factory=lambda: NO_LOCATIONS)
    loc_lat: np.ndarray = field(default_factory=lambda: np.zeros(0))
    loc_lon: np.ndarray = field(default_factory=lambda: np.zeros(0))
    given: list[ServiceFacts] | None = None  # the facts these columns were made of, if any

    def __len__(self) -> int:
        return len(self.id)

    @classmethod
    def of(cls, services: Iterable[ServiceFacts]) -> ServiceColumns:
        given = list(services)
        codes: dict[str, np.ndarray] = {}
        values: dict[str, list[Any]] = {}
        for name in SHARED:
            seen: dict[Any, int] = {}
            codes[name] = np.array(
                [seen.setdefault(getattr(s, name), len(seen)) for s in given], dtype=np.int32
            ).reshape(-1)
            values[name] = list(seen)
        owners = [i for i, s in enumerate(given) for _ in s.locations]
        points = [point for s in given for point in s.locations]
        return cls(
            id=[s.id for s in given],
            name=[s.name for s in given],
            name_fr=[s.name_fr for s in given],
            organization=[s.organization for s in given],
            organization_fr=[s.organization_fr for s in given],
            min_months=[s.min_months for s in given],
            max_months=[s.max_months for s in given],
            interpretation=[s.interpretation for s in given],
            wait_days=[s.wait_days for s in given],
            codes=codes,
            values=values,
            loc_owner=np.array(owners, dtype=np.int64),
            loc_lat=np.array([lat for lat, _ in points], dtype=np.float64),
            loc_lon=np.array([lon for _, lon in points], dtype=np.float64),
            given=given,
        )

    def take(self, order: Sequence[int]) -> ServiceColumns:
        """The same services in this order (positions into these columns)."""
        positions = np.asarray(order, dtype=np.int64).reshape(-1)
        rank = np.empty(len(positions), dtype=np.int64)
        rank[positions] = np.arange(len(positions))
        owners = rank[self.loc_owner]
        grouped = np.argsort(owners, kind="stable")  # a service's locations stay in their order

        every = itemgetter(*positions.tolist()) if len(positions) > 1 else None

        def pick(column: list[Any]) -> list[Any]:
            return list(every(column)) if every is not None else [column[i] for i in positions]

        return ServiceColumns(
            id=pick(self.id),
            name=pick(self.name),
            name_fr=pick(self.name_fr),
            organization=pick(self.organization),
            organization_fr=pick(self.organization_fr),
            min_months=pick(self.min_months),
            max_months=pick(self.max_months),
            interpretation=pick(self.interpretation),
            wait_days=pick(self.wait_days),
            codes={name: codes[positions] for name, codes in self.codes.items()},
            values=self.values,
            loc_owner=owners[grouped],
            loc_lat=self.loc_lat[grouped],
            loc_lon=self.loc_lon[grouped],
            given=None if self.given is None else pick(self.given),
        )

    def facts(self, i: int) -> ServiceFacts:
        if self.given is not None:
            return self.given[i]
        values, codes = self.values, self.codes

        def shared(name: str) -> Any:
            return values[name][codes[name][i]]

        first = int(np.searchsorted(self.loc_owner, i))
        last = first
        while last < len(self.loc_owner) and self.loc_owner[last] == i:
            last += 1
        return ServiceFacts(
            self.id[i],
            self.name[i],
            self.name_fr[i],
            self.organization[i],
            self.organization_fr[i],
            True,
            self.min_months[i],
            self.max_months[i],
            shared("languages"),
            self.interpretation[i],
            shared("delivery"),
            shared("service_types"),
            shared("tiers"),
            shared("concerns"),
            shared("sectors"),
            shared("referral"),
            shared("cost"),
            shared("populations"),
            self.wait_days[i],
            tuple(zip(self.loc_lat[first:last].tolist(), self.loc_lon[first:last].tolist(), strict=True)),
            shared("areas"),
        )


class FactsOf(Sequence[ServiceFacts]):
    """The services of columns as ``ServiceFacts``, each made when first read (a plan reads some thirty)."""

    def __init__(self, columns: ServiceColumns) -> None:
        self.columns = columns
        self.made: dict[int, ServiceFacts] = {}

    def __len__(self) -> int:
        return len(self.columns)

    @overload
    def __getitem__(self, item: int) -> ServiceFacts: ...

    @overload
    def __getitem__(self, item: slice) -> list[ServiceFacts]: ...

    def __getitem__(self, item: int | slice) -> ServiceFacts | list[ServiceFacts]:
        if isinstance(item, slice):
            return [self.columns.facts(i) for i in range(len(self))[item]]
        if not -len(self) <= item < len(self):
            raise IndexError(item)
        item = item % len(self) if item < 0 else item
        found = self.made.get(item)
        if found is None:
            found = self.made[item] = self.columns.facts(item)
        return found
