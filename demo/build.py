#!/usr/bin/env python3
"""Build a demo community's HSDS 3.0 files from its hand-written, bilingual source.

    python demo/build.py                 # every demo/<slug>/source.yaml
    python demo/build.py north-shore     # one community

For each community it writes, beside source.yaml:

- ``hsds.en.json`` and ``hsds.fr.json``: a JSON list of full HSDS 3.0 service objects (organization,
  locations, phones, schedules, service areas, languages, cost options, documents, contacts and carepath
  vocabulary attributes nested, as in the official ``service_full.json`` example). Both files have the same
  ids and the same non-text values; only text meant for people differs.
- ``community.json``: the community record (names, region, description and the places families pick from).

Ids are UUID 5 values derived from readable keys (``north-shore/service:hbhc-home-visiting``), so running the
script again gives byte-identical files. Vocabulary terms use the ids Carepath gives them
(``carepath.directory.vocabulary.term_id``). The script checks the source as it goes and stops with a list of
every problem it found. It needs PyYAML only.
"""

from __future__ import annotations

import itertools
import json
import math
import sys
import uuid
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
TAXONOMY = HERE.parent / "carepath" / "directory" / "taxonomy.yaml"

# Ids of the demo's own records. Never change it: every id in the published files depends on it.
NAMESPACE = uuid.UUID("0d6c3f0e-5b1a-4c2e-9f47-2a8e6d1b7c35")
# Carepath's namespace for vocabulary terms (carepath/directory/vocabulary.py: NAMESPACE, "term:<code>").
TERM_NAMESPACE = uuid.UUID("6f1c1a52-3c2e-5b8e-9a57-0c6a1b7e2d10")
TAXONOMY_NAME = "carepath"
WAIT_DAYS = "wait-days"

LANGUAGES = ("en", "fr")
LANGUAGE_NAMES = {
    "en": {"en": "English", "fr": "anglais"},
    "fr": {"en": "French", "fr": "français"},
    "oj": {"en": "Ojibwe", "fr": "ojibwé"},
    "cr": {"en": "Cree", "fr": "cri"},
    "ar": {"en": "Arabic", "fr": "arabe"},
    "es": {"en": "Spanish", "fr": "espagnol"},
    "pa": {"en": "Punjabi", "fr": "pendjabi"},
    "tl": {"en": "Tagalog", "fr": "tagalog"},
}
MAIN_LINE = {"en": "Main line", "fr": "Ligne principale"}

# Branches every service must carry, and the ones that take exactly one code.
REQUIRED_BRANCHES = ("service-type", "concern", "delivery", "tier", "sector", "referral", "cost")
SINGLE_BRANCHES = ("tier", "sector", "referral", "cost")
BRANCH_ORDER = ("service-type", "concern", "delivery", "tier", "sector", "population", "referral", "cost")
POPULATION_VALUES = ("only", "focus")
STATUSES = ("active", "inactive", "defunct", "temporarily closed")
# Deliveries that happen at one of the service's locations.
AT_LOCATION = {"in-person", "group"}

PLACE_DISTANCE_KM = (50, 100)  # every place but the main town, from the main town
LOCATION_DISTANCE_KM = 10  # a location from the place it belongs to


class SourceError(Exception):
    def __init__(self, problems: list[str]) -> None:
        self.problems = list(dict.fromkeys(problems))  # each problem once, in the order found
        super().__init__("\n".join(self.problems))


# --- Helpers ---------------------------------------------------------------------------------------------


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    radius = 6371.0088
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * radius * math.asin(math.sqrt(a))


def inside(ring: list[list[float]], lon: float, lat: float) -> bool:
    """Ray casting: is the point inside the closed ring of [longitude, latitude] positions?"""
    result = False
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            result = not result
    return result


