"""What the pages and the API show of a practice: labels in a language, restricted fields left out for
the public, and why a practice earned its tier."""

from __future__ import annotations

from typing import Any

from . import codes, rubric
from .models import Decision, Evidence, Practice


def lines(text: str) -> list[str]:
    return [line.strip(" -•\t") for line in (text or "").splitlines() if line.strip(" -•\t")]


def labels(branch: str, values: list[str], language: str) -> list[str]:
    return [codes.label(branch, code, language) for code in values]


def approaches(practice: Practice, language: str) -> list[dict[str, str]]:
    if practice.instrument is None:
        return []
    items = practice.instrument.items
    return [
        {"code": code, "title": items[code]["title"][language]}
        for code in practice.approaches
        if code in items
    ]


def grade_of(decision: Decision, practice: Practice) -> rubric.Result:
    """The rubric applied to the ratings a decision agreed."""
    agreed = {code: value["rating"] for code, value in decision.ratings.items()}
    return rubric.grade(rubric.load(), agreed, indigenous=practice.indigenous)


def evidence_ids(decision: Decision, criterion: str) -> list[int]:
    """The evidence items the reviewers rested a criterion's rating on."""
    ids: list[int] = decision.ratings.get(criterion, {}).get("evidence", [])
    return ids


def why(
    decision: Decision, practice: Practice, evidence: dict[int, Evidence], language: str
) -> dict[str, Any]:
    """The rubric applied to a decision's agreed ratings: each tier, each requirement, met or not, with the
    criteria, their ratings and the evidence they rest on (evidence kept private is not listed publicly)."""
    grading = rubric.load()
    titles = {c.code: c.title[language] for c in grading.criteria(True)}
    result = grade_of(decision, practice)
    tiers = []
    for tier in result.tiers:
        requirements = []
        for check in tier.checks:
            criteria = []
            for code, rating in check.ratings:
                ids = evidence_ids(decision, code)
                criteria.append(
                    {
                        "code": code,
                        "title": titles.get(code, code),
                        "rating": rating,
                        "rating_label": grading.ratings[rating]["label"][language],
                        "evidence": [evidence[i] for i in ids if i in evidence],
                    }
                )
            cited = {e.pk: e for c in criteria for e in c["evidence"]}  # each item once, in order
            requirements.append(
                {
                    "label": check.requirement.label[language],
                    "met": check.met,
                    "criteria": criteria,
                    "evidence": list(cited.values()),
                }
            )
        tiers.append(
            {
                "code": tier.tier.code,
                "title": tier.tier.title[language],
                "meaning": tier.tier.meaning[language],
                "earned": tier.earned,
                "requirements": requirements,
            }
        )
    return {"tier": result.tier, "tiers": tiers}


def practice(practice: Practice, language: str, *, public: bool) -> dict[str, Any]:
    """Everything the practice page shows; with ``public`` the restricted fields are left out."""

    def shown(field: str) -> bool:
        return not public or practice.shows(field)

    def text(field: str) -> str:
        return str(getattr(practice, f"{field}_{language}") or getattr(practice, f"{field}_en") or "")

    decision = practice.latest_decision()
    evidence = list(practice.evidence.all()) if shown("evidence") else []
    return {
        "practice": practice,
        "name": text("name"),
        "summary": text("summary"),
        "description": text("description") if shown("description") else "",
        "conditions": text("conditions") if shown("conditions") else "",
        "core_components": lines(text("core_components")) if shown("core_components") else [],
        "adaptable_components": lines(text("adaptable_components")) if shown("adaptable_components") else [],
        "outcomes": text("outcomes") if shown("outcomes") else "",
        "contacts": lines(practice.contacts) if shown("contacts") else [],
        "region": practice.region if shown("region") else "",
        "jurisdictions": labels("jurisdiction", practice.jurisdictions, language),
        "settings": labels("setting", practice.settings, language),
        "populations": labels("population", practice.populations, language),
        "dimensions": labels("dimension", practice.dimensions, language),
        "approaches": approaches(practice, language),
        "organizations": list(practice.organizations.all()),
        "evidence": evidence,
        "restricted": [] if public else list(practice.restricted_fields),
        "decision": decision,
        "why": why(decision, practice, {e.pk: e for e in evidence}, language) if decision else None,
        "case_studies": list(practice.case_studies.public()) if public else list(practice.case_studies.all()),
    }


def summary(practice: Practice, language: str) -> dict[str, Any]:
    """A practice as one row of the registry's list."""
    return {
        "practice": practice,
        "name": getattr(practice, f"name_{language}") or practice.name_en,
        "summary": getattr(practice, f"summary_{language}") or practice.summary_en,
        "organizations": [o.name for o in practice.organizations.all()],
        "jurisdictions": labels("jurisdiction", practice.jurisdictions, language),
        "dimensions": labels("dimension", practice.dimensions, language),
    }
