"""Writes of the navigator: saving a plan's answers under a private link, and deleting it."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from carepath.communities.models import Community

from .models import SavedPlan, new_token, token_hash


@transaction.atomic
def save_plan(*, community: Community, answers: dict[str, Any]) -> tuple[str, SavedPlan]:
    """Store the answers (nothing else) and return the link's token, which is not stored."""
    purge_expired()
    token = new_token()
    saved = SavedPlan.objects.create(
        key=token_hash(token),
        community=community,
        answers=answers,
        expires_at=timezone.now() + datetime.timedelta(days=settings.CAREPATH_PLAN_DAYS),
    )
    return token, saved


def find(token: str) -> SavedPlan | None:
    """The saved plan of a link, if it exists and has not expired."""
    return (
        SavedPlan.objects.filter(key=token_hash(token), expires_at__gt=timezone.now())
        .select_related("community")
        .first()
    )


@transaction.atomic
def delete_plan(*, token: str) -> bool:
    deleted, _ = SavedPlan.objects.filter(key=token_hash(token)).delete()
    return bool(deleted)


def purge_expired() -> int:
    deleted, _ = SavedPlan.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted
