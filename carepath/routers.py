"""A read replica (README, "Production"): which reads may go to it, and when.

Settings add the ``replica`` database, this router and ``ReplicaReadsMiddleware`` only when
``DATABASE_REPLICA_URL`` (or ``DATABASE_REPLICA_URL_FILE``) is set; without it nothing here runs.

What goes to the replica: reads of the models in ``REPLICA_MODELS``, the public directory. That is every model
of the directory app (the HSDS records the HSDS API and the navigator's snapshots read), of the communities app
(communities, their places and inventory entries) except the reports of wrong listings, and the data-version
token (``carepath.DataVersion``). The token goes with the data it versions: a navigator snapshot reads the token,
then the services (``navigator/snapshots.py``), and both must come from the same database, or a snapshot built
from a lagging replica would carry the primary's newer token and stay stale until the next write.

When: only while a request marks reads as safe to be a little late, that is a ``GET``, ``HEAD`` or ``OPTIONS``
request from someone not signed in, and only outside a transaction. Everything else reads the primary
(``default``): every write, every migration, every read inside ``transaction.atomic`` (so a service reads what
it is about to change from where it changes it), every signed-in person's request, every ``POST``, and every
management command and background task.

Read your writes: the people who change the directory and the inventories are signed in (facilitators, the
site's administrators), and imports run as commands or tasks: all of them read the primary, so a facilitator who
saves a service and is sent to its page sees the service as saved, and the form's revision
(``carepath/concurrency.py``) is never a stale one. A family or a provider, not signed in, may see a change a
replica has not applied yet: for as long as the replica lags (usually well under a second). What anonymous
visitors write (saved plans, reports of wrong listings, review comments through a private link) is in models
the replica never serves. Pathways are not served by the replica for the same reason: a reviewer comments
through a private link without signing in, and is sent back to the page that shows the comment.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

PRIMARY = "default"
REPLICA = "replica"
# Apps whose every model is read from the replica, and the models read from it besides, as "app_label.model".
REPLICA_APPS = frozenset({"directory", "communities"})
REPLICA_ALSO = frozenset({"carepath.dataversion"})
# Models of those apps that anonymous visitors write and then read again: always the primary.
PRIMARY_ONLY = frozenset({"communities.listingreport"})
# Methods whose requests only read; a request that may write reads the primary throughout.
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_replica_reads: ContextVar[bool] = ContextVar("carepath_replica_reads", default=False)


def served_by_replica(model: type[Model]) -> bool:
    """Whether reads of ``model`` may go to the replica (when one is configured and the moment allows)."""
    app, name = model._meta.app_label, model._meta.model_name
    label = f"{app}.{name}"
    if label in PRIMARY_ONLY:
        return False
    return app in REPLICA_APPS or label in REPLICA_ALSO


@contextlib.contextmanager
def replica_reads() -> Iterator[None]:
    """Reads of the replica's models inside this block may be served by the replica (outside transactions)."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


class ReplicaRouter:
    """``DATABASE_ROUTERS``: reads of the public directory to ``replica`` when allowed, everything else to
    ``default``. Settings list it only when the ``replica`` database is configured."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        if (
            _replica_reads.get()
            and served_by_replica(model)
            and not transaction.get_connection(PRIMARY).in_atomic_block
        ):
            return REPLICA
        return PRIMARY

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        return PRIMARY

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        """The replica holds the primary's rows: a row read from one may point at a row read from the other."""
        if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA}:
            return True
        return None

    def allow_migrate(
        self, db: str, app_label: str, model_name: str | None = None, **hints: Any
    ) -> bool | None:
        """Migrations (and ``createcachetable``) run on the primary only; the replica copies what they do."""
        if db == REPLICA:
            return False
        return None


class ReplicaReadsMiddleware:
    """Lets a request read the replica when it only reads and nobody is signed in (after the authentication
    middleware). The decision is made per request and undone when the response is ready."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        allowed = request.method in READ_METHODS and not request.user.is_authenticated
        token = _replica_reads.set(allowed)
        try:
            return self.get_response(request)
        finally:
            _replica_reads.reset(token)
