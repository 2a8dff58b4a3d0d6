"""The navigator judged on family situations an intake worker wrote before the engine ran them
(``vignettes.yaml``): each plan must hold the services it must, none it must not, a first action among those
asked for, the notices asked for, the safety net, and words without codes.

Used by ``test_vignettes.py`` and ``bench/vignettes.py``; needs the demo community loaded (``load-demo``).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import django
import yaml
from django.core.management import call_command

from carepath.directory import vocabulary
from carepath.pathways.graph import SCREENING_TOOLS

ROOT = Path(__file__).resolve().parents[2]
SUITE = Path(__file__).with_name("vignettes.yaml")
COMMUNITY = "north-shore"
NAMESPACE = uuid.UUID("0d6c3f0e-5b1a-4c2e-9f47-2a8e6d1b7c35")  # demo/build.py
# Words of the system a family should never read, and codes from the vocabulary and the tools.
SYSTEM_WORDS = {
    "en": re.compile(r"\b(target|tier|score|step)s?\b", re.IGNORECASE),
    "fr": re.compile(r"\b(cible|palier|score|étape)s?\b", re.IGNORECASE),
}


def load() -> list[dict[str, Any]]:
    return yaml.safe_load(SUITE.read_text(encoding="utf-8"))


def service_id(key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{COMMUNITY}/service:{key}"))


def places() -> dict[str, tuple[float, float]]:
    document = json.loads((ROOT / "demo" / COMMUNITY / "community.json").read_text(encoding="utf-8"))
    return {p["key"]: (p["latitude"], p["longitude"]) for p in document["places"]}


def request_json(vignette: dict[str, Any]) -> dict[str, Any]:
    """The navigator request of a vignette, as the API takes it."""
    request = json.loads(json.dumps(vignette["request"]))
    request["community"] = COMMUNITY
    family = request.setdefault("family", {})
    place = family.pop("place", None)
    if place is not None:
        lat, lon = places()[place]
        family["location"] = {"lat": lat, "lon": lon}
    return request


def codes() -> set[str]:
    """Every vocabulary and screening code a sentence must not show."""
    terms = vocabulary.load().terms.values()
    found = {t.key for t in terms if "-" in t.key}
    found |= set(SCREENING_TOOLS)
    found |= {band for bands, _ages in SCREENING_TOOLS.values() for band in bands if "-" in band}
    # Hyphenated words the labels themselves use ("social-emotional") are words, not codes.
    words = {
        w
        for t in terms
        for label in (t.en, t.fr)
        for w in re.findall(r"[a-zà-ÿ0-9]+(?:-[a-zà-ÿ0-9]+)+", label.lower())
    }
    return found - words


def sentences(answer: dict[str, Any]) -> list[str]:
    """Every sentence of a plan a family reads."""
    out = []
    for step in answer["steps"]:
        out += [step["title"], step["why"], step.get("empty", {}).get("text", "")]
        for service in step["services"]:
            out += service["reasons"] + service["cautions"]
    for service in answer.get("for_you", []):
        out += service["reasons"] + service["cautions"]
    out += [item["text"] for item in answer.get("start_here", [])]
    out += [item["text"] for item in answer.get("notices", [])]
    out += [item.get("text", "") for item in answer.get("fallbacks", []) + answer.get("safety", [])]
    return [s for s in out if s]


def judge(vignette: dict[str, Any], answer: dict[str, Any]) -> list[str]:
    """What is wrong with a plan for a vignette; empty when the plan is right."""
    names = {service_id(key): key for key in _keys(vignette)}
    shown = {s["id"] for step in answer["steps"] for s in step["services"]}
    shown |= {a["service"] for a in answer.get("start_here", []) if a.get("service")}
    shown |= {s["id"] for s in answer.get("for_you", [])}
    first = {a["service"] for a in answer.get("start_here", []) if a.get("service")}
    lines = {line["id"] for line in answer.get("safety", []) + answer.get("fallbacks", []) if "id" in line}
    problems = []
    for key in vignette.get("must", []):  # a crisis line in the safety net is in the plan
        if service_id(key) not in shown | lines:
            problems.append(f"missing {key}")
    for key in vignette.get("must_not", []):
        if service_id(key) in shown:
            problems.append(f"should not offer {key}")
    wanted = vignette.get("start_here_any")
    if wanted and not first & {service_id(k) for k in wanted}:
        got = [names.get(i) or _key_of(i) for i in first] or "nothing"
        problems.append(f"start here has {got}, not one of {wanted}")
    if len(answer.get("start_here", [])) > 3:
        problems.append("more than three first actions")
    notices = {n["code"] for n in answer.get("notices", [])}
    for code in vignette.get("notices", []):
        if code not in notices:
            problems.append(f"no notice {code}")
    safety = {line.get("phone") for line in answer.get("safety", [])}
    if not {"911", "211"} <= safety:
        problems.append("no safety net (911 and 211)")
    for step in answer["steps"]:
        if not step["services"] and not step.get("also") and not step.get("empty"):
            problems.append(f"step {step['key']} is empty without a word")
    problems += words(answer, vignette["request"].get("language", "en"))
    return problems


def words(answer: dict[str, Any], language: str) -> list[str]:
    """Sentences that show a code or a word of the system."""
    found = []
    every = codes()
    for sentence in sentences(answer):
        tokens = set(
            re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)+", sentence)
        )  # codes are lower case; ASQ-3 is a name
        shown = sorted(tokens & every)
        if shown:
            found.append(f"code {shown[0]} in {sentence!r}")
        system = SYSTEM_WORDS[language].search(sentence)
        if system and not sentence.startswith(("“", "«")) and "“" not in sentence and "«" not in sentence:
            found.append(f"system word {system.group(0)!r} in {sentence!r}")
    return found


def _keys(vignette: dict[str, Any]) -> list[str]:
    return [*vignette.get("must", []), *vignette.get("must_not", []), *vignette.get("start_here_any", [])]


def run(vignette: dict[str, Any]) -> dict[str, Any]:
    """The plan for a vignette, through the same serializer and query as the API (the database must hold the
    demo community)."""
    # The bench scripts import this module before they set Django up (scratch_demo): models come later.
    from carepath.communities.models import Community  # noqa: PLC0415
    from carepath.navigator import queries  # noqa: PLC0415
    from carepath.navigator.serializers import MatchRequestSerializer  # noqa: PLC0415

    serializer = MatchRequestSerializer(data=request_json(vignette))
    if not serializer.is_valid():
        raise ValueError(f"{vignette['id']}: {serializer.errors}")
    answer = queries.plan_json(Community.objects.get(slug=COMMUNITY), None, serializer.to_request())
    assert isinstance(answer, dict), answer
    return answer


def _key_of(found: str) -> str:
    """The demo key of a service id (for messages)."""
    for vignette_key in _all_keys():
        if service_id(vignette_key) == found:
            return vignette_key
    return found


def _all_keys() -> list[str]:
    source = yaml.safe_load((ROOT / "demo" / COMMUNITY / "source.yaml").read_text(encoding="utf-8"))
    return [s["key"] for s in source["services"]]


@contextlib.contextmanager
def scratch_demo() -> Iterator[None]:
    """Django set up on a throwaway SQLite database holding the demo community (for the bench scripts)."""
    with tempfile.TemporaryDirectory() as folder:
        os.environ["CAREPATH_DATA_DIR"] = folder
        os.environ.pop("DATABASE_URL", None)
        os.environ.setdefault("DEBUG", "true")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carepath.settings")
        django.setup()
        call_command("migrate", verbosity=0)
        call_command("load-demo", "north-shore", verbosity=0)
        yield
