"""Writes to a draft (the pathway editor), one function per edit; each is atomic and audit-logged.

Every write locks the version's row and reads it again first (``lock_version``), so a write that was in flight
when the version was sent for review or published waits for that to finish, then sees it and is refused; an
edit made on an old copy of a record is refused too (``concurrency``)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carepath import audit, concurrency
from carepath.accounts.models import Actor
from carepath.errors import ServiceError

from .. import documents, graph, models
from ..models import PathwayVersion, Step, Transition
from . import DraftValueError, lock_version, write_step

NOT_A_DRAFT = gettext_lazy(
    "This version is no longer a draft: it was sent for review or published while you were working. "
    "Nothing was changed; start a new draft to make changes."
)
STEP_CHANGED = gettext_lazy("Someone else changed this step since you opened it: %(who)s, %(when)s.")
STEP_REMOVED = gettext_lazy("Someone else removed this step since you opened it: %(who)s, %(when)s.")
TRANSITION_CHANGED = gettext_lazy(
    "Someone else changed this transition since you opened it: %(who)s, %(when)s."
)
TRANSITION_REMOVED = gettext_lazy(
    "Someone else removed this transition since you opened it: %(who)s, %(when)s."
)
DETAILS_CHANGED = gettext_lazy(
    "Someone else changed the pathway's name or description since you opened it: %(who)s, %(when)s."
)


@transaction.atomic
def save_details(
    *, version_id: int, data: dict[str, Any], revision: int | None, actor: Actor
) -> PathwayVersion:
    """The draft's name and description in both languages (what families read at the top of the pathway)."""
    version = _lock_draft(version_id)
    concurrency.lock(PathwayVersion.objects.all(), version.pk, revision, changed=DETAILS_CHANGED)
    for name in models.VERSION_FIELDS:
        setattr(version, name, data[name])
    version.save(update_fields=list(models.VERSION_FIELDS))
    _log(actor, "save_details", version, version, revision=concurrency.bump(version))
    return version


def _after_last(items: Any) -> int:
    """The position after the last of ``items`` (a draft's steps, a step's transitions)."""
    return int(items.aggregate(top=Max("position"))["top"] or 0) + 1


def _lock_draft(version_id: int) -> PathwayVersion:
    return lock_version(version_id, PathwayVersion.Status.DRAFT, refused=NOT_A_DRAFT)


def _lock_step(version: PathwayVersion, step_id: int, revision: int | None) -> Step:
    return concurrency.lock(
        Step.objects.filter(version=version), step_id, revision, changed=STEP_CHANGED, removed=STEP_REMOVED
    )


def _log(
    actor: Actor,
    action: str,
    target: PathwayVersion | Step | Transition,
    version: PathwayVersion,
    **data: Any,
) -> None:
    audit.record(
        actor=actor,
        action=f"pathways.{action}",
        target=target,
        community=version.pathway.community,
        version=version.number,
        **data,
    )


@transaction.atomic
def save_step(
    *,
    version_id: int,
    step_id: int | None,
    data: dict[str, Any],
    revision: int | None,
    actor: Actor,
    after_id: int | None = None,
) -> Step:
    """Save a step of a draft from cleaned data (a new step when ``step_id`` is None: right after step
    ``after_id`` when given, else last), if nobody changed it since ``revision`` was read; a changed key is
    followed by the transitions that lead to it."""
    version = _lock_draft(version_id)
    if step_id is None:
        after = version.steps.filter(pk=after_id).first() if after_id is not None else None
        if after is not None:
            version.steps.filter(position__gt=after.position).update(position=F("position") + 1)
            position = after.position + 1
        else:
            position = _after_last(version.steps)
        step = Step(version=version, position=position)
        old_key = None
    else:
        step = _lock_step(version, step_id, revision)
        old_key = step.key
    for name in models.STEP_FIELDS:
        if name in data:
            setattr(step, name, data[name])
    if version.steps.filter(key=step.key).exclude(pk=step.pk).exists():
        raise DraftValueError({"key": _("Another step already has this key.")})
    step.save()
    if old_key and old_key != step.key:
        Transition.objects.filter(step__version=version, to_key=old_key).update(to_key=step.key)
    _log(
        actor,
        "save_step",
        step,
        version,
        step=step.key,
        renamed_from=old_key if old_key != step.key else None,
        revision=step.revision if step_id is None else concurrency.bump(step),
    )
    return step


@transaction.atomic
def move_step(
    *, version_id: int, step_id: int, actor: Actor, direction: int = 0, to: int | None = None
) -> None:
    """Move a step within its stage: up (``direction`` -1) or down (+1), or to position ``to`` (1 is first;
    past the end: last)."""
    version = _lock_draft(version_id)
    step = _lock_step(version, step_id, None)
    siblings = list(version.steps.filter(stage=step.stage).order_by("position", "id"))
    index = siblings.index(step)
    target = index + direction if to is None else min(max(to, 1), len(siblings)) - 1
    if 0 <= target < len(siblings) and target != index:
        positions = sorted(s.position for s in siblings)
        if len(set(positions)) < len(positions):
            positions = list(range(min(positions), min(positions) + len(siblings)))
        siblings.insert(target, siblings.pop(index))
        for item, position in zip(siblings, positions, strict=True):
            if item.position != position:
                item.position = position
                item.save(update_fields=["position"])
    _log(actor, "move_step", step, version, step=step.key, direction=direction, to=to)


