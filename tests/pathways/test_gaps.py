"""The gap report: services fitting each step, by age band, language, delivery and place, and the flags."""

from __future__ import annotations

import json

from carepath.directory.snapshot import ServiceFacts
from carepath.geo import parse_area
from carepath.pathways.gaps import Place, report
from carepath.pathways.graph import Pathway

MAPLE_BAY = Place("maple-bay", "Maple Bay", 46.31, -79.46)
LOON_RIVER = Place("loon-river", "Loon River", 45.60, -79.10)  # about 85 km south


def pathway(**step) -> Pathway:
    base = {"key": "assess", "stage": "through-care", "kind": "assess", "title": {"en": "A", "fr": "A"}}
    return Pathway.from_dict(
        {"format": "carepath-pathway/1", "title": {"en": "T", "fr": "T"}, "steps": [base | step]}
    )


def facts(key: str, **values) -> ServiceFacts:
    base = {
        "id": key,
        "name": key,
        "min_months": 0.0,
        "max_months": 72.0,
        "languages": frozenset({"en"}),
        "delivery": frozenset({"in-person"}),
        "service_types": frozenset({"specialized-assessment"}),
        "tiers": frozenset({"treatment"}),
        "locations": ((46.31, -79.46),),
    }
    return ServiceFacts(**(base | values))


def test_counts_by_age_language_delivery_and_place():
    services = [
        facts("a", max_months=36.0, languages=frozenset({"en", "fr"}), wait_days=120),
        facts(
            "b",
            min_months=24.0,
            delivery=frozenset({"virtual"}),
            locations=(),
            languages=frozenset({"oj"}),
            sectors=frozenset({"indigenous-services"}),
            wait_days=30,
        ),
        facts("c", service_types=frozenset({"parenting-support"})),  # another type: not counted
        facts("d", active=False),  # inactive: never counted
    ]
    [gaps] = report(
        pathway(service_types=["specialized-assessment"], age_months={"min": 0, "max": 71}, target_days=60),
        services,
        [MAPLE_BAY, LOON_RIVER],
    )
    assert gaps.services == 2
    assert gaps.by_age == {"0-11": 1, "12-35": 2, "36-59": 2, "60-83": 1}
    assert gaps.by_language == {"en": 1, "fr": 1, "oj": 1}
    assert gaps.by_delivery == {"in-person": 1, "virtual": 1, "home-visit": 0}
    assert gaps.by_place == {"maple-bay": 2, "loon-river": 1}  # the in-person one is 85 km from Loon River
    assert (gaps.indigenous_led, gaps.wait_known, gaps.over_target) == (1, 2, 1)
    assert gaps.flags == []


def test_flags():
    [empty] = report(pathway(service_types=["crisis-support"]), [facts("a")])
    assert empty.flags == ["no-service"]
    [thin] = report(
        pathway(service_types=["specialized-assessment"], target_days=30),
        [facts("a", wait_days=90), facts("b", wait_days=120)],
        [MAPLE_BAY, LOON_RIVER],
    )
    assert thin.flags == ["no-french", "no-indigenous", "waits-over-target", "place-without-service"]


def test_service_areas_limit_places():
    ring = [[-79.6, 46.2], [-79.3, 46.2], [-79.3, 46.4], [-79.6, 46.4], [-79.6, 46.2]]
    area = parse_area(json.dumps({"type": "Polygon", "coordinates": [ring]}), "geojson")
    [gaps] = report(
        pathway(),
        [facts("a", delivery=frozenset({"virtual"}), locations=(), areas=(area,))],
        [MAPLE_BAY, LOON_RIVER],
    )
    assert gaps.by_place == {"maple-bay": 1, "loon-river": 0}


def test_ages_outside_the_step_are_not_applicable():
    [gaps] = report(pathway(age_months={"min": 44, "max": 83}), [facts("a")])
    assert gaps.by_age == {"0-11": None, "12-35": None, "36-59": 1, "60-83": 1}
