"""Families' situations as the bits of one integer, and whether a pathway serves every one of them. Pure
Python, no Django (``checks.py`` reports what this finds).

A situation is an age from 0 to 83 months, an urgency and a screening result (or none yet); concerns and the
care state are left open. The question "from which situations does this step still lead out of care?" is then a
handful of integer operations per transition, whatever the number of steps.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .graph import MAX_MONTHS, SCREENING_TOOLS, URGENCIES, Criteria, Pathway, Step, Transition

ERROR = "error"
WARNING = "warning"
Add = Callable[..., None]

# --- Situations as bits -----------------------------------------------------------------------------------

AGES = MAX_MONTHS + 1
SCREENS: tuple[tuple[str, str] | None, ...] = (
    None,
    *[(tool, band) for tool, (bands, _) in SCREENING_TOOLS.items() for band in bands],
)
BLOCKS = len(URGENCIES) * len(SCREENS)
ALL = (1 << (AGES * BLOCKS)) - 1
_REPEAT = sum(1 << (AGES * block) for block in range(BLOCKS))


def ages(low: int, high: int) -> int:
    """Situations whose age is within [low, high], for every urgency and screening result."""
    low, high = max(low, 0), min(high, MAX_MONTHS)
    if low > high:
        return 0
    return (((1 << (high - low + 1)) - 1) << low) * _REPEAT


def blocks(urgencies: Iterable[int], screens: Iterable[int]) -> int:
    full = (1 << AGES) - 1
    mask = 0
    for u in urgencies:
        for s in screens:
            mask |= full << (AGES * (u * len(SCREENS) + s))
    return mask


def holds(criteria: Criteria) -> int:
    """Situations in which the criteria can hold (concerns and care state are left open)."""
    mask = ALL
    if criteria.age is not None:
        mask &= ages(criteria.age.min, criteria.age.max)
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
        mask &= blocks(urgencies, screens)
    return mask


def situation_decides(criteria: Criteria) -> bool:
    """Whether the situation alone decides the criteria (no concern or care-state condition)."""
    return not (
        criteria.concerns_any
        or criteria.concerns_all
        or criteria.in_care is not None
        or criteria.completing_care is not None
    )


@dataclass(frozen=True)
class Group:
    """Situations that share their ages: the age ranges (months), and the urgencies and screening results
    (``SCREENS`` entries; None: no screening yet) they hold, or None where they hold every one."""

    ages: tuple[tuple[int, int], ...]
    urgencies: tuple[str, ...] | None
    screens: tuple[tuple[str, str] | None, ...] | None


def groups(mask: int, most: int = 3) -> tuple[list[Group], bool]:
    """The situations of ``mask`` as at most ``most`` groups, and whether there are more."""
    cells: dict[tuple[tuple[int, int], ...], list[tuple[int, int]]] = {}
    for u in range(len(URGENCIES)):
        for s in range(len(SCREENS)):
            bits = (mask >> (AGES * (u * len(SCREENS) + s))) & ((1 << AGES) - 1)
            if bits:
                cells.setdefault(_ranges(bits), []).append((u, s))
    out = []
    for ranges, held in list(cells.items())[:most]:
        urgencies = sorted({u for u, _ in held})
        screens = sorted({s for _, s in held})
        out.append(
            Group(
                ranges,
                None if len(urgencies) == len(URGENCIES) else tuple(URGENCIES[u] for u in urgencies),
                None if len(screens) == len(SCREENS) else tuple(SCREENS[s] for s in screens),
            )
        )
    return out, len(cells) > most


def describe(mask: int) -> str:
    """Situations in plain English: "0-15 months (routine or soon; no screening yet)"."""
    found, more = groups(mask)
    parts = []
    for group in found:
        ages = ", ".join(f"{a}-{b}" if a != b else str(a) for a, b in group.ages)
        urgency = "any urgency" if group.urgencies is None else " or ".join(group.urgencies)
        screening = (
            "any screening"
            if group.screens is None
            else ", ".join("no screening yet" if s is None else f"{s[0]} {s[1]}" for s in group.screens[:4])
            + (" ..." if len(group.screens) > 4 else "")
        )
        parts.append(f"{ages} months ({urgency}; {screening})")
    return "; ".join(parts) + (" ..." if more else "")


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


# --- Coverage ---------------------------------------------------------------------------------------------


def accepts(step: Step) -> int:
    """The situations a step takes: its ages, and for a crisis step only a crisis (as the navigator does)."""
    mask = ages(step.age.min, step.age.max)
    if step.crisis_only:
        mask &= blocks([URGENCIES.index("crisis")], range(len(SCREENS)))
    return mask


def edges_of(step: Step, steps: dict[str, Step]) -> list[tuple[Transition, int]]:
    """Each transition of the step with the situations in which a family can take it."""
    settled = 0  # what the transitions decided by the situation alone take: "otherwise" takes the rest
    for transition in step.transitions:
        if not transition.otherwise and situation_decides(transition.criteria):
            settled |= holds(transition.criteria)
    out = []
    for transition in step.transitions:
        mask = (ALL & ~settled) if transition.otherwise else holds(transition.criteria)
        out.append((transition, mask & accepts(steps[transition.to])))
    return out


def forward(
    entries: list[Step], edges: dict[str, list[tuple[Transition, int]]], start: dict[str, int]
) -> dict[str, int]:
    """The situations that reach each step from the entry steps (starting there with ``start``)."""
    reach = dict.fromkeys(edges, 0)
    for step in entries:
        reach[step.key] = start[step.key]
    queue = deque(step.key for step in entries)
    while queue:
        key = queue.popleft()
        for transition, mask in edges[key]:
            more = reach[key] & mask & ~reach[transition.to]
            if more:
                reach[transition.to] |= more
                queue.append(transition.to)
    return reach


def leading_out(steps: dict[str, Step], edges: dict[str, list[tuple[Transition, int]]]) -> dict[str, int]:
    """The situations from which each step still leads out of care (worked backward from the way out)."""
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
    return can


def check_coverage(pathway: Pathway, steps: dict[str, Step], add: Add) -> None:
    """Every situation has a way in that leads out of care (per urgency: a crisis step is a way in for a crisis
    only); and no step holds families it was sent that it cannot pass on."""
    edges = {key: edges_of(step, steps) for key, step in steps.items()}
    enter = {key: accepts(step) for key, step in steps.items()}
    can = leading_out(steps, edges)
    entries = pathway.entries()
    covered = 0
    entry_mask = 0
    for step in entries:
        covered |= enter[step.key] & can[step.key]
        entry_mask |= enter[step.key]
    gap = ALL & ~covered
    if gap & ~entry_mask:
        add("no_entry_for", ERROR, situations=gap & ~entry_mask)
    explained = _stuck(steps, edges, forward(entries, edges, enter), gap, add)
    rest = gap & entry_mask & ~explained
    if rest and not explained:
        add("loop_only", ERROR, situations=rest)
    if not gap:
        for key in steps:
            for transition, mask in edges[key]:
                if transition.otherwise and not (mask & enter[key]):
                    add("otherwise_unused", WARNING, key, target=transition.to)


def _stuck(
    steps: dict[str, Step],
    edges: dict[str, list[tuple[Transition, int]]],
    reach: dict[str, int],
    gap: int,
    add: Add,
) -> int:
    """Where families sent to a step cannot go on: an error for those no route serves (``gap``), a warning for
    the others (another branch upstream serves them). Returns the situations the errors explain."""
    explained = 0
    for key, step in steps.items():
        if step.final or not reach[key]:
            continue
        leaving = 0
        for _, mask in edges[key]:
            leaving |= mask
        stuck = reach[key] & ~leaving
        if stuck & gap:
            add("no_route", ERROR, key, situations=stuck & gap)
            explained |= stuck & gap
        if stuck & ~gap:
            sources = tuple(
                source
                for source, out in edges.items()
                if any(t.to == key and reach[source] & mask & stuck for t, mask in out)
            )
            add("cannot_leave", WARNING, key, situations=stuck & ~gap, sources=sources or (key,))
    return explained
