"""A saved plan: only a family's answers, under a link only they hold, for a limited time."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from carepath import tokens
from carepath.tokens import token_hash

__all__ = ["SavedPlan", "new_token", "token_hash"]


def new_token() -> str:
    return tokens.new_token(24)  # 192 random bits


class SavedPlan(models.Model):
    key = models.CharField(max_length=64, primary_key=True)  # token_hash of the link's token
    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE, related_name="+")
    answers = models.JSONField(_("answers"))  # the navigator request (CONTRACTS.md section 3): see answers.py
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("saved plan")
        verbose_name_plural = _("saved plans")

    def __str__(self) -> str:
        return f"{self.community}: {self.created_at:%Y-%m-%d}"
