"""The carepath vocabulary (CONTRACTS.md section 1), read from ``taxonomy.yaml`` beside this module.

Terms have stable ids derived from their codes, so every Carepath install, export and partner system gives a
term the same HSDS id. No Django here: the importer, the pathway checks and the navigator all use it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

TAXONOMY_NAME = "carepath"
NAMESPACE = uuid.UUID("6f1c1a52-3c2e-5b8e-9a57-0c6a1b7e2d10")
TAXONOMY_ID = str(uuid.uuid5(NAMESPACE, "taxonomy:carepath"))
POPULATION_VALUES = ("only", "focus")
WAIT_DAYS = "wait-days"
SOURCE = Path(__file__).parent / "taxonomy.yaml"


@dataclass(frozen=True)
class Term:
    code: str  # BRANCH/CODE, or the branch itself for a branch term such as wait-days
    branch: str
    en: str
    fr: str
    rank: int | None = None
    exclusive: bool = False  # a service type listed only under steps that call for it

    @property
    def id(self) -> str:
        return term_id(self.code)

    @property
    def key(self) -> str:
        return self.code.rsplit("/", 1)[-1]

    @property
    def parent_code(self) -> str | None:
        return self.branch if self.code != self.branch else None

    def label(self, language: str) -> str:
        return self.fr if language == "fr" else self.en


def term_id(code: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"term:{code}"))


@dataclass(frozen=True)
class Vocabulary:
    name: dict[str, str]
    terms: dict[str, Term]  # by code, branch terms included

    @property
    def branches(self) -> list[str]:
        return [code for code, term in self.terms.items() if term.parent_code is None]

    def in_branch(self, branch: str) -> list[Term]:
        return [term for term in self.terms.values() if term.branch == branch and term.code != branch]

    def codes(self, branch: str) -> list[str]:
        return [term.key for term in self.in_branch(branch)]

    def by_id(self) -> dict[str, Term]:
        return {term.id: term for term in self.terms.values()}


BRANCH_LABELS = {
    "service-type": {"en": "Service type", "fr": "Type de service"},
    "concern": {"en": "Concern", "fr": "Préoccupation"},
    "delivery": {"en": "Delivery", "fr": "Mode de prestation"},
    "tier": {"en": "Tier of care", "fr": "Niveau de soins"},
    "sector": {"en": "Sector", "fr": "Secteur"},
    "population": {"en": "Population", "fr": "Population"},
    "referral": {"en": "Referral", "fr": "Accès"},
    "cost": {"en": "Cost", "fr": "Coût"},
}


@cache
def load(path: Path = SOURCE) -> Vocabulary:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    header = document.pop("taxonomy")
    terms: dict[str, Term] = {}
    for branch, body in document.items():
        if "en" in body and "fr" in body and not isinstance(body["en"], dict):
            terms[branch] = Term(branch, branch, body["en"], body["fr"])  # a valued branch: wait-days
            continue
        label = BRANCH_LABELS.get(branch, {"en": branch, "fr": branch})
        terms[branch] = Term(branch, branch, label["en"], label["fr"])
        for key, labels in body.items():
            code = f"{branch}/{key}"
            terms[code] = Term(
                code, branch, labels["en"], labels["fr"], labels.get("rank"), bool(labels.get("exclusive"))
            )
    return Vocabulary(name=header["name"], terms=terms)
