"""What changed between two versions of a pathway, field by field, with the values before and after.

This module imports no Django: it compares two ``graph.Pathway`` and says what differs in plain data; pages put
labels and words on it (``changes.py``). Lists of codes and links are sets (their order means nothing), and so
are a step's transitions: a transition that only moved is no change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .graph import Criteria, Link, Pathway, Step, Text, Transition

# The fields of a step whose values are sets of vocabulary codes, in the order pages list them.
SET_FIELDS = ("service_types", "tiers", "concerns", "sectors")
# The conditions of a transition's criteria, in the order ``describe.conditions`` says them.
CONDITIONS = ("age", "concerns_any", "concerns_all", "screening", "urgency", "in_care", "completing_care")


@dataclass(frozen=True)
class FieldChange:
    """A field whose value differs: ``before`` and ``after`` (None or empty where there was none).

    Text fields are compared language by language (``language`` says which). For sets (codes, links, screening
    results) ``added`` and ``removed`` say what is new and what is gone, in each version's order. Values are
    plain data: strings, booleans, numbers, tuples of codes, ``AgeRange``, ``Link``; a screening condition is
    ``(tool, results)``.
    """

    name: str
    before: Any
    after: Any
    language: str | None = None
    added: tuple[Any, ...] = ()
    removed: tuple[Any, ...] = ()


@dataclass
class TransitionChange:
    """A transition out of a step that was added, removed or changed (``fields``: its label, whether it is the
    'otherwise' route, and each condition of its criteria that differs)."""

    to: str
    change: str  # added, removed, changed
    before: Transition | None = None
    after: Transition | None = None
    fields: list[FieldChange] = field(default_factory=list)


@dataclass
class StepChange:
    """A step added, removed or changed. An added step's fields are its values (``before`` None), a removed
    step's the values it had; its transitions are all added or removed with it."""

    key: str
    change: str  # added, removed, changed
    before: Step | None = None
    after: Step | None = None
    fields: list[FieldChange] = field(default_factory=list)
    transitions: list[TransitionChange] = field(default_factory=list)

    @property
    def field_names(self) -> list[str]:
        return list(dict.fromkeys(f.name for f in self.fields))


@dataclass
class Diff:
    """Everything that changed: the pathway's own fields (title, description), then its steps in the new
    version's order, the removed ones last."""

    fields: list[FieldChange] = field(default_factory=list)
    steps: list[StepChange] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.fields or self.steps)


def compare(old: Pathway, new: Pathway) -> Diff:
    """What changed from ``old`` to ``new``. Steps are matched by key (a step whose key changed was removed
    and another added)."""
    before, after = old.by_key(), new.by_key()
    steps: list[StepChange] = []
    for step in new.steps:
        was = before.get(step.key)
        if was is None:
            steps.append(_whole_step(step, "added"))
            continue
        fields = _step_fields(was, step)
        transitions = _transitions(was.transitions, step.transitions)
        if fields or transitions:
            steps.append(StepChange(step.key, "changed", was, step, fields, transitions))
    steps += [_whole_step(step, "removed") for step in old.steps if step.key not in after]
    fields = _texts("title", old.title, new.title) + _texts("description", old.description, new.description)
    return Diff(fields, steps)


# --- Steps ---------------------------------------------------------------------------------------------------


def _whole_step(step: Step, change: str) -> StepChange:
    """An added (or removed) step: each of its fields that has a value, each of its transitions."""
    added = change == "added"
    fields = _step_fields(None, step) if added else _step_fields(step, None)
    transitions = [
        TransitionChange(t.to, change, None if added else t, t if added else None) for t in step.transitions
    ]
    return StepChange(step.key, change, None if added else step, step if added else None, fields, transitions)


def _values(step: Step | None) -> dict[str, Any]:
    """A step's fields by name; a missing step has no value in any of them."""
    if step is None:
        return {
            "stage": None,
            "kind": None,
            "entry": False,
            "title": {},
            "text": {},
            "age": None,
            "target_days": None,
            "links": (),
            **dict.fromkeys(SET_FIELDS, ()),
        }
    return {
        "stage": step.stage,
        "kind": step.kind,
        "entry": step.entry,
        "title": step.title,
        "text": step.text,
        "age": step.age,
        "target_days": step.target_days,
        "links": step.links,
        **{name: getattr(step, name) for name in SET_FIELDS},
    }


def _step_fields(was: Step | None, now: Step | None) -> list[FieldChange]:
    """The fields of a step that differ, in the order its page shows them."""
    before, after = _values(was), _values(now)
    out: list[FieldChange] = []
    for name in ("stage", "kind", "entry"):
        _scalar(out, name, before[name], after[name])
    out += _texts("title", before["title"], after["title"]) + _texts("text", before["text"], after["text"])
    for name in SET_FIELDS:
        _set(out, name, before[name], after[name])
    for name in ("age", "target_days"):
        _scalar(out, name, before[name], after[name])
    _set(out, "links", before["links"], after["links"], key=_link_key)
    return out