def load_vocabulary(path: Path = TAXONOMY) -> dict[str, dict[str, str]]:
    """Every carepath code (BRANCH/CODE, and wait-days) with its English and French labels."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    document.pop("taxonomy")
    terms: dict[str, dict[str, str]] = {}
    for branch, body in document.items():
        if isinstance(body.get("en"), str):
            terms[branch] = {"en": body["en"], "fr": body["fr"]}
            continue
        for key, labels in body.items():
            terms[f"{branch}/{key}"] = {"en": labels["en"], "fr": labels["fr"]}
    return terms


class Builder:
    """Turns one community's source into HSDS records for one language, checking the source on the way."""

    def __init__(self, source: dict[str, Any], vocabulary: dict[str, dict[str, str]]) -> None:
        self.source = source
        self.vocabulary = vocabulary
        self.slug: str = source["community"]["slug"]
        self.meta: dict[str, Any] = source.get("meta", {})
        self.places: dict[str, Any] = source["places"]
        self.areas: dict[str, Any] = source.get("areas", {})
        self.organizations: dict[str, Any] = source["organizations"]
        self.locations: dict[str, Any] = source.get("locations", {})
        self.services: list[dict[str, Any]] = source["services"]
        self.problems: list[str] = []

    # ids and text

    def uid(self, kind: str, *keys: object) -> str:
        return str(uuid.uuid5(NAMESPACE, f"{self.slug}/{kind}:" + ":".join(str(k) for k in keys)))

    def text(self, value: Any, language: str, where: str) -> str:
        if not isinstance(value, dict) or not all(
            isinstance(value.get(lang), str) and value[lang].strip() for lang in LANGUAGES
        ):
            self.problems.append(f"{where}: needs non-empty text in {' and '.join(LANGUAGES)}")
            return ""
        return str(value[language]).strip()

    def main_place(self) -> tuple[str, dict[str, Any]]:
        key = self.source["community"].get("main_place") or next(iter(self.places))
        return key, self.places[key]

    # checks of the source as a whole

    def check(self) -> None:
        self._check_places()
        self._check_areas()
        self._check_locations()
        self._check_services()
        for branch in self.meta.get("covers_branches", []):
            self._check_coverage(branch)
        if self.problems:
            raise SourceError(self.problems)

    def _check_places(self) -> None:
        main_key, main = self.main_place()
        low, high = PLACE_DISTANCE_KM
        for key, place in self.places.items():
            if key == main_key:
                continue
            distance = haversine_km(
                main["latitude"], main["longitude"], place["latitude"], place["longitude"]
            )
            if not low <= distance <= high:
                self.problems.append(
                    f"places.{key}: {distance:.1f} km from {main_key}, not {low} to {high} km"
                )
        for key, place in self.places.items():
            if place.get("kind") not in ("town", "rural", "first-nation"):
                self.problems.append(f"places.{key}.kind: must be town, rural or first-nation")

    def _check_areas(self) -> None:
        for key, area in self.areas.items():
            ring = area["ring"]
            if len(ring) < 4 or ring[0] != ring[-1]:
                self.problems.append(
                    f"areas.{key}.ring: needs at least four positions and must end where it starts"
                )
            for lon, lat in ring:
                if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                    self.problems.append(f"areas.{key}.ring: {[lon, lat]} is not [longitude, latitude]")
            for place_key in area.get("covers", []):
                place = self.places.get(place_key)
                if place is None:
                    self.problems.append(f"areas.{key}.covers: unknown place {place_key}")
                elif not inside(ring, place["longitude"], place["latitude"]):
                    self.problems.append(f"areas.{key}: does not cover {place_key}")

    def _check_locations(self) -> None:
        for key, location in self.locations.items():
            place = self.places.get(location.get("place"))
            if place is None:
                self.problems.append(f"locations.{key}.place: unknown place {location.get('place')}")
            else:
                distance = haversine_km(
                    place["latitude"], place["longitude"], location["latitude"], location["longitude"]
                )
                if distance > LOCATION_DISTANCE_KM:
                    self.problems.append(f"locations.{key}: {distance:.1f} km from {location['place']}")
            if location.get("organization") and location["organization"] not in self.organizations:
                self.problems.append(f"locations.{key}.organization: unknown {location['organization']}")

    def _check_services(self) -> None:
        keys = Counter(service["key"] for service in self.services)
        for key, count in keys.items():
            if count > 1:
                self.problems.append(f"services: key {key} is used {count} times")
        for service in self.services:
            where = f"services[{service['key']}]"
            if service["organization"] not in self.organizations:
                self.problems.append(f"{where}.organization: unknown {service['organization']}")
            if service.get("status") not in STATUSES:
                self.problems.append(f"{where}.status: must be one of {', '.join(STATUSES)}")
            for location in service.get("locations", []):
                if location not in self.locations:
                    self.problems.append(f"{where}.locations: unknown {location}")
            for area in service.get("areas", []):
                if area not in self.areas:
                    self.problems.append(f"{where}.areas: unknown {area}")
            low, high = service.get("ages") or [None, None]
            if low is not None and high is not None and low > high:
                self.problems.append(f"{where}.ages: minimum above maximum")
            for language in service.get("languages", []):
                code = language if isinstance(language, str) else language.get("code")
                if code not in LANGUAGE_NAMES:
                    self.problems.append(f"{where}.languages: no name for language code {code}")
            terms = self.terms(service)
            delivery = {code.split("/", 1)[1] for code, _ in terms if code.startswith("delivery/")}
            if delivery and delivery <= AT_LOCATION and not service.get("locations"):
                self.problems.append(f"{where}: offered only in person or in groups, but has no location")

    def _check_coverage(self, branch: str) -> None:
        """The source promises (meta.covers_branches) that every code of this branch is used at least once."""
        used = {code for service in self.services for code, _ in self.terms(service)}
        missing = sorted(
            code for code in self.vocabulary if code.startswith(f"{branch}/") and code not in used
        )
        if missing:
            self.problems.append(f"meta.covers_branches: no service has {', '.join(missing)}")

    def terms(self, service: dict[str, Any]) -> list[tuple[str, str | None]]:
        """The service's carepath terms as (code, value), in a stable order; problems are recorded."""
        where = f"services[{service['key']}].terms"
        given = dict(service.get("terms") or {})
        given.setdefault("sector", self.organizations.get(service["organization"], {}).get("sector"))
        unknown = set(given) - set(BRANCH_ORDER) - {WAIT_DAYS}
        if unknown:
            self.problems.append(f"{where}: unknown branches {sorted(unknown)}")
        result: list[tuple[str, str | None]] = []
        for branch in BRANCH_ORDER:
            value = given.get(branch)
            if value in (None, [], {}):
                if branch in REQUIRED_BRANCHES:
                    self.problems.append(f"{where}: needs {branch}")
                continue
            if branch in SINGLE_BRANCHES and not isinstance(value, str):
                self.problems.append(f"{where}.{branch}: takes exactly one code")
                continue
            if branch == "population":
                if not isinstance(value, dict):
                    self.problems.append(f"{where}.population: write {{code: only|focus}}")
                    continue
                pairs: Iterable[tuple[str, str | None]] = value.items()
                for code, how in value.items():
                    if how not in POPULATION_VALUES:
                        self.problems.append(f"{where}.population.{code}: must be only or focus, not {how}")
            else:
                pairs = [(code, None) for code in ([value] if isinstance(value, str) else value)]
            for code, how in pairs:
                full = f"{branch}/{code}"
                if full not in self.vocabulary:
                    self.problems.append(f"{where}.{branch}: {code} is not a carepath code")
                result.append((full, how))
        days = given.get(WAIT_DAYS)
        if not isinstance(days, int) or isinstance(days, bool) or days < 0:
            self.problems.append(f"{where}.{WAIT_DAYS}: needs a whole number of days")
        else:
            result.append((WAIT_DAYS, str(days)))
        return result

    # records

    def organization(self, key: str, language: str) -> dict[str, Any]:
        org = self.organizations[key]
        where = f"organizations.{key}"
        record: dict[str, Any] = {
            "id": self.uid("organization", key),
            "name": self.text(org["name"], language, f"{where}.name"),
        }
        if org.get("alternate_name"):
            record["alternate_name"] = self.text(org["alternate_name"], language, f"{where}.alternate_name")
        record.update(
            {
                "description": self.text(org["description"], language, f"{where}.description"),
                "email": org["email"],
                "website": org["website"],
                "year_incorporated": org["year_incorporated"],
                "legal_status": self.text(org["legal_status"], language, f"{where}.legal_status"),
                "funding": [
                    {
                        "id": self.uid("funding", "organization", key),
                        "source": self.text(org["funding"], language, f"{where}.funding"),
                    }
                ],
                "phones": [
                    {
                        "id": self.uid("phone", "organization", key),
                        "number": org["phone"],
                        "type": "voice",
                        "description": MAIN_LINE[language],
                    }
                ],
            }
        )
        return record

    def location(self, key: str, language: str) -> dict[str, Any]:
        loc = self.locations[key]
        where = f"locations.{key}"
        record: dict[str, Any] = {"id": self.uid("location", key), "location_type": "physical"}
        if loc.get("organization"):
            record["url"] = self.organizations[loc["organization"]]["website"]
            record["organization_id"] = self.uid("organization", loc["organization"])
        record.update(
            {
                "name": self.text(loc["name"], language, f"{where}.name"),
                "description": self.text(loc["description"], language, f"{where}.description"),
                "transportation": self.text(loc["transportation"], language, f"{where}.transportation"),
                "latitude": loc["latitude"],
                "longitude": loc["longitude"],
                "addresses": [
                    {
                        "id": self.uid("address", key),
                        "address_1": loc["address_1"],
                        "city": loc["city"],
                        "region": self.text(self.source["community"]["region"], language, "community.region"),
                        "state_province": "ON",
                        "postal_code": loc["postal_code"],
                        "country": "CA",
                        "address_type": "physical",
                    }
                ],
            }
        )
        if loc.get("phone"):
            record["phones"] = [
                {
                    "id": self.uid("phone", "location", key),
                    "number": loc["phone"],
                    "type": "voice",
                    "description": MAIN_LINE[language],
                }
            ]
        if loc.get("accessibility"):
            record["accessibility"] = [
                {
                    "id": self.uid("accessibility", key),
                    "description": self.text(loc["accessibility"], language, f"{where}.accessibility"),
                }
            ]
        return record

    def service_area(self, service_key: str, key: str, language: str) -> dict[str, Any]:
        area = self.areas[key]
        extent = {"type": "Polygon", "coordinates": [area["ring"]]}
        return {
            "id": self.uid("service_area", service_key, key),
            "name": self.text(area["name"], language, f"areas.{key}.name"),
            "description": self.text(area["description"], language, f"areas.{key}.description"),
            "extent": json.dumps(extent, separators=(",", ":")),
            "extent_type": "geojson",
        }

    def attribute(
        self, service_key: str, service_id: str, code: str, value: str | None, language: str
    ) -> dict[str, Any]:
        label = self.vocabulary[code][language]
        record: dict[str, Any] = {
            "id": self.uid("attribute", service_key, code),
            "link_id": service_id,
            "link_type": "service",
            "link_entity": "service",
        }
        if value is not None:
            record["value"] = value
        record["taxonomy_term"] = {
            "id": str(uuid.uuid5(TERM_NAMESPACE, f"term:{code}")),
            "code": code,
            "name": label,
            "description": label,
            "taxonomy": TAXONOMY_NAME,
        }
        return record

    def service(self, service: dict[str, Any], language: str) -> dict[str, Any]:
        key = service["key"]
        where = f"services[{key}]"
        service_id = self.uid("service", key)

        def text(field: str) -> str:
            return self.text(service[field], language, f"{where}.{field}")

        record: dict[str, Any] = {
            "id": service_id,
            "organization_id": self.uid("organization", service["organization"]),
            "name": text("name"),
            "description": text("description"),
            "url": service["url"],
            "email": service["email"],
            "status": service["status"],
        }
        if service.get("interpretation"):
            record["interpretation_services"] = text("interpretation")
        record["application_process"] = text("application")
        record["fees_description"] = text("fees")
        record["eligibility_description"] = text("eligibility")
        low, high = service.get("ages") or [None, None]
        if low is not None:
            record["minimum_age"] = low
        if high is not None:
            record["maximum_age"] = high
        if self.meta.get("assured_date"):
            record["assured_date"] = self.meta["assured_date"]
            record["assurer_email"] = self.meta["assurer_email"]
        if service.get("alert"):
            record["alert"] = text("alert")
        record["last_modified"] = service.get("last_modified", self.meta["last_modified"])

        record["phones"] = [
            {
                "id": self.uid("phone", "service", key, index),
                "number": phone["number"],
                "type": phone.get("type", "voice"),
                "description": self.text(phone["description"], language, f"{where}.phones[{index}]"),
            }
            for index, phone in enumerate(service.get("phones", []))
        ]
        record["schedules"] = [
            {
                "id": self.uid("schedule", key, index),
                "freq": "WEEKLY",
                "wkst": "MO",
                "byday": schedule["days"],
                "opens_at": schedule["opens"],
                "closes_at": schedule["closes"],
                "description": self.text(schedule["description"], language, f"{where}.schedules[{index}]"),
            }
            for index, schedule in enumerate(service.get("schedules", []))
        ]
        record["service_areas"] = [
            self.service_area(key, area, language) for area in service.get("areas", [])
        ]
        record["service_at_locations"] = [
            {
                "id": self.uid("service_at_location", key, location),
                "service_id": service_id,
                "location_id": self.uid("location", location),
                "location": self.location(location, language),
            }
            for location in service.get("locations", [])
        ]
        languages = []
        for entry in service.get("languages", []):
            code = entry if isinstance(entry, str) else entry["code"]
            item: dict[str, Any] = {
                "id": self.uid("language", key, code),
                "name": LANGUAGE_NAMES[code][language],
                "code": code,
            }
            if isinstance(entry, dict) and entry.get("note"):
                item["note"] = self.text(entry["note"], language, f"{where}.languages[{code}].note")
            languages.append(item)
        record["languages"] = languages
        record["organization"] = self.organization(service["organization"], language)
        record["cost_options"] = [
            {
                "id": self.uid("cost_option", key, index),
                "option": self.text(option["option"], language, f"{where}.cost_options[{index}].option"),
                "currency": "CAD",
                "amount": option["amount"],
                "amount_description": self.text(
                    option["amount_description"],
                    language,
                    f"{where}.cost_options[{index}].amount_description",
                ),
            }
            for index, option in enumerate(service.get("cost_options", []))
        ]
        record["required_documents"] = [
            {
                "id": self.uid("required_document", key, index),
                "document": self.text(document, language, f"{where}.documents[{index}]"),
            }
            for index, document in enumerate(service.get("documents", []))
        ]
        record["contacts"] = [
            {
                "id": self.uid("contact", key, index),
                "name": contact["name"],
                "title": self.text(contact["title"], language, f"{where}.contacts[{index}].title"),
                "email": contact["email"],
            }
            for index, contact in enumerate(service.get("contacts", []))
        ]
        record["attributes"] = [
            self.attribute(key, service_id, code, value, language) for code, value in self.terms(service)
        ]
        return record

    def hsds(self, language: str) -> list[dict[str, Any]]:
        services = [self.service(service, language) for service in self.services]
        if self.problems:
            raise SourceError(self.problems)
        return services

    def community(self) -> dict[str, Any]:
        community = self.source["community"]

        def both(value: Any, where: str) -> dict[str, str]:
            return {language: self.text(value, language, where) for language in LANGUAGES}

        record = {
            "slug": self.slug,
            "name": both(community["name"], "community.name"),
            "region": both(community["region"], "community.region"),
            "description": both(community["description"], "community.description"),
            "places": [
                {
                    "key": key,
                    "name": both(place["name"], f"places.{key}.name"),
                    "latitude": place["latitude"],
                    "longitude": place["longitude"],
                    "kind": place["kind"],
                }
                for key, place in self.places.items()
            ],
        }
        if self.problems:
            raise SourceError(self.problems)
        return record


