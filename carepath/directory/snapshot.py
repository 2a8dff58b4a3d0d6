"""What the pathway checks and the navigator need to know of each service, as plain frozen data."""

from __future__ import annotations

from dataclasses import dataclass, field

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
