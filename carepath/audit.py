"""Write one audit entry; called inside the transaction of every service function."""

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import models

from .models import AuditEntry


def person(actor: AbstractBaseUser | AnonymousUser | None) -> Any:
    """The user behind a change, or None for a command, the system or a visitor who is not signed in."""
    return actor if actor is not None and actor.is_authenticated else None


def record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    target: models.Model | None = None,
    community: Any = None,
    target_type: str = "",
    target_id: str = "",
    **data: Any,
) -> AuditEntry:
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
    return AuditEntry.objects.create(
        actor=person(actor),
        action=action,
        target_type=target_type,
        target_id=target_id,
        community=community,
        data=data,
    )