# --- Consistency between the language files -------------------------------------------------------------

# Fields holding text for people; everything else must be identical in every language.
TEXT_FIELDS = frozenset(
    {
        "name",
        "alternate_name",
        "description",
        "application_process",
        "eligibility_description",
        "fees_description",
        "interpretation_services",
        "alert",
        "transportation",
        "note",
        "option",
        "amount_description",
        "document",
        "title",
        "legal_status",
        "source",
        "region",
    }
)


def differences(a: Any, b: Any, path: str = "") -> list[str]:
    """Where two language versions differ other than in text fields."""
    if isinstance(a, dict) and isinstance(b, dict):
        if list(a) != list(b):
            return [f"{path}: keys differ"]
        found = []
        for key in a:
            if key in TEXT_FIELDS and isinstance(a[key], str) and isinstance(b[key], str):
                continue
            found += differences(a[key], b[key], f"{path}.{key}")
        return found
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{path}: lengths differ"]
        return [
            d for i, (x, y) in enumerate(zip(a, b, strict=True)) for d in differences(x, y, f"{path}[{i}]")
        ]
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


def check_ids(services: list[dict[str, Any]]) -> list[str]:
    """Each id names one record. Organizations, locations and terms are shared between services, so the
    same id may appear more than once there, but always with the same content."""
    seen: dict[str, str] = {}
    problems = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if isinstance(value.get("id"), str):
                encoded = json.dumps(value, sort_keys=True, ensure_ascii=False)
                if seen.setdefault(value["id"], encoded) != encoded:
                    problems.append(f"id {value['id']} is used for different records")
            for child in value.values():
                walk(child)
        elif isinstance(value, list):
            for child in value:
                walk(child)

    walk(services)
    return problems


# --- Output ---------------------------------------------------------------------------------------------


def write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def summary(builder: Builder, services: list[dict[str, Any]]) -> str:
    counts: dict[str, Counter[str]] = {}
    for service in services:
        for attribute in service["attributes"]:
            code = attribute["taxonomy_term"]["code"]
            branch, _, key = code.partition("/")
            if branch == "population":
                key = f"{key} ({attribute['value']})"
            if key:
                counts.setdefault(branch, Counter())[key] += 1
        for language in service["languages"]:
            counts.setdefault("language", Counter())[language["code"]] += 1
        counts.setdefault("status", Counter())[service["status"]] += 1
    lines = [
        f"{len(services)} services, {len(builder.organizations)} organizations, "
        f"{len(builder.locations)} locations, "
        f"{sum(bool(s['service_areas']) for s in services)} services with a catchment"
    ]
    for branch in (
        "sector",
        "tier",
        "service-type",
        "language",
        "population",
        "delivery",
        "cost",
        "referral",
        "status",
    ):
        items = ", ".join(f"{key} {count}" for key, count in sorted(counts.get(branch, {}).items()))
        lines.append(f"  {branch}: {items}")
    main_key, main = builder.main_place()
    for key, place in builder.places.items():
        distance = haversine_km(main["latitude"], main["longitude"], place["latitude"], place["longitude"])
        lines.append(f"  place {key} ({place['kind']}): {distance:.1f} km from {main_key}")
    return "\n".join(lines)


