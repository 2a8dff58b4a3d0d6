"""Writes of the navigator: saving a plan's answers under a private link, deleting it, purging expired plans."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from carepath import audit
from carepath.communities.models import Community

from .answers import UnreadableError, normalise
from .models import SavedPlan, new_token, token_hash

__all__ = ["UnreadableError", "delete_plan", "purge_expired", "save_plan"]


@transaction.atomic
def save_plan(*, community: Community, answers: dict[str, Any]) -> tuple[str, SavedPlan]:
    """Store the answers (the navigator request's fields, nothing else) and return the link's token, which is
    not stored. Raises ``UnreadableError`` for answers that are not a navigator request or are too large to keep."""
    kept = normalise(answers, community=community.slug)
    purge_expired()
    token = new_token()
    saved = SavedPlan.objects.create(
        key=token_hash(token),
        community=community,
        answers=kept,
        expires_at=timezone.now() + datetime.timedelta(days=settings.CAREPATH_PLAN_DAYS),
    )
    return token, saved


@transaction.atomic
def delete_plan(*, token: str) -> bool:
    deleted, _ = SavedPlan.objects.filter(key=token_hash(token)).delete()
    return bool(deleted)


@transaction.atomic
def purge_expired(*, now: datetime.datetime | None = None) -> int:
    """Delete the saved plans whose link has expired; returns how many went. The audit entry says how many,
    and nothing about the families."""
    deleted, _ = SavedPlan.objects.filter(expires_at__lte=now or timezone.now()).delete()
    if deleted:
        audit.record(
            actor=None, action="navigator.purge_expired", target_type="navigator.savedplan", count=deleted
        )
    return deleted
