"""Checks that find holes in a pathway before families fall into them. Pure Python, no Django.

Errors block publishing; warnings do not. Each finding names the step and says what to do.

Coverage is worked out for every situation a family can be in at the start (``situations.py``): each age
from 0 to 83 months, each urgency and each screening result (or none yet).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .graph import MAX_MONTHS, SCREENING_TOOLS, STEP_BRANCHES, Criteria, Pathway, Situation, Step
from .situations import ERROR, WARNING, ages, check_coverage, describe, holds, situation_decides


def gettext_noop(message: str) -> str:
    return message


MESSAGES = {
    "no_steps": gettext_noop("The pathway has no steps. Start from the template or add a first step."),
    "duplicate_key": gettext_noop("Two steps share the key %(step)s. Give each step its own key."),
    "unknown_code": gettext_noop(
        "Step %(step)s lists %(value)s, which is not a %(branch)s of the carepath vocabulary. Choose one of the list."
    ),
    "bad_age": gettext_noop(
        "Step %(step)s: its age window starts after it ends (%(min)s to %(max)s months)."
    ),
    "no_entry": gettext_noop(
        "No step is marked as a way in. Mark the steps where families start as entry steps."
    ),
    "unknown_target": gettext_noop(
        "Step %(step)s has a transition to %(target)s, which is not a step. Choose a step."
    ),
    "two_otherwise": gettext_noop("Step %(step)s has more than one 'otherwise' transition. Keep one."),
    "otherwise_with_criteria": gettext_noop(
        "Step %(step)s: the 'otherwise' transition to %(target)s has criteria. Remove them: it applies when no other does."
    ),
    "unreachable": gettext_noop(
        "Step %(step)s cannot be reached from a way in. Add a transition to it, or mark it as an entry step."
    ),
    "dead_end": gettext_noop(
        "Step %(step)s is a dead end: it has no transition and is not out of care. Add a transition, "
        "or move it to the out-of-care stage if families finish here."
    ),
    "no_way_out": gettext_noop(
        "From step %(step)s no route leads out of care (steps %(cycle)s go round in a loop). "
        "Add a transition that leaves the loop."
    ),
    "never_holds": gettext_noop(
        "Step %(step)s: the transition to %(target)s can never apply (%(reason)s). Change its criteria."
    ),
    "overlap_conflict": gettext_noop(
        "Step %(step)s: the transitions to %(target)s and to %(other)s have the same criteria. "
        "Make them differ, or remove one."
    ),
    "overlap": gettext_noop(
        "Step %(step)s: the transitions to %(target)s and to %(other)s both apply in some situations (for example %(example)s). "
        "Check that this is meant."
    ),
    "no_help_for": gettext_noop(
        "A worry about %(concern)s at %(ages)s months leads to no help of its own: add a transition for it "
        "from a first step (the well-child visit, say) to a step that names it among its concerns."
    ),
    "no_entry_for": gettext_noop("No way in fits %(situations)s. Widen the age window of an entry step."),
    "no_route": gettext_noop(
        "At step %(step)s no transition applies for %(situations)s. Add an 'otherwise' transition or widen the criteria."
    ),
    "loop_only": gettext_noop(
        "For %(situations)s the pathway goes round without leaving care. Add a way out of the loop."
    ),
    "otherwise_unused": gettext_noop(
        "Step %(step)s: the 'otherwise' transition to %(target)s is never used, because the other transitions cover "
        "every situation. Remove it, or narrow the other transitions if it is meant for some families."
    ),
    "cannot_leave": gettext_noop(
        "Families with a child of %(situations)s are sent to step %(step)s (from %(sources)s), but no transition "
        "leads on from it for them. Widen the criteria of one of its transitions, add an 'otherwise' transition, "
        "or send them somewhere else."
    ),
}

BRANCHES = {
    "service-type": gettext_noop("service type"),
    "tier": gettext_noop("tier"),
    "concern": gettext_noop("concern"),
    "sector": gettext_noop("sector"),
}

REASONS = {
    "ages": gettext_noop("its ages do not meet the ages of the step"),
    "target_ages": gettext_noop("its ages do not meet the ages of the next step"),
    "tool_ages": gettext_noop("the screening tool is not used at these ages"),
    "bands": gettext_noop("a screening result is not one of the tool's results"),
    "care": gettext_noop("a family cannot be finishing care without being in care"),
    "age_order": gettext_noop("its age range starts after it ends"),
}


class Words:
    """How findings are put in words. This one says them in English with step keys and codes, for code with no
    Django; the pages, the API and ``check-pathway`` use ``pathways.findings.Words``: step titles, labels and
    the reader's language."""

    def translate(self, message: str) -> str:
        return message

    def step(self, key: str) -> str:
        return key

    def situations(self, mask: int) -> str:
        return describe(mask)

    def term(self, branch: str, code: str) -> str:
        return code


