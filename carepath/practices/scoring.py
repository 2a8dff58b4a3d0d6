"""Alignment scores and agreement between respondents. Pure functions, no Django.

Answers map a question code to a level (an int on the instrument's scale) or to ``None`` for "not
applicable"; a question left out is unanswered. An item's score is the mean of its answered levels, a
section's the mean of its scored items, the overall score the mean of the scored sections, so a section
with many questions weighs no more than one with few. "Not applicable" and unanswered questions count
nowhere; a part with nothing to count has no score (``None``), never zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from statistics import fmean, median_low

from .instruments import Layout

Answers = Mapping[str, int | None]


def _mean(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return fmean(present) if present else None


@dataclass(frozen=True)
class Scores:
    items: dict[str, float | None]
    sections: dict[str, float | None]
    overall: float | None
    answered: int = 0
    not_applicable: int = 0
    total: int = 0

    @property
    def complete(self) -> bool:
        return self.answered + self.not_applicable == self.total


def score(layout: Layout, answers: Answers) -> Scores:
    items: dict[str, float | None] = {}
    sections: dict[str, float | None] = {}
    for section in layout.sections:
        for item in section.items:
            items[item.code] = _mean(answers.get(q) for q in item.questions)
        sections[section.code] = _mean(items[item.code] for item in section.items)
    asked = layout.questions
    return Scores(
        items=items,
        sections=sections,
        overall=_mean(sections.values()),
        answered=sum(1 for q in asked if answers.get(q) is not None),
        not_applicable=sum(1 for q in asked if q in answers and answers[q] is None),
        total=len(asked),
    )


def average(layout: Layout, many: Sequence[Scores]) -> Scores:
    """The mean of several submissions' scores, part by part (the registry average)."""
    items = {item.code: _mean(s.items.get(item.code) for s in many) for item in layout.items}
    sections = {
        section.code: _mean(s.sections.get(section.code) for s in many) for section in layout.sections
    }
    return Scores(items=items, sections=sections, overall=_mean(s.overall for s in many), total=len(many))


AGREE, CLOSE, DIFFER, SINGLE = "agree", "close", "differ", "single"


@dataclass(frozen=True)
class Agreement:
    """How a group answered one question: every level given, how far apart, and a starting point."""

    levels: tuple[int, ...]
    not_applicable: int
    kind: str  # agree, close, differ, or single (fewer than two answers to compare)
    spread: int | None
    suggestion: int | None = field(default=None)


def agreement(layout: Layout, people: Sequence[Answers]) -> dict[str, Agreement]:
    """Per question: everyone the same (agree), one level apart (close), more or mixed with N/A (differ).

    The suggestion for the consensus meeting is the lower median of the levels given, or None when most
    said "not applicable".
    """
    out = {}
    for question in layout.questions:
        given = [p[question] for p in people if question in p]
        levels = tuple(sorted(v for v in given if v is not None))
        na = sum(1 for v in given if v is None)
        spread = levels[-1] - levels[0] if levels else None
        if len(given) < 2:
            kind = SINGLE
        elif na and levels:
            kind = DIFFER
        elif not levels or spread == 0:
            kind = AGREE
        elif spread == 1:
            kind = CLOSE
        else:
            kind = DIFFER
        suggestion = median_low(levels) if levels and len(levels) >= na else None
        out[question] = Agreement(levels, na, kind, spread, suggestion)
    return out
