"""What changed between two versions, as people read it: ``diff.compare``'s fields with their names and their
values before and after in words, in the reader's language (codes as the vocabulary's labels, ages and the
criteria of transitions as the pathway pages say them). Used by the compare page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from . import describe, present
from .diff import CONDITIONS, Diff, FieldChange, StepChange, TransitionChange
from .graph import STEP_BRANCHES, AgeRange, Criteria, Link, Pathway, Step, Transition, in_language
from .models import Step as StepRecord


def _names() -> dict[str, str]:
    return {
        "stage": _("Stage"),
        "kind": _("Kind"),
        "entry": _("Way in"),
        "title": _("Title"),
        "text": _("What happens, for families"),
        "description": _("Description"),
        "label": _("Label"),
        "service_types": _("Service types"),
        "tiers": _("Tiers of care"),
        "concerns": _("Concerns"),
        "sectors": _("Sectors"),
        "age": _("Ages"),
        "target_days": _("Target days"),
        "links": _("Evidence and resources"),
        "otherwise": _("Otherwise: take this when no other transition applies"),
        "concerns_any": _("Worried about any of"),
        "concerns_all": _("Worried about all of"),
        "screening": _("Screening results"),
        "urgency": _("Urgency"),
        "in_care": _("Already in care"),
        "completing_care": _("Completing care"),
    }


def _text_names() -> dict[tuple[str, str], str]:
    """Text fields language by language, as the editor's forms name them."""
    return {
        ("title", "en"): _("Title (English)"),
        ("title", "fr"): _("Title (French)"),
        ("text", "en"): _("What happens, for families (English)"),
        ("text", "fr"): _("What happens, for families (French)"),
        ("description", "en"): _("Description (English)"),
        ("description", "fr"): _("Description (French)"),
        ("label", "en"): _("Label (English)"),
        ("label", "fr"): _("Label (French)"),
    }


def field_name(name: str, language: str | None = None) -> str:
    """A field's name; a text field's says which language (the editor's forms name them so)."""
    if language is not None:
        named = _text_names().get((name, language))
        if named is not None:
            return named
        return _("%(field)s (%(language)s)") % {"field": _names().get(name, name), "language": language}
    return _names().get(name, name)


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def _kind(code: str) -> str:
    return str(dict(StepRecord._meta.get_field("kind").choices or []).get(code, code))


def _condition(name: str, value: Any) -> str:
    """One condition of a transition's criteria, in the words of the pathway pages ("" for none)."""
    if value in (None, ()):
        return ""
    if name == "screening":
        criteria = Criteria(screening_tool=value[0], screening_results=tuple(value[1]))
    else:
        criteria = Criteria(**{name: value})
    return " ".join(describe.conditions(criteria))


def _link(language: str) -> Callable[[Link], str]:
    def label(link: Link) -> str:
        title = link.title.get(language) or link.title.get("en") or ""
        return _("%(title)s (%(url)s)") % {"title": title, "url": link.url} if title else link.url

    return label


def _labels(name: str, language: str) -> Callable[[Any], str]:
    """How one item of a set field reads."""
    if name in STEP_BRANCHES:
        return lambda code: describe.term(STEP_BRANCHES[name], code)
    if name in ("concerns_any", "concerns_all"):
        return lambda code: describe.term("concern", code)
    if name == "urgency":
        return describe.urgency
    if name == "screening":
        return describe.result
    if name == "links":
        return _link(language)
    return str


def _value(name: str, value: Any, language: str) -> str:
    """A step's, a transition's or the pathway's field as people read it ("" for none)."""
    if value is None or value == "" or value == ():
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(_labels(name, language)(item) for item in value)
    if isinstance(value, bool):
        return _yes_no(value)
    if name == "stage":
        return present.stage_names().get(value, value)
    if name == "kind":
        return _kind(value)
    if isinstance(value, AgeRange):
        return describe.age_range(value)
    if name == "target_days":
        return describe.days(value)
    return str(value)


def _row(change: FieldChange, language: str, *, criteria: bool = False) -> dict[str, str]:
    """A field's row: its name, its value before and after, and for sets which items came and went. The
    conditions of a transition's criteria read as the pathway pages say them."""
    if criteria and change.name in CONDITIONS:
        before, after = _condition(change.name, change.before), _condition(change.name, change.after)
    else:
        before = _value(change.name, change.before, language)
        after = _value(change.name, change.after, language)
    item = _labels(change.name, language)
    return {
        "name": field_name(change.name, change.language),
        "before": before,
        "after": after,
        "added": ", ".join(item(i) for i in change.added),
        "removed": ", ".join(item(i) for i in change.removed),
        "lang": change.language or "",  # a text field's values are in its own language
    }


def _one_side(name: str, value: str, *, added: bool, lang: str = "") -> dict[str, str]:
    """A row of something added (a value after only) or removed (before only); ``lang``: the value's language,
    when it is a text field's."""
    return {
        "name": name,
        "before": "" if added else value,
        "after": value if added else "",
        "added": "",
        "removed": "",
        "lang": lang,
    }


def when(transition: Transition) -> list[str]:
    """When a transition is taken, in the words of the pathway pages."""
    if transition.otherwise:
        return [_("otherwise (when nothing else applies)")]
    return describe.conditions(transition.criteria) or [_("always")]


def _transition(change: TransitionChange, steps: dict[str, Step], language: str) -> dict[str, Any]:
    target = steps.get(change.to)
    if change.change == "changed":
        rows = [_row(f, language, criteria=True) for f in change.fields]
    else:  # added or removed: its labels and when it applies, on its side
        added = change.change == "added"
        transition = change.after if added else change.before
        assert transition is not None  # an added transition has its after, a removed one its before
        rows = [
            _one_side(field_name("label", lang), transition.label[lang], added=added, lang=lang)
            for lang in ("en", "fr")
            if transition.label.get(lang)
        ]
        rows.append(_one_side(_("When it applies"), " ".join(when(transition)), added=added))
    return {
        "to": change.to,
        "to_title": in_language(target.title, language, change.to) if target else change.to,
        "change": change.change,
        "rows": rows,
    }


def _step(change: StepChange, steps: dict[str, Step], language: str) -> dict[str, Any]:
    step = change.after or change.before
    assert step is not None  # a step change has the step on one side at least
    return {
        "key": change.key,
        "title": in_language(step.title, language, change.key),
        "change": change.change,
        "rows": [_row(f, language) for f in change.fields],
        "transitions": [_transition(t, steps, language) for t in change.transitions],
    }


def shown(found: Diff, old: Pathway, new: Pathway, language: str) -> dict[str, Any]:
    """The compare page's context: the pathway's own fields, then each step that changed."""
    steps = {**old.by_key(), **new.by_key()}  # a transition's step under its newest title
    return {
        "pathway": [_row(f, language) for f in found.fields],
        "steps": [_step(s, steps, language) for s in found.steps],
    }