@dataclass(frozen=True)
class Finding:
    """A problem of the pathway. ``params`` hold codes, step keys and situations (as a mask); ``message`` says
    them in words."""

    code: str
    severity: str
    step: str = ""
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def message(self, words: Words | None = None) -> str:
        words = words or Words()
        params: dict[str, Any] = {"step": words.step(self.step) if self.step else ""}
        for name, value in self.params.items():
            if name in ("target", "other"):
                params[name] = words.step(value)
            elif name in ("cycle", "sources"):
                params[name] = ", ".join(words.step(key) for key in value)
            elif name in ("situations", "example"):
                params[name] = words.situations(value)
            elif name == "concern":
                params[name] = words.term("concern", value)
            elif name == "reason":
                params[name] = words.translate(REASONS[value])
            elif name == "branch":
                params[name] = words.translate(BRANCHES.get(value, value))
            else:
                params[name] = value
        return words.translate(MESSAGES[self.code]) % params

    def __str__(self) -> str:
        return f"{self.severity}: {self.message()}"


# --- The checks --------------------------------------------------------------------------------------------


def check(pathway: Pathway, vocabulary: Any = None) -> list[Finding]:
    """Every problem of the pathway, errors first."""
    findings: list[Finding] = []

    def add(code: str, severity: str, step: str = "", **params: Any) -> None:
        findings.append(Finding(code, severity, step, params))

    if not pathway.steps:
        add("no_steps", ERROR)
        return findings
    steps = pathway.by_key()
    if len(steps) != len(pathway.steps):
        seen: set[str] = set()
        for step in pathway.steps:
            if step.key in seen:
                add("duplicate_key", ERROR, step.key)
            seen.add(step.key)
    for step in pathway.steps:
        _check_step(step, steps, vocabulary, add)
    if not pathway.entries():
        add("no_entry", ERROR)
    if any(f.is_error for f in findings):
        return _sorted(findings)  # the graph checks need a well-formed graph
    _check_graph(pathway, steps, add)
    _check_transitions(pathway, steps, add)
    if not any(f.is_error for f in findings):
        check_coverage(pathway, steps, add)
        if vocabulary is not None:
            named = {c for step in pathway.steps for c in step.concerns}  # the worries the pathway is for
            _check_help_for_worries(
                pathway, steps, [c for c in vocabulary.codes("concern") if c in named], add
            )
    return _sorted(findings)


def _check_help_for_worries(pathway: Pathway, steps: dict[str, Step], concerns: list[str], add: Any) -> None:
    """Every worry the pathway is for, at every age, leads somewhere that serves it: from a universal first step (a touchpoint
    families start at), a transition for that worry to a step for it (a step that names the worry among the
    concerns it is for). The navigator gives a family with that worry no help of its own otherwise."""
    firsts = [s for s in pathway.steps if s.entry and s.kind == "touchpoint"]
    if not firsts:
        return
    for concern in concerns:
        missing = []
        for months in range(MAX_MONTHS + 1):
            situation = Situation(age_months=months, concerns=frozenset({concern}))
            if not any(
                step.age.contains(months) and _helps(step, steps, situation, concern) for step in firsts
            ):
                missing.append(months)
        for low, high in _runs(missing):
            add("no_help_for", WARNING, "", concern=concern, ages=f"{low}-{high}")


def _helps(step: Step, steps: dict[str, Step], situation: Situation, concern: str) -> bool:
    for transition in step.transitions:
        target = steps.get(transition.to)
        if transition.otherwise or target is None or not transition.criteria.holds(situation):
            continue
        named = set(transition.criteria.concerns_any) | set(transition.criteria.concerns_all)
        if concern in named and concern in target.concerns and target.age.contains(situation.age_months):
            return True
    return False


