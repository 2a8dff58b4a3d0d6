"""Checks that find holes in a pathway before families fall into them. Pure Python, no Django.

Errors block publishing; warnings do not. Each finding names the step and says what to do.

Coverage is worked out for every situation a family can be in at the start: each age from 0 to 83 months,
each urgency and each screening result (or none yet). A situation is a bit of a Python integer, so the
question "from which situations does this step still lead out of care?" is a handful of integer operations
per transition, whatever the number of steps.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .graph import (
    MAX_MONTHS,
    SCREENING_TOOLS,
    STEP_BRANCHES,
    URGENCIES,
    Criteria,
    Pathway,
    Situation,
    Step,
    Transition,
)

ERROR = "error"
WARNING = "warning"


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
        "every situation."
    ),
}

REASONS = {
    "ages": gettext_noop("its ages do not meet the ages of the step"),
    "target_ages": gettext_noop("its ages do not meet the ages of the next step"),
    "tool_ages": gettext_noop("the screening tool is not used at these ages"),
    "bands": gettext_noop("a screening result is not one of the tool's results"),
    "care": gettext_noop("a family cannot be finishing care without being in care"),
    "age_order": gettext_noop("its age range starts after it ends"),
}


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    step: str = ""
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def message(self, translate: Any = None) -> str:
        template = MESSAGES[self.code]
        params = dict(self.params, step=self.step)
        if callable(translate):
            template = translate(template)
            if "reason" in params:
                params["reason"] = translate(params["reason"])
        return template % params

    def __str__(self) -> str:
        return f"{self.severity}: {self.message()}"


# --- Situations as bits -----------------------------------------------------------------------------------

AGES = MAX_MONTHS + 1
SCREENS: tuple[tuple[str, str] | None, ...] = (
    None,
    *[(tool, band) for tool, (bands, _) in SCREENING_TOOLS.items() for band in bands],
)
BLOCKS = len(URGENCIES) * len(SCREENS)
ALL = (1 << (AGES * BLOCKS)) - 1
_REPEAT = sum(1 << (AGES * block) for block in range(BLOCKS))


def _ages(low: int, high: int) -> int:
    """Situations whose age is within [low, high], for every urgency and screening result."""
    low, high = max(low, 0), min(high, MAX_MONTHS)
    if low > high:
        return 0
    return (((1 << (high - low + 1)) - 1) << low) * _REPEAT


def _blocks(urgencies: Iterable[int], screens: Iterable[int]) -> int:
    full = (1 << AGES) - 1
    mask = 0
    for u in urgencies:
        for s in screens:
            mask |= full << (AGES * (u * len(SCREENS) + s))
    return mask


def _holds(criteria: Criteria) -> int:
    """Situations in which the criteria can hold (concerns and care state are left open)."""
    mask = ALL
    if criteria.age is not None:
        mask &= _ages(criteria.age.min, criteria.age.max)
    urgencies = (
        [URGENCIES.index(u) for u in criteria.urgency if u in URGENCIES] if criteria.urgency else range(3)
    )
    screens: Iterable[int] = range(len(SCREENS))
    if criteria.screening_tool is not None:
        screens = [
            i
            for i, screen in enumerate(SCREENS)
            if screen and screen[0] == criteria.screening_tool and screen[1] in criteria.screening_results
        ]
    if criteria.urgency or criteria.screening_tool is not None:
        mask &= _blocks(urgencies, screens)
    return mask


def _decided(criteria: Criteria) -> bool:
    """Whether the situation alone decides the criteria (no concern or care-state condition)."""
    return not (
        criteria.concerns_any
        or criteria.concerns_all
        or criteria.in_care is not None
        or criteria.completing_care is not None
    )


def describe(mask: int) -> str:
    """Situations for people: "0-15 months (routine, soon; no screening yet)"; groups that share ages."""
    groups: dict[tuple[tuple[int, int], ...], list[tuple[int, int]]] = {}
    for u in range(len(URGENCIES)):
        for s in range(len(SCREENS)):
            bits = (mask >> (AGES * (u * len(SCREENS) + s))) & ((1 << AGES) - 1)
            if bits:
                groups.setdefault(_ranges(bits), []).append((u, s))
    parts = []
    for ranges, cells in groups.items():
        ages = ", ".join(f"{a}-{b}" if a != b else str(a) for a, b in ranges)
        urgencies = sorted({u for u, _ in cells})
        screens = sorted({s for _, s in cells})
        urgency_text = (
            "any urgency"
            if len(urgencies) == len(URGENCIES)
            else " or ".join(URGENCIES[u] for u in urgencies)
        )
        screen_text = (
            "any screening"
            if len(screens) == len(SCREENS)
            else ", ".join(
                "no screening yet" if SCREENS[s] is None else f"{SCREENS[s][0]} {SCREENS[s][1]}"  # type: ignore[index]
                for s in screens[:4]
            )
            + (" ..." if len(screens) > 4 else "")
        )
        parts.append(f"{ages} months ({urgency_text}; {screen_text})")
        if len(parts) == 3:
            break
    return "; ".join(parts) + (" ..." if len(groups) > 3 else "")


def _ranges(bits: int) -> tuple[tuple[int, int], ...]:
    ranges = []
    age = 0
    while bits:
        if bits & 1:
            start = age
            while bits & 1:
                bits >>= 1
                age += 1
            ranges.append((start, age - 1))
        else:
            skip = (bits & -bits).bit_length() - 1
            bits >>= skip
            age += skip
    return tuple(ranges)


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
        _check_coverage(pathway, steps, add)
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
            add("no_way_out", ERROR, step.key, cycle=", ".join(sorted(ahead)[:6]))


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
        return REASONS["age_order"]
    if criteria.in_care is False and criteria.completing_care is True:
        return REASONS["care"]
    if criteria.screening_tool is not None:
        bands, (low, high) = SCREENING_TOOLS[criteria.screening_tool]
        if not set(criteria.screening_results) <= set(bands):
            return REASONS["bands"]
        window = criteria.age.intersect(step.age) if criteria.age else step.age
        if window is None or window.max < low or window.min > high:
            return REASONS["tool_ages"]
    if criteria.age is not None:
        window = criteria.age.intersect(step.age)
        if window is None:
            return REASONS["ages"]
        if target is not None and window.intersect(target.age) is None:
            return REASONS["target_ages"]
    return None


def _check_transitions(pathway: Pathway, steps: dict[str, Step], add: Any) -> None:
    for step in pathway.steps:
        decided = [t for t in step.transitions if not t.otherwise]
        for transition in decided:
            reason = _never_reason(step, steps.get(transition.to), transition.criteria)
            if reason is not None:
                add("never_holds", ERROR, step.key, target=transition.to, reason=reason)
        at_step = _ages(step.age.min, step.age.max)
        for index, first in enumerate(decided):
            for second in decided[index + 1 :]:
                if first.to == second.to:
                    continue
                if first.criteria == second.criteria:
                    add("overlap_conflict", ERROR, step.key, target=first.to, other=second.to)
                    continue
                # Routes by concern or care state run side by side (a child can have several concerns), and a
                # crisis step always comes first: only routes decided by the situation alone can contradict.
                if not (_decided(first.criteria) and _decided(second.criteria)):
                    continue
                if "crisis" in (steps[first.to].kind, steps[second.to].kind):
                    continue
                # Steps of different kinds run side by side too (an assessment and support meanwhile, a screen
                # beside a visit, the start of school beside a check-up): only two of a kind can contradict.
                if steps[first.to].kind != steps[second.to].kind:
                    continue
                both = _holds(first.criteria) & _holds(second.criteria) & at_step
                if both:
                    add(
                        "overlap",
                        WARNING,
                        step.key,
                        target=first.to,
                        other=second.to,
                        example=describe(both & -both),
                    )


def _care_compatible(a: Criteria, b: Criteria) -> bool:
    return not (
        (a.in_care is not None and b.in_care is not None and a.in_care != b.in_care)
        or (
            a.completing_care is not None
            and b.completing_care is not None
            and a.completing_care != b.completing_care
        )
    )


def _edges(step: Step, steps: dict[str, Step]) -> list[tuple[Transition, int]]:
    """Each transition of the step with the situations in which a family can take it."""
    decided = 0
    for transition in step.transitions:
        if not transition.otherwise and _decided(transition.criteria):
            decided |= _holds(transition.criteria)
    out = []
    for transition in step.transitions:
        mask = (ALL & ~decided) if transition.otherwise else _holds(transition.criteria)
        target = steps[transition.to]
        out.append((transition, mask & _ages(target.age.min, target.age.max)))
    return out


def _check_coverage(pathway: Pathway, steps: dict[str, Step], add: Any) -> None:
    edges = {key: _edges(step, steps) for key, step in steps.items()}
    enter = {key: _ages(step.age.min, step.age.max) for key, step in steps.items()}
    # Backward: the situations from which each step still leads out of care.
    can = {key: (ALL if step.final and step.stage == "out-of-care" else 0) for key, step in steps.items()}
    changed = True
    while changed:
        changed = False
        for key, step in steps.items():
            if step.final:
                continue
            value = can[key]
            for transition, mask in edges[key]:
                value |= mask & can[transition.to]
            if value != can[key]:
                can[key] = value
                changed = True
    covered = 0
    entry_mask = 0
    for step in pathway.entries():
        covered |= enter[step.key] & can[step.key]
        entry_mask |= enter[step.key]
    gap = ALL & ~covered
    if not gap:
        for key in steps:
            for transition, mask in edges[key]:
                if transition.otherwise and not (mask & enter[key]):
                    add("otherwise_unused", WARNING, key, target=transition.to)
        return
    if gap & ~entry_mask:
        add("no_entry_for", ERROR, situations=describe(gap & ~entry_mask))
    # Forward: where families in the uncovered situations get stuck.
    reach = dict.fromkeys(steps, 0)
    for step in pathway.entries():
        reach[step.key] = enter[step.key] & gap
    queue = deque(step.key for step in pathway.entries())
    while queue:
        key = queue.popleft()
        for transition, mask in edges[key]:
            more = reach[key] & mask & ~reach[transition.to]
            if more:
                reach[transition.to] |= more
                queue.append(transition.to)
    explained = 0
    for key, step in steps.items():
        if step.final or not reach[key]:
            continue
        leaving = 0
        for _, mask in edges[key]:
            leaving |= mask
        stuck = reach[key] & ~leaving
        if stuck:
            add("no_route", ERROR, key, situations=describe(stuck))
            explained |= stuck
    rest = gap & entry_mask & ~explained
    if rest and not explained:
        add("loop_only", ERROR, situations=describe(rest))