def build(folder: Path, vocabulary: dict[str, dict[str, str]]) -> str:
    source = yaml.safe_load((folder / "source.yaml").read_text(encoding="utf-8"))
    builder = Builder(source, vocabulary)
    builder.check()
    outputs = {language: builder.hsds(language) for language in LANGUAGES}
    community = builder.community()
    problems = []
    for language, services in outputs.items():
        problems += [f"hsds.{language}.json: {p}" for p in check_ids(services)]
    first, *others = LANGUAGES
    for language in others:
        problems += [
            f"hsds.{language}.json differs from hsds.{first}.json at {p}"
            for p in differences(outputs[first], outputs[language])
        ]
    if problems:
        raise SourceError(problems)
    for language, services in outputs.items():
        write_json(folder / f"hsds.{language}.json", services)
    write_json(folder / "community.json", community)
    return summary(builder, outputs["en"])


def main(argv: list[str]) -> int:
    vocabulary = load_vocabulary()
    folders = [HERE / slug for slug in argv] or sorted(p.parent for p in HERE.glob("*/source.yaml"))
    status = 0
    for folder in folders:
        try:
            print(f"{folder.name}: {build(folder, vocabulary)}")
        except SourceError as error:
            status = 1
            print(f"{folder.name}: {len(error.problems)} problem(s) in source.yaml", file=sys.stderr)
            for problem in error.problems:
                print(f"  {problem}", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
