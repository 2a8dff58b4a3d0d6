"""Shared records: the audit log every write goes through, data versions, rate limits' counts."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """Who did what to which record, when; written by the service functions of every app."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    action = models.CharField(max_length=80)
    target_type = models.CharField(max_length=80)
    target_id = models.CharField(max_length=80, db_index=True)
    community = models.ForeignKey("communities.Community", null=True, blank=True, on_delete=models.SET_NULL)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_type} {self.target_id}"


class DataVersion(models.Model):
    """A token that changes with every write to a kind of data (the directory and the inventories).

    In-memory copies, such as the navigator's snapshot of a community's services, compare it with the token
    they were built at and rebuild when it differs; every gunicorn worker does this on its own. A random
    token rather than a counter, so that a rolled-back write can never make an old copy look current.
    """

    name = models.CharField(max_length=40, primary_key=True)
    token = models.CharField(max_length=32)

    class Meta:
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")

    def __str__(self) -> str:
        return f"{self.name}: {self.token}"


class RateCount(models.Model):
    """A client's count against one rate limit (``carepath.limits``): when its next request is due.

    A row per client and limit, written by one upsert per counted request; rows of clients that are idle again
    are swept now and then.
    """

    name = models.CharField(max_length=200, primary_key=True)  # the limit's scope and who is counted
    due = models.FloatField()  # a moment, in seconds since 1970 (UTC)
    passed = models.BooleanField(default=True)  # whether the last request counted was let through

    class Meta:
        verbose_name = _("rate limit count")
        verbose_name_plural = _("rate limit counts")

    def __str__(self) -> str:
        return self.name
