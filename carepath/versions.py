"""Data versions: a token per kind of data that changes with every write, read by in-memory copies."""

from __future__ import annotations

import uuid
from typing import Any

from .models import DataVersion

DIRECTORY = "directory"
# Apps whose every saved or deleted row changes what the navigator's snapshots hold.
WATCHED_APPS = frozenset({"directory", "communities"})
# Models of those apps that the snapshots hold nothing of: their writes leave the token as it is.
UNWATCHED_MODELS = frozenset({"communities.listingreport"})


def bump(name: str = DIRECTORY) -> str:
    """Give ``name`` a new token, inside the caller's transaction (so a rollback takes it back too)."""
    token = uuid.uuid4().hex
    DataVersion.objects.update_or_create(name=name, defaults={"token": token})
    return token


def current(name: str = DIRECTORY) -> str:
    return DataVersion.objects.filter(name=name).values_list("token", flat=True).first() or ""


def on_change(sender: Any, **kwargs: Any) -> None:
    """``post_save``/``post_delete`` receiver: a write to a watched app bumps the directory's token."""
    if sender._meta.app_label in WATCHED_APPS and not kwargs.get("raw", False):
        bump()