def _runs(months: list[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for month in months:
        if runs and runs[-1][1] == month - 1:
            runs[-1] = (runs[-1][0], month)
        else:
            runs.append((month, month))
    return runs


def _sorted(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: not f.is_error)


def _check_step(step: Step, steps: dict[str, Step], vocabulary: Any, add: Any) -> None:
    if vocabulary is not None:
        for attribute, branch in STEP_BRANCHES.items():
            known = set(vocabulary.codes(branch))
            for value in getattr(step, attribute):
                if value not in known:
                    add("unknown_code", ERROR, step.key, value=value, branch=branch)
        for transition in step.transitions:
            known = set(vocabulary.codes("concern"))
            for value in (*transition.criteria.concerns_any, *transition.criteria.concerns_all):
                if value not in known:
                    add("unknown_code", ERROR, step.key, value=value, branch="concern")
    if step.age.min > step.age.max:
        add("bad_age", ERROR, step.key, min=step.age.min, max=step.age.max)
    otherwise = [t for t in step.transitions if t.otherwise]
    if len(otherwise) > 1:
        add("two_otherwise", ERROR, step.key)
    for transition in step.transitions:
        if transition.to not in steps:
            add("unknown_target", ERROR, step.key, target=transition.to)
        if transition.otherwise and not transition.criteria.empty:
            add("otherwise_with_criteria", ERROR, step.key, target=transition.to)


def _check_graph(pathway: Pathway, steps: dict[str, Step], add: Any) -> None:
    forward = {key: [t.to for t in step.transitions] for key, step in steps.items()}
    reached = _reach([s.key for s in pathway.entries()], forward)
    for step in pathway.steps:
        if step.key not in reached:
            add("unreachable", ERROR, step.key)
    backward: dict[str, list[str]] = {key: [] for key in steps}
    for step in pathway.steps:
        for transition in step.transitions:
            backward[transition.to].append(step.key)
    finals = [s.key for s in pathway.steps if s.final and s.stage == "out-of-care"]
    leads_out = _reach(finals, backward)
    dead_ends = {s.key for s in pathway.steps if s.final and s.stage != "out-of-care"}
    for key in sorted(dead_ends):
        add("dead_end", ERROR, key)
    for step in pathway.steps:
        if step.key in leads_out or step.key not in reached or step.key in dead_ends:
            continue
        ahead = _reach([step.key], forward)
        if not ahead & dead_ends:  # a dead end ahead explains it already; otherwise it is a closed loop
            add("no_way_out", ERROR, step.key, cycle=tuple(sorted(ahead)[:6]))


def _reach(starts: Iterable[str], edges: dict[str, list[str]]) -> set[str]:
    seen = set(starts)
    queue = deque(seen)
    while queue:
        for nxt in edges.get(queue.popleft(), ()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def _never_reason(step: Step, target: Step | None, criteria: Criteria) -> str | None:
    if criteria.age is not None and criteria.age.min > criteria.age.max:
        return "age_order"
    if criteria.in_care is False and criteria.completing_care is True:
        return "care"
    if criteria.screening_tool is not None:
        bands, (low, high) = SCREENING_TOOLS[criteria.screening_tool]
        if not set(criteria.screening_results) <= set(bands):
            return "bands"
        window = criteria.age.intersect(step.age) if criteria.age else step.age
        if window is None or window.max < low or window.min > high:
            return "tool_ages"
    if criteria.age is not None:
        window = criteria.age.intersect(step.age)
        if window is None:
            return "ages"
        if target is not None and window.intersect(target.age) is None:
            return "target_ages"
    return None


def _check_transitions(pathway: Pathway, steps: dict[str, Step], add: Any) -> None:
    for step in pathway.steps:
        decided = [t for t in step.transitions if not t.otherwise]
        for transition in decided:
            reason = _never_reason(step, steps.get(transition.to), transition.criteria)
            if reason is not None:
                add("never_holds", ERROR, step.key, target=transition.to, reason=reason)
        at_step = ages(step.age.min, step.age.max)
        for index, first in enumerate(decided):
            for second in decided[index + 1 :]:
                if first.to == second.to:
                    continue
                if first.criteria == second.criteria:
                    add("overlap_conflict", ERROR, step.key, target=first.to, other=second.to)
                    continue
                # Routes by concern or care state run side by side (a child can have several concerns), and a
                # crisis step always comes first: only routes decided by the situation alone can contradict.
                if not (situation_decides(first.criteria) and situation_decides(second.criteria)):
                    continue
                if "crisis" in (steps[first.to].kind, steps[second.to].kind):
                    continue
                # Steps of different kinds run side by side too (an assessment and support meanwhile, a screen
                # beside a visit, the start of school beside a check-up): only two of a kind can contradict.
                if steps[first.to].kind != steps[second.to].kind:
                    continue
                both = holds(first.criteria) & holds(second.criteria) & at_step
                if both:
                    add(
                        "overlap",
                        WARNING,
                        step.key,
                        target=first.to,
                        other=second.to,
                        example=both & -both,
                    )
