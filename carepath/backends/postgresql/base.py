"""Django's PostgreSQL backend, with a health check that costs no round trip while the connection is quiet.

With ``CONN_HEALTH_CHECKS``, Django asks the server ``SELECT 1`` before a kept connection's first query in each
request: a round trip as long as a navigator match's own queries. A connection the server has closed (a
restart, an idle timeout) becomes readable, with the end of the stream; one it has not closed has nothing to
read between requests. So the check looks at the socket first, without waiting, and asks the server only when
something is there to read (a notice, a parameter change, or the end): a dropped connection is still replaced
before a request uses it, and a quiet one is used at once.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed:
            return False
        try:
            readable, _, _ = select.select([connection.fileno()], [], [], 0)
        except (OSError, ValueError):  # a socket already gone
            return False
        if not readable:
            return True
        return bool(super().is_usable())
