"""Rate limits that count for real: in a database table every worker shares, per client (``clients.ident``).

One kind of counter for the API (a Django REST framework throttle) and the HTML routes (``limit`` on a view,
which answers a limited request with a bilingual 429 page and ``Retry-After``, never a 500).

A limit of ``n`` requests a ``period`` is the generic cell rate algorithm (GCRA, as in ATM networks and most API
gateways): each client has one number, the moment its next request would be "due" if it spread its requests
evenly (one every ``period / n``). A request is let through unless that moment is more than ``period`` minus one
interval ahead of now. So a burst gets exactly ``n`` through, and after it one more every ``period / n``;
``Retry-After`` is the time until the next one would be. Reading, deciding and writing is one upsert statement
(PostgreSQL's and SQLite's ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``): the database serialises
simultaneous requests on the client's row, so a burst from many workers gets exactly the rate, in one round trip.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import connections, router
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from rest_framework.throttling import BaseThrottle

from . import clients
from .models import RateCount

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """``"120/minute"`` as (120, 60): requests, and the seconds they are counted over."""
    count, period = rate.split("/")
    return int(count), PERIODS[period[0]]


def count(key: str, requests: int, period: float, now: float | None = None) -> float:
    """Count a request under ``key`` at ``requests`` per ``period`` seconds: 0 if it is let through, else the
    seconds until one would be. One statement, which decides and writes at once."""
    now = time.time() if now is None else now
    interval = period / requests
    slack = period - interval + 1e-6  # how far ahead of now the next due moment may be (less rounding's dust)
    database = router.db_for_write(RateCount)
    connection = connections[database]
    table = connection.ops.quote_name(RateCount._meta.db_table)
    later = "GREATEST" if connection.vendor == "postgresql" else "MAX"
    due = f"{later}(r.due, %s)"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} AS r (name, due, passed) VALUES (%s, %s, %s) "  # noqa: S608 - the table's name
            f"ON CONFLICT (name) DO UPDATE SET passed = ({due} - %s <= %s), "
            f"due = CASE WHEN {due} - %s <= %s THEN {due} + %s ELSE r.due END "
            "RETURNING due, passed",
            [key, now + interval, True, now, now, slack, now, now, slack, now, interval],
        )
        due_at, passed = cursor.fetchone()
    return 0.0 if passed else max(due_at - now - slack, 0.0)


def sweep(now: float | None = None) -> int:
    """Forget the clients whose every request is behind them (``carepath purge-expired``, daily): their next
    request would be counted as a first. How many rows went."""
    return RateCount.objects.filter(due__lt=time.time() if now is None else now).delete()[0]


class RateLimit(BaseThrottle):
    """``rate`` requests (``"120/minute"``) per client for ``scope``.

    Signed-in people are counted by account, others by client address; ``ident`` counts something else (an
    e-mail address, say; it is hashed before it becomes a key).
    """

    def __init__(self, scope: str, rate: str, *, ident: str | None = None) -> None:
        self.scope = scope
        self.rate = rate
        self.num_requests, self.duration = parse_rate(rate)
        self.ident = ident
        self.seconds = 0.0

    def key(self, request: Any) -> str:
        if self.ident is not None:
            who = "hash:" + hashlib.sha256(self.ident.encode()).hexdigest()
        elif getattr(request, "user", None) is not None and request.user.is_authenticated:
            who = f"user:{request.user.pk}"
        else:
            who = clients.ident(request)
        return f"{self.scope}:{who}"

    def allow_request(self, request: Any, view: Any) -> bool:
        self.seconds = count(self.key(request), self.num_requests, self.duration)
        return self.seconds == 0

    def wait(self) -> float:
        return self.seconds

    def retry_after(self) -> int:
        """Whole seconds until the next request would be let through (at least 1)."""
        return max(1, math.ceil(self.seconds))


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
