"""What the pathway checks find, in the reader's language: steps by title (and key), codes as labels, the
situations of families in words. ``checks.py`` finds; this module says."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext, ngettext

from carepath import i18n
from carepath.directory import vocabulary

from . import checks, describe, situations
from .graph import AgeRange, Pathway, in_language


class Words(checks.Words):
    """The pages', the API's and ``check-pathway``'s words for a pathway's findings (in the active language)."""

    def __init__(self, pathway: Pathway) -> None:
        self.titles = {step.key: step.title for step in pathway.steps}

    def translate(self, message: str) -> str:
        return gettext(message)

    def step(self, key: str) -> str:
        title = self.titles.get(key) or {}
        name = in_language(title, i18n.language())
        if not name or name == key:
            return gettext("“%(key)s”") % {"key": key}
        return gettext("“%(title)s” (%(key)s)") % {"title": name, "key": key}

    def situations(self, mask: int) -> str:
        found, more = situations.groups(mask)
        parts = [self._group(group) for group in found]
        text = "; ".join(parts)
        return gettext("%(situations)s, and others") % {"situations": text} if more else text

    def term(self, branch: str, code: str) -> str:
        return describe.term(branch, code)

    def _group(self, group: situations.Group) -> str:
        ages = ", ".join(
            ngettext("%(months)s month", "%(months)s months", low) % {"months": low}
            if low == high
            else describe.age_range(AgeRange(low, high))
            for low, high in group.ages
        )
        urgency = (
            gettext("any urgency")
            if group.urgencies is None
            else gettext("urgency: %(list)s")
            % {"list": describe.one_of([describe.urgency(u) for u in group.urgencies])}
        )
        if group.screens is None:
            screening = gettext("any screening result")
        else:
            said = [
                gettext("not screened yet")
                if screen is None
                else gettext("%(tool)s %(result)s")
                % {"tool": describe.tool(screen[0]), "result": describe.result(screen[1])}
                for screen in group.screens[:4]
            ]
            screening = describe.one_of(said) + (gettext(", and others") if len(group.screens) > 4 else "")
        return gettext("%(ages)s (%(urgency)s; %(screening)s)") % {
            "ages": ages,
            "urgency": urgency,
            "screening": screening,
        }


def listed(pathway: Pathway) -> list[checks.Finding]:
    """Every problem the checks find in a pathway (with the carepath vocabulary), errors first."""
    return checks.check(pathway, vocabulary.load())


def said(pathway: Pathway, findings: list[checks.Finding] | None = None) -> list[dict[str, Any]]:
    """The findings as the pages and the API show them: severity, code, step and the message in the active
    language."""
    words = Words(pathway)
    return [
        {"severity": f.severity, "code": f.code, "step": f.step, "text": f.message(words)}
        for f in (listed(pathway) if findings is None else findings)
    ]
