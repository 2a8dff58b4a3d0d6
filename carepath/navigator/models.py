"""A saved plan: only a family's answers, under a link only they hold, for a limited time."""

from __future__ import annotations

import hashlib
import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _


def token_hash(token: str) -> str:
    """Links are stored hashed: the database alone cannot be turned back into working links."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(24)  # 192 random bits


class SavedPlan(models.Model):
    key = models.CharField(max_length=64, primary_key=True)  # token_hash of the link's token
    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE, related_name="+")
    answers = models.JSONField(_("answers"))  # the navigator request (CONTRACTS.md section 3), nothing more
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("saved plan")
        verbose_name_plural = _("saved plans")

    def __str__(self) -> str:
        return f"{self.community}: {self.created_at:%Y-%m-%d}"
