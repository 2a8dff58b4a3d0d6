"""Pathway codes, criteria and facts in words a planner can read aloud, in the page's language.

The one place where a pathway's codes become labels: step kinds and stages, urgencies, screening tools and
results, and vocabulary terms (from ``directory.vocabulary``). Pages, forms and the navigator call these and
never show a code; templates given a bare code use the ``term_label`` and ``language_name`` filters, which read
the same vocabulary and ``i18n.language_name``."""

from __future__ import annotations

from django.utils.text import get_text_list
from django.utils.translation import gettext, gettext_lazy, ngettext, pgettext

from carepath import i18n
from carepath.directory import vocabulary

from .graph import AgeRange, Criteria, Step

KIND_LABELS = {
    "touchpoint": gettext_lazy("Touchpoint"),
    "screen": gettext_lazy("Screening"),
    "assess": gettext_lazy("Assessment"),
    "refer": gettext_lazy("Referral"),
    "intervene": gettext_lazy("Intervention"),
    "wait-support": gettext_lazy("Support while waiting"),
    "consult": gettext_lazy("Consultation"),
    "coordinate": gettext_lazy("Coordination"),
    "transition": gettext_lazy("Transition"),
    "monitor": gettext_lazy("Monitoring"),
    "crisis": gettext_lazy("Crisis"),
}
STAGE_LABELS = {
    "to-care": gettext_lazy("To care"),
    "through-care": gettext_lazy("Through care"),
    "out-of-care": gettext_lazy("Out of care"),
}
URGENCY_LABELS = {
    "routine": gettext_lazy("routine"),
    "soon": gettext_lazy("soon"),
    "crisis": gettext_lazy("crisis"),
}
TOOLS = {"asq-se-2": "ASQ:SE-2", "asq-3": "ASQ-3", "m-chat-r": "M-CHAT-R/F", "looksee": "Looksee"}
RESULT_LABELS = {
    "above-cutoff": gettext_lazy("above the cutoff"),
    "below-cutoff": gettext_lazy("below the cutoff"),
    "monitor": gettext_lazy("monitoring zone"),
    "ok": gettext_lazy("no concern"),
    "on-track": gettext_lazy("on track"),
    "low": gettext_lazy("low risk"),
    "medium": gettext_lazy("medium risk"),
    "high": gettext_lazy("high risk"),
    "concerns": gettext_lazy("some concerns"),
    "no-concerns": gettext_lazy("no concerns"),
}


def kind(code: str) -> str:
    return str(KIND_LABELS.get(code, code))


def stage(code: str) -> str:
    return str(STAGE_LABELS.get(code, code))


def term(branch: str, key: str) -> str:
    found = vocabulary.load().terms.get(f"{branch}/{key}")
    return found.label(i18n.language()) if found else key


def terms(branch: str, keys: list[str] | tuple[str, ...]) -> list[str]:
    return [term(branch, key) for key in keys]


def urgency(code: str) -> str:
    return str(URGENCY_LABELS.get(code, code))


def tool(code: str) -> str:
    return TOOLS.get(code, code)


def result(code: str) -> str:
    return str(RESULT_LABELS.get(code, code))


def screening(tool_code: str, result_code: str) -> str:
    """A screening tool and one of its results: "ASQ:SE-2: above the cutoff"."""
    return gettext("%(tool)s: %(result)s") % {"tool": tool(tool_code), "result": result(result_code)}


def one_of(items: list[str]) -> str:
    """Alternatives as words: "routine or soon", "habituelle ou bientôt"."""
    return str(get_text_list(items, gettext("or")))


def in_sentence(label: str) -> str:
    """A label as it reads inside a sentence, after a colon: no capital ("Sleep" -> "sleep"), unless it starts
    with an acronym ("ASQ-3")."""
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


def listed(labels: list[str]) -> str:
    """Labels as a list inside a sentence. A semicolon separates them, as some have commas of their own
    ("trauma, loss or adversity; fears and anxiety")."""
    return pgettext("between the items of a list whose items may have commas", "; ").join(
        in_sentence(label) for label in labels
    )


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
            % {"list": listed(terms("concern", criteria.concerns_any))}
        )
    if criteria.concerns_all:
        out.append(
            gettext("The family is worried about all of: %(list)s.")
            % {"list": listed(terms("concern", criteria.concerns_all))}
        )
    if criteria.screening_tool is not None:
        out.append(
            gettext("Screened with %(tool)s: %(results)s.")
            % {
                "tool": tool(criteria.screening_tool),
                "results": one_of([result(r) for r in criteria.screening_results]),
            }
        )
    if criteria.urgency:
        out.append(gettext("Urgency: %(list)s.") % {"list": one_of([urgency(u) for u in criteria.urgency])})
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