def _link_key(link: Link) -> tuple[str, str, tuple[tuple[str, str], ...]]:
    return (link.url, link.kind, tuple(sorted(link.title.items())))


# --- Transitions ---------------------------------------------------------------------------------------------


def _transition_key(t: Transition) -> tuple[Any, ...]:
    """What a transition is, whatever the order of its lists."""
    return (t.to, t.otherwise, tuple(sorted(t.label.items())), _criteria_key(t.criteria))


def _criteria_key(c: Criteria) -> tuple[Any, ...]:
    return (
        c.age,
        frozenset(c.concerns_any),
        frozenset(c.concerns_all),
        c.screening_tool,
        frozenset(c.screening_results),
        frozenset(c.urgency),
        c.in_care,
        c.completing_care,
    )


def _transitions(old: Sequence[Transition], new: Sequence[Transition]) -> list[TransitionChange]:
    """Transitions added, removed and changed. The same transition on both sides is no change, wherever it
    stands; what is left is paired by the step it leads to (a changed transition), else added or removed."""
    unmatched_old = list(old)
    unmatched_new: list[Transition] = []
    for transition in new:
        twin = next((t for t in unmatched_old if _transition_key(t) == _transition_key(transition)), None)
        if twin is None:
            unmatched_new.append(transition)
        else:
            unmatched_old.remove(twin)
    out: list[TransitionChange] = []
    for transition in unmatched_new:
        was = next((t for t in unmatched_old if t.to == transition.to), None)
        if was is None:
            out.append(TransitionChange(transition.to, "added", None, transition))
            continue
        unmatched_old.remove(was)
        out.append(
            TransitionChange(transition.to, "changed", was, transition, _transition_fields(was, transition))
        )
    return out + [TransitionChange(t.to, "removed", t, None) for t in unmatched_old]


def _transition_fields(was: Transition, now: Transition) -> list[FieldChange]:
    out: list[FieldChange] = []
    _scalar(out, "otherwise", was.otherwise, now.otherwise)
    out += _texts("label", was.label, now.label)
    return out + criteria_changes(was.criteria, now.criteria)


def criteria_changes(was: Criteria, now: Criteria) -> list[FieldChange]:
    """Each condition that differs (named as in ``CONDITIONS``); lists of codes are compared as sets."""
    out: list[FieldChange] = []
    _scalar(out, "age", was.age, now.age)
    _set(out, "concerns_any", was.concerns_any, now.concerns_any)
    _set(out, "concerns_all", was.concerns_all, now.concerns_all)
    before, after = _screening(was), _screening(now)
    if _screening_key(before) != _screening_key(after):
        added: tuple[str, ...] = ()
        removed: tuple[str, ...] = ()
        if before is not None and after is not None and before[0] == after[0]:  # the same tool: which results
            added = tuple(r for r in after[1] if r not in before[1])
            removed = tuple(r for r in before[1] if r not in after[1])
        out.append(FieldChange("screening", before, after, added=added, removed=removed))
    _set(out, "urgency", was.urgency, now.urgency)
    _scalar(out, "in_care", was.in_care, now.in_care)
    _scalar(out, "completing_care", was.completing_care, now.completing_care)
    return out


def _screening(c: Criteria) -> tuple[str, tuple[str, ...]] | None:
    return None if c.screening_tool is None else (c.screening_tool, tuple(c.screening_results))


def _screening_key(screening: tuple[str, tuple[str, ...]] | None) -> tuple[str, frozenset[str]] | None:
    return None if screening is None else (screening[0], frozenset(screening[1]))


# --- Values --------------------------------------------------------------------------------------------------


def _languages(*texts: Text) -> list[str]:
    found = {language for text in texts for language in text}
    return [language for language in ("en", "fr") if language in found] + sorted(found - {"en", "fr"})


def _texts(name: str, was: Text, now: Text) -> list[FieldChange]:
    """A text field, language by language; a language missing is an empty text."""
    return [
        FieldChange(name, was.get(language, ""), now.get(language, ""), language=language)
        for language in _languages(was, now)
        if was.get(language, "") != now.get(language, "")
    ]


def _scalar(out: list[FieldChange], name: str, was: Any, now: Any) -> None:
    if was != now:
        out.append(FieldChange(name, was, now))


def _set(
    out: list[FieldChange],
    name: str,
    was: Iterable[Any],
    now: Iterable[Any],
    key: Callable[[Any], Any] = lambda item: item,
) -> None:
    """A list compared as a set: a change only when an item came or went, whatever the order."""
    was, now = tuple(was), tuple(now)
    before, after = {key(item) for item in was}, {key(item) for item in now}
    if before != after:
        added = tuple(item for item in now if key(item) not in before)
        removed = tuple(item for item in was if key(item) not in after)
        out.append(FieldChange(name, was, now, added=added, removed=removed))