@transaction.atomic
def remove_step(*, version_id: int, step_id: int, revision: int | None, actor: Actor) -> int:
    """Remove a step and the transitions that led to it, if nobody changed it since ``revision`` was read;
    returns how many such transitions went."""
    version = _lock_draft(version_id)
    step = _lock_step(version, step_id, revision)
    incoming, _ = (
        Transition.objects.filter(step__version=version, to_key=step.key).exclude(step=step).delete()
    )
    _log(actor, "remove_step", step, version, step=step.key, incoming=incoming)
    step.delete()
    return int(incoming)


@transaction.atomic
def save_transition(
    *,
    version_id: int,
    step_id: int,
    transition_id: int | None,
    data: dict[str, Any],
    revision: int | None,
    actor: Actor,
) -> Transition:
    """Save a transition out of a step of a draft from cleaned data (``to_key``, ``otherwise``, ``criteria``
    as the pathway JSON writes them, ``label_en``, ``label_fr``), if nobody changed it since ``revision``."""
    version = _lock_draft(version_id)
    step = _lock_step(version, step_id, None)
    if transition_id is None:
        transition = Transition(step=step, position=_after_last(step.transitions))
    else:
        transition = concurrency.lock(
            Transition.objects.filter(step=step),
            transition_id,
            revision,
            changed=TRANSITION_CHANGED,
            removed=TRANSITION_REMOVED,
        )
    for name in models.TRANSITION_FIELDS:
        if name in data:
            setattr(transition, name, data[name])
    if transition.otherwise:
        transition.criteria = {}
    if not version.steps.filter(key=transition.to_key).exists():
        raise DraftValueError({"to": _("This step is no longer in the draft; choose another.")})
    transition.save()
    _log(
        actor,
        "save_transition",
        transition,
        version,
        step=step.key,
        to=transition.to_key,
        revision=transition.revision if transition_id is None else concurrency.bump(transition),
    )
    return transition


@transaction.atomic
def remove_transition(*, version_id: int, transition_id: int, revision: int | None, actor: Actor) -> None:
    version = _lock_draft(version_id)
    transition = concurrency.lock(
        Transition.objects.filter(step__version=version).select_related("step"),
        transition_id,
        revision,
        changed=TRANSITION_CHANGED,
        removed=TRANSITION_REMOVED,
    )
    _log(actor, "remove_transition", transition, version, step=transition.step.key, to=transition.to_key)
    transition.delete()


# --- Following the Ontario template --------------------------------------------------------------------------


class NotATemplateChangeError(ServiceError):
    def __init__(self) -> None:
        super().__init__(
            _(
                "This step is not one the template changed since the revision the draft follows: nothing was changed."
            )
        )


@transaction.atomic
def take_template_step(*, version_id: int, key: str, actor: Actor) -> None:
    """Take the current template's step ``key`` into the draft, as the template has it now: a step the template
    added comes in (last of its stage), one it changed replaces the draft's (with its transitions), one it
    removed goes (with the transitions that led to it)."""
    version = _lock_draft(version_id)
    followed = documents.template_at(version.template_revision) if version.template_revision else None
    was = graph.Pathway.from_dict(followed).step(key) if followed is not None else None
    wanted = graph.Pathway.from_dict(documents.template()).step(key)
    # Only what the template changed since the revision the draft follows: never a step of the table's own.
    if (
        followed is None
        or (was is None and wanted is None)
        or (was and wanted and was.to_dict() == wanted.to_dict())
    ):
        raise NotATemplateChangeError
    current = version.steps.filter(key=key).first()
    if current is not None:
        position = current.position
        if wanted is None:
            Transition.objects.filter(step__version=version, to_key=key).exclude(step=current).delete()
        current.delete()
    else:
        position = _after_last(version.steps)
    if wanted is not None:
        write_step(version, wanted, position)
    _log(
        actor,
        "take_template_step",
        version,
        version,
        step=key,
        template_revision=documents.TEMPLATE_REVISION,
        change="removed" if wanted is None else ("changed" if current is not None else "added"),
    )


@transaction.atomic
def follow_template(*, version_id: int, actor: Actor) -> None:
    """The draft follows the current revision of the template (its changes taken or left, knowingly)."""
    version = _lock_draft(version_id)
    before = version.template_revision
    version.template_revision = documents.TEMPLATE_REVISION
    version.save(update_fields=["template_revision"])
    _log(actor, "follow_template", version, version, before=before, after=version.template_revision)
