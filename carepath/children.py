"""A record's own child rows edited through a formset: the changes as data, and applying them.

Forms hand services the changes as plain data (``{"id": one of the record's own rows or None, "delete": bool,
field: value, ...}``), never a formset, so that views, the API and commands call the same service. Only the
record's own rows can be reached: an id that is not one of them makes a new row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


def changes(formset: Any, fields: Iterable[str]) -> list[dict[str, Any]]:
    """A valid model formset's changed rows as data (its ``id`` field only accepts the record's own rows)."""
    names = list(fields)
    found = []
    for form in formset.forms:
        if not form.has_changed() or not form.cleaned_data:
            continue
        row = form.cleaned_data.get("id")
        found.append(
            {
                "id": row.pk if row is not None else None,
                "delete": bool(form.cleaned_data.get("DELETE")),
                **{name: form.cleaned_data.get(name) for name in names},
            }
        )
    return found


def apply(
    *,
    own: Iterable[M],
    rows: list[dict[str, Any]],
    fields: Iterable[str],
    new: Callable[[], M],
    clean: bool = False,
) -> tuple[int, int, int]:
    """Add, change and remove rows among ``own``; ``new()`` makes a row to add. How many were added,
    changed and removed. ``clean`` runs the model's validation before each save."""
    names = list(fields)
    existing = {row.pk: row for row in own}
    added = changed = removed = 0
    for item in rows:
        row = existing.get(item.get("id")) if item.get("id") else None
        if item.get("delete"):
            if row is not None:
                row.delete()
                removed += 1
            continue
        if row is None:
            row = new()
            added += 1
        elif all(getattr(row, name) == item.get(name) for name in names):
            continue
        else:
            changed += 1
        for name in names:
            setattr(row, name, item.get(name))
        if clean:
            row.full_clean()
        row.save()
    return added, changed, removed
