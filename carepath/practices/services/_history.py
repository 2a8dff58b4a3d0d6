"""The audit entry every write to a practice or its review makes, shared by the services of this package only
(``practices``, ``reviews``): it is no service of its own, so it lives in a module private to the package."""

from __future__ import annotations

from typing import Any

from carepath import audit
from carepath.accounts.models import Actor

from ..models import Practice


def log(*, actor: Actor, action: str, practice: Practice, **data: Any) -> None:
    """Every change to a practice or its review goes to the audit log under the practice, where the people
    it concerns see it on the practice's history."""
    audit.record(actor=actor, action=f"practices.{action}", target=practice, status=practice.status, **data)
