"""Rate limits that count for real: in the database cache every worker shares, per client (``clients.ident``).

One kind of counter for the API (a Django REST framework throttle) and the HTML routes (``limit`` on a view,
which answers a limited request with a bilingual 429 page and ``Retry-After``, never a 500).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.db import connections, router, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from rest_framework.throttling import SimpleRateThrottle

from . import clients


class RateLimit(SimpleRateThrottle):
    """``rate`` requests (``"120/minute"``) per client for ``scope``, over a sliding window.

    Signed-in people are counted by account, others by client address; ``ident`` counts something else (an
    e-mail address, say; it is hashed before it becomes a cache key).
    """

    def __init__(self, scope: str, rate: str, *, ident: str | None = None) -> None:
        self.scope = scope
        self.rate = rate
        self.num_requests, self.duration = self.parse_rate(rate)
        self.ident = ident

    @property
    def cache(self) -> BaseCache:  # type: ignore[override]
        return caches["limits"]

    def get_cache_key(self, request: Any, view: Any) -> str:
        if self.ident is not None:
            who = "hash:" + hashlib.sha256(self.ident.encode()).hexdigest()
        elif getattr(request, "user", None) is not None and request.user.is_authenticated:
            who = f"user:{request.user.pk}"
        else:
            who = clients.ident(request)
        return self.cache_format % {"scope": self.scope, "ident": who}

    def allow_request(self, request: Any, view: Any) -> bool:
        """Read, count and write the client's history as one step, so simultaneous requests from any worker
        cannot all read the same count: on PostgreSQL a transaction lock on the key, on SQLite the write
        transaction itself (``BEGIN IMMEDIATE``) serialises them."""
        key = self.get_cache_key(request, view)
        database = router.db_for_write(self.cache.cache_model_class)  # type: ignore[attr-defined]
        with transaction.atomic(using=database):
            if connections[database].vendor == "postgresql":
                with connections[database].cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])
            return bool(super().allow_request(request, view))

    def retry_after(self) -> int:
        """Whole seconds until the next request would be counted again (at least 1)."""
        return max(1, math.ceil(self.wait() or 1))


def too_many(request: HttpRequest, seconds: int) -> HttpResponse:
    """The page for a limited request: 429, how long to wait, and ``Retry-After``."""
    response = render(
        request, "429.html", {"seconds": seconds, "minutes": math.ceil(seconds / 60)}, status=429
    )
    response["Retry-After"] = str(seconds)
    return response


def limit(
    scope: str, setting: str, *, methods: tuple[str, ...] = ("POST",)
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Count the view's ``methods`` requests against the rate named by ``setting``; refuse those over it."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def limited(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method in methods:
                counter = RateLimit(scope, getattr(settings, setting))
                if not counter.allow_request(request, None):
                    return too_many(request, counter.retry_after())
            return view(request, *args, **kwargs)

        return limited

    return decorator
