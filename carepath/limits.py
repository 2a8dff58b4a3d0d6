"""Rate limits that count for real: in the database cache every worker shares, per client (``clients.ident``).

One kind of counter for the API (a Django REST framework throttle) and the HTML routes (``limit`` on a view,
which answers a limited request with a bilingual 429 page and ``Retry-After``, never a 500).
"""

from __future__ import annotations

import base64
import datetime
import functools
import hashlib
import math
import pickle
import random
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.db import connections, router, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from rest_framework.throttling import SimpleRateThrottle

from . import clients


class _Counts:
    """The limits' counts in the database cache's table, each read and written by one statement.

    Django's database cache would do the same in five or six (a count of the whole table on every write,
    which grows with the number of clients, then a cull): too much for a request that takes a few
    milliseconds. Rows are the cache's own (same key, encoding and expiry), so ``caches["limits"]`` still
    reads and clears them; expired rows go now and then (``PURGE_EVERY`` writes) and with the cache's ``clear``.
    """

    PURGE_EVERY = 1000

    def __init__(self, cache: BaseCache) -> None:
        self.cache = cache
        self.table = connections["default"].ops.quote_name(cache._table)  # type: ignore[attr-defined]
        self.database = router.db_for_write(cache.cache_model_class)  # type: ignore[attr-defined]

    def get(self, key: str, default: Any = None) -> Any:
        connection = connections[self.database]
        now = connection.ops.adapt_datetimefield_value(timezone.now().replace(microsecond=0))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT value FROM {self.table} WHERE cache_key = %s AND expires > %s",  # noqa: S608 - the table's name
                [self.cache.make_key(key), now],
            )
            row = cursor.fetchone()
        if row is None:
            return default
        return pickle.loads(base64.b64decode(row[0].encode()))  # noqa: S301 - rows only this module writes

    def set(self, key: str, value: Any, timeout: float) -> None:
        connection = connections[self.database]
        moment = timezone.now().replace(microsecond=0)
        expires = connection.ops.adapt_datetimefield_value(
            moment + datetime.timedelta(seconds=math.ceil(timeout))
        )
        encoded = base64.b64encode(pickle.dumps(value, pickle.HIGHEST_PROTOCOL)).decode("latin1")
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {self.table} (cache_key, value, expires) VALUES (%s, %s, %s) "  # noqa: S608
                "ON CONFLICT (cache_key) DO UPDATE SET value = excluded.value, expires = excluded.expires",
                [self.cache.make_key(key), encoded, expires],
            )
            if random.randrange(self.PURGE_EVERY) == 0:  # noqa: S311 - not for security: how often to sweep
                now = connection.ops.adapt_datetimefield_value(moment)
                cursor.execute(f"DELETE FROM {self.table} WHERE expires < %s", [now])  # noqa: S608


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

    @functools.cached_property
    def cache(self) -> _Counts:  # type: ignore[override]
        return _Counts(caches["limits"])

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
        database = self.cache.database
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
