"""Reads about people: who may be asked to review."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import User


def reviewers() -> QuerySet[User]:
    """Active working-group reviewers and editors (editors review too), by name."""
    return User.objects.filter(is_active=True, working_group_role__in=User.REVIEWING_ROLES).order_by(
        "first_name", "username"
    )
