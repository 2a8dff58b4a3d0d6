"""A community's active services as the numpy columns the engine asks about (``engine.Directory``).

Pure numpy, no Django. Made from ``ServiceColumns``: what a value-per-service rule says (a tier's rank, the
best cost, offered only where the family has to go...) is worked out once per distinct value (a few hundred
sets of terms) and spread over the services by their codes, so 100,000 services cost a few array operations
rather than 100,000 turns of a Python loop.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from carepath.directory.snapshot import FactsOf, ServiceColumns, ServiceFacts

TIER_RANK = {"promotion": 1, "prevention": 2, "early-intervention": 3, "treatment": 4, "specialized": 5}
COST_SCORE = {"free": 1.0, "sliding-scale": 0.7, "fee": 0.3}
INDIGENOUS_POPULATIONS = frozenset({"first-nations", "inuit", "metis", "indigenous"})
IN_PERSON = frozenset({"in-person", "group"})
# The kinds of mask (``Columns.masks``) and the field each is read from; populations give ("only", code) and
# ("focus", code).
MASKS = (
    ("type", "service_types"),
    ("concern", "concerns"),
    ("tier", "tiers"),
    ("language", "languages"),
    ("delivery", "delivery"),
    ("cost", "cost"),
)


class Columns:
    """The services by name (then id), as columns: one entry per service, or a mask per term."""

    def __init__(self, table: ServiceColumns) -> None:
        keys = [(name.casefold(), key) for name, key in zip(table.name, table.id, strict=True)]
        table = table.take(sorted(range(len(keys)), key=keys.__getitem__))
        self.table = table
        self.services: Sequence[ServiceFacts] = table.given if table.given is not None else FactsOf(table)
        self.size = len(table)
        self.index = {key: i for i, key in enumerate(table.id)}
        self.min_months = np.array(
            [-math.inf if v is None else v for v in table.min_months], dtype=np.float64
        )
        self.max_months = np.array([math.inf if v is None else v for v in table.max_months], dtype=np.float64)
        self.wait = np.array([math.nan if v is None else v for v in table.wait_days], dtype=np.float64)
        self.interpretation = np.array(table.interpretation, dtype=bool).reshape(-1)
        self.cost_score = self._each(
            "cost", lambda cost: max((COST_SCORE.get(c, 0.5) for c in cost), default=0.5), np.float64
        )
        self.tier_rank = self._each(
            "tiers", lambda tiers: min((TIER_RANK[t] for t in tiers if t in TIER_RANK), default=0), np.int8
        )
        has_locations = np.zeros(self.size, dtype=bool)
        has_locations[table.loc_owner] = True
        # Offered only where the family has to go: in person or in groups, or at locations with no delivery said.
        self.at_locations_only = has_locations & self._each(
            "delivery", lambda delivery: not delivery or delivery <= IN_PERSON, bool
        )
        self.indigenous_led = self._each(
            "sectors", lambda sectors: "indigenous-services" in sectors, bool
        ) | self._each(
            "populations", lambda found: any(code in INDIGENOUS_POPULATIONS for code, _ in found), bool
        )
        self.focused = self._each("populations", bool, bool) | self.indigenous_led
        self.masks = self._masks()
        self.only_for = sorted(code for kind, code in self.masks if kind == "only")
        self.no_concerns = self._each("concerns", lambda concerns: not concerns, bool)
        self.phone_or_video = self.any_of("delivery", ("phone", "virtual"))
        self.untiered = self.tier_rank == 0
        # Locations, grouped by service, for one vectorized distance per request.
        owners = table.loc_owner
        self.loc_owner = owners
        # Each location as a point on the unit sphere: a family's distance to it is then one dot product.
        lat_r, lon_r = np.radians(table.loc_lat), np.radians(table.loc_lon)
        self.loc_xyz = np.stack([np.cos(lat_r) * np.cos(lon_r), np.cos(lat_r) * np.sin(lon_r), np.sin(lat_r)])
        self.loc_starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]]) if len(owners) else None
        self.loc_services = owners[self.loc_starts] if len(owners) else np.zeros(0, dtype=np.int64)
        # Service areas, each distinct one once: most services share a few catchments (a district, a nation).
        codes, shapes = table.codes["areas"], table.values["areas"]
        area_members: dict[Any, list[int]] = {}
        for i in np.flatnonzero(self._each("areas", bool, bool)).tolist():
            for area in shapes[codes[i]]:
                area_members.setdefault(area, []).append(i)
        self.areas = list(area_members)
        self.area_members = [np.array(area_members[a], dtype=np.int64) for a in self.areas]
        self.area_boxes = np.array([a.box for a in self.areas], dtype=np.float64).reshape(-1, 4)
        self.has_area = self._each("areas", bool, bool)

    def any_of(self, kind: str, values: Iterable[str]) -> np.ndarray:
        out = np.zeros(self.size, dtype=bool)
        for value in values:
            found = self.masks.get((kind, value))
            if found is not None:
                out |= found
        return out

    def _each(self, name: str, rule: Callable[[Any], Any], dtype: Any) -> np.ndarray:
        """The rule's answer for each service's value of the field, worked out once per distinct value."""
        answers: np.ndarray = np.array([rule(value) for value in self.table.values[name]], dtype=dtype)
        if not len(answers):
            return np.zeros(self.size, dtype=dtype)
        each: np.ndarray = answers.reshape(-1)[self.table.codes[name]]
        return each

    def _masks(self) -> dict[tuple[str, str], np.ndarray]:
        """A mask per (kind, term) some service has: ("type", "counselling-therapy"), ("only", "inuit")..."""
        masks = {}
        for kind, name in (*MASKS, ("", "populations")):
            values = self.table.values[name]
            holders: dict[tuple[str, str], list[int]] = {}
            for code, value in enumerate(values):
                keys = [(how, c) for c, how in value] if name == "populations" else [(kind, k) for k in value]
                for key in keys:
                    holders.setdefault(key, []).append(code)
            for key, holding in holders.items():
                table = np.zeros(len(values), dtype=bool)
                table[holding] = True
                masks[key] = table[self.table.codes[name]]
        return masks
