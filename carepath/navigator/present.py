"""A plan in words: the engine's codes made into the contract's JSON, in the family's language."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from carepath.directory import vocabulary
from carepath.directory.services import language_label
from carepath.pathways import describe

from .engine import Match, Plan, PlanStep


def _label(branch: str, code: str, language: str) -> str:
    term = vocabulary.load().terms.get(f"{branch}/{code}")
    return term.label(language) if term else code


def _labels(branch: str, codes: list[str], language: str) -> str:
    return ", ".join(
        _label(branch, code, language).lower() if branch != "population" else _label(branch, code, language)
        for code in codes
    )


def reason(code: str, params: dict[str, Any], language: str) -> str:
    """One reason or caution in words."""
    if code == "type":
        return _("Offers %(types)s, which this step calls for.") % {
            "types": _labels("service-type", params["types"], language)
        }
    if code == "crisis":
        return _("Crisis help for young children and their families.")
    if code == "concerns":
        return _("Helps with %(concerns)s.") % {"concerns": _labels("concern", params["concerns"], language)}
    if code == "least-intensive":
        return _("The lightest level of care that fits this step: more intensive help stays open if needed.")
    if code == "language":
        return _("Offered in %(languages)s.") % {
            "languages": _(" and ").join(language_label(c) for c in params["languages"])
        }
    if code == "interpretation":
        return _("Not offered in your languages: ask for the interpreter they offer.")
    if code == "delivery":
        return _("Offered the way you prefer: %(delivery)s.") % {
            "delivery": _labels("delivery", params["delivery"], language)
        }
    if code == "delivery-other":
        return _("Not offered the way you prefer; offered: %(delivery)s.") % {
            "delivery": _labels("delivery", params["delivery"], language) or _("not stated")
        }
    if code == "near":
        return _("About %(km)s km from you.") % {"km": _number(params["km"], language)}
    if code == "far":
        return _("About %(km)s km from you: ask about travel support.") % {
            "km": _number(params["km"], language)
        }
    if code == "comes-to-you":
        return _("No travel needed: %(delivery)s.") % {
            "delivery": _labels("delivery", params["delivery"], language)
        }
    if code == "check-place":
        return _("Offered in person only: check where before you go.")
    if code == "check-area":
        return _("Serves some areas only: check that you live in its area.")
    if code == "wait-ok":
        return (
            ngettext(
                "Usually starts within %(days)s day, inside this step's target of %(target)s days.",
                "Usually starts within %(days)s days, inside this step's target of %(target)s days.",
                params["days"],
            )
            % params
        )
    if code == "wait-long":
        return (
            _(
                "Usual wait of %(days)s days, longer than this step's target of %(target)s days: ask what support there is while you wait."
            )
            % params
        )
    if code == "free":
        return _("Free.")
    if code == "fee":
        return _("There is a fee.")
    if code == "indigenous-led":
        return _("An Indigenous-led service.")
    if code == "population":
        return _("Made for %(populations)s families.") % {
            "populations": _labels("population", params["populations"], language)
        }
    if code == "referral-needed":
        return _("Needs a referral from a professional, such as your doctor or nurse practitioner.")
    if code == "self-referral":
        return _("You can contact them yourself.")
    return code


def _number(value: float, language: str) -> str:
    text = f"{value:.0f}" if value >= 10 else f"{value:.1f}"
    return text.replace(".", ",") if language == "fr" else text


# Why a step is in the plan, by the engine's code; "%(step)s" is the step it follows.
WHY = {
    "crisis": gettext_lazy("You said this is a crisis: get help now."),
    "first-steps": gettext_lazy(
        "Every child's care starts with regular check-ups and developmental screening."
    ),
    "screen-result": gettext_lazy("What the pathway says to do after a screening result like yours."),
    "after-step": gettext_lazy("What comes after “%(step)s”."),
    "in-care": gettext_lazy("Your child is in care: what keeps it on track and what comes next."),
    "leaving-care": gettext_lazy("When care ends: how to step down, or move on to school."),
    "while-waiting": gettext_lazy(
        "Services for “%(step)s” usually wait longer than the pathway's target: support while you wait."
    ),
}


def why(plan_step: PlanStep, steps_by_key: dict[str, Any], language: str) -> str:
    """Why this step is in the plan, with the pathway's own criteria when a transition led here."""
    conditions = []
    if plan_step.via is not None and not plan_step.via.otherwise:
        conditions = describe.conditions(plan_step.via.criteria)
    after = steps_by_key.get(plan_step.after) if plan_step.after else None
    after_title = _text(after.title, language) if after else ""
    lead = str(WHY[plan_step.why]) % {"step": after_title}
    return " ".join([lead, *conditions])


def _text(value: dict[str, str], language: str) -> str:
    return value.get(language) or value.get("en") or value.get("fr") or ""


def service(match: Match, language: str) -> dict[str, Any]:
    facts = match.facts
    return {
        "id": facts.id,
        "name": (facts.name_fr or facts.name) if language == "fr" else facts.name,
        "organization": (facts.organization_fr or facts.organization)
        if language == "fr"
        else facts.organization,
        "score": match.score,
        "delivery": sorted(facts.delivery),
        "distance_km": match.distance_km,
        "wait_days": facts.wait_days,
        "reasons": [reason(code, params, language) for code, params in match.reasons],
        "cautions": [reason(code, params, language) for code, params in match.cautions],
    }


def as_json(plan: Plan, community: str, pathway_id: str, version: int) -> dict[str, Any]:
    """The answer of ``POST /api/v1/navigator/match`` (CONTRACTS.md section 3)."""
    language = plan.request.language
    with translation.override(language):
        steps_by_key = plan.pathway.by_key()
        steps = [
            {
                "key": item.step.key,
                "stage": item.step.stage,
                "title": _text(item.step.title, language),
                "why": why(item, steps_by_key, language),
                "when": item.when,
                "services": [service(found, language) for found in item.services],
            }
            for item in plan.steps
        ]
        recommendations = [
            {**service(found, language), "step": found.step} for found in plan.recommendations()
        ]
    return {
        "community": community,
        "pathway": {"id": pathway_id, "title": _text(plan.pathway.title, language), "version": version},
        "steps": steps,
        "recommendations": recommendations,
    }
