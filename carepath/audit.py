"""Write one audit entry; called inside the transaction of every service function."""

from typing import Any

from django.db import models

from .models import AuditEntry


def record(
    *,
    actor: Any,
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
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type=target_type,
        target_id=target_id,
        community=community,
        data=data,
    )
