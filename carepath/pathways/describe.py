"""Pathway criteria and facts in words a planner can read aloud, in the page's language."""

from __future__ import annotations

from django.utils.translation import gettext, ngettext

from carepath import i18n
from carepath.directory import vocabulary

from .graph import AgeRange, Criteria, Step

TOOLS = {"asq-se-2": "ASQ:SE-2", "asq-3": "ASQ-3", "m-chat-r": "M-CHAT-R/F", "looksee": "Looksee"}


def term(branch: str, key: str) -> str:
    found = vocabulary.load().terms.get(f"{branch}/{key}")
    return found.label(i18n.language()) if found else key


def terms(branch: str, keys: list[str] | tuple[str, ...]) -> list[str]:
    return [term(branch, key) for key in keys]


def urgency(code: str) -> str:
    return {"routine": gettext("routine"), "soon": gettext("soon"), "crisis": gettext("crisis")}.get(
        code, code
    )


def result(code: str) -> str:
    return {
        "above-cutoff": gettext("above the cutoff"),
        "below-cutoff": gettext("below the cutoff"),
        "monitor": gettext("monitoring zone"),
        "ok": gettext("no concern"),
        "on-track": gettext("on track"),
        "low": gettext("low risk"),
        "medium": gettext("medium risk"),
        "high": gettext("high risk"),
        "concerns": gettext("some concerns"),
        "no-concerns": gettext("no concerns"),
    }.get(code, code)


def conditions(criteria: Criteria) -> list[str]:
    """Each condition as a full phrase; an empty list means "always"."""
    out = []
    if criteria.age is not None:
        out.append(
            gettext("The child is %(min)s to %(max)s months old.")
            % {"min": criteria.age.min, "max": criteria.age.max}
        )
    if criteria.concerns_any:
        out.append(
            gettext("The family is worried about any of: %(list)s.")
            % {"list": ", ".join(terms("concern", criteria.concerns_any))}
        )
    if criteria.concerns_all:
        out.append(
            gettext("The family is worried about all of: %(list)s.")
            % {"list": ", ".join(terms("concern", criteria.concerns_all))}
        )
    if criteria.screening_tool is not None:
        out.append(
            gettext("Screened with %(tool)s: %(results)s.")
            % {
                "tool": TOOLS.get(criteria.screening_tool, criteria.screening_tool),
                "results": ", ".join(result(r) for r in criteria.screening_results),
            }
        )
    if criteria.urgency:
        out.append(gettext("Urgency: %(list)s.") % {"list": ", ".join(urgency(u) for u in criteria.urgency)})
    if criteria.in_care is True:
        out.append(gettext("The child is already in care."))
    elif criteria.in_care is False:
        out.append(gettext("The child is not in care yet."))
    if criteria.completing_care is True:
        out.append(gettext("The child is completing care."))
    elif criteria.completing_care is False:
        out.append(gettext("The child is not completing care."))
    return out


def ages(step: Step) -> str:
    return age_range(step.age)


def age_range(age: AgeRange) -> str:
    return gettext("%(min)s to %(max)s months") % {"min": age.min, "max": age.max}


def target(step: Step) -> str:
    return days(step.target_days)


def days(count: int | None) -> str:
    if count is None:
        return ""
    return ngettext("%(days)s day", "%(days)s days", count) % {"days": count}
