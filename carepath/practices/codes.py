"""The registry's codes (dimensions, settings, populations, jurisdictions, evidence and organization kinds)
with their English and French labels, read from ``data/registry.yaml``. No Django."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

SOURCE = Path(__file__).parent / "data" / "registry.yaml"
BRANCHES = ("dimension", "setting", "population", "jurisdiction", "evidence", "organization")
# Settings and populations that make a practice's content Indigenous (OCAP approval before publishing).
INDIGENOUS_SETTINGS = frozenset({"first-nations-community", "inuit-nunangat", "metis"})


@cache
def load() -> dict[str, dict[str, dict[str, str]]]:
    data = yaml.safe_load(SOURCE.read_text(encoding="utf-8"))
    return {branch: {str(code): labels for code, labels in data[branch].items()} for branch in BRANCHES}


def codes(branch: str) -> list[str]:
    return list(load()[branch])


def label(branch: str, code: str, language: str) -> str:
    labels = load()[branch].get(code)
    if labels is None:
        return code
    return labels.get(language) or labels["en"]


def choices(branch: str, language: str) -> list[tuple[str, str]]:
    return [(code, label(branch, code, language)) for code in codes(branch)]


def unknown(branch: str, values: list[str]) -> list[str]:
    known = load()[branch]
    return [v for v in values if v not in known]
